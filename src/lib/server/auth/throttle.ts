import type { Pool, RowDataPacket } from 'mysql2/promise';
import { msToSqlTime } from '../db';

/**
 * Sign-in throttling per account and per IP, stored in the dashboard database so every node
 * agrees. After `maxFailures` within the window the key is locked for `lockMs`.
 */

export interface ThrottlePolicy {
	/** Failures that lock one account. */
	maxFailures: number;
	/** Failures that lock one address: higher, so an office behind one NAT does not lock itself out. */
	maxFailuresPerIp: number;
	windowMs: number;
	lockMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
	maxFailures: 5,
	maxFailuresPerIp: 50,
	windowMs: 15 * 60_000,
	lockMs: 15 * 60_000
};

export class LoginThrottle {
	constructor(
		private readonly pool: Pool,
		private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE
	) {}

	/** Milliseconds until any of the keys may try again; 0 when none is locked. */
	async lockedFor(keys: string[]): Promise<number> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			'SELECT locked_until FROM login_throttle WHERE throttle_key IN (?) AND locked_until IS NOT NULL',
			[keys]
		);
		const now = Date.now();
		let wait = 0;
		for (const row of rows) {
			const until = Date.parse(String(row.locked_until).replace(' ', 'T') + 'Z');
			wait = Math.max(wait, until - now);
		}
		return Math.max(0, wait);
	}

	async fail(keys: string[]): Promise<void> {
		const now = Date.now();
		const windowStart = msToSqlTime(now - this.policy.windowMs);
		const lockUntil = msToSqlTime(now + this.policy.lockMs);
		for (const key of keys) {
			await this.pool.query(
				`INSERT INTO login_throttle (throttle_key, failures, window_started_at) VALUES (?, 1, ?)
				 ON DUPLICATE KEY UPDATE
				   failures = IF(window_started_at < ?, 1, failures + 1),
				   window_started_at = IF(window_started_at < ?, VALUES(window_started_at), window_started_at),
				   locked_until = IF(failures >= ?, ?, locked_until)`,
				// MariaDB applies these assignments left to right: failures is already the new count.
				[
					key,
					msToSqlTime(now),
					windowStart,
					windowStart,
					key.startsWith('ip:') ? this.policy.maxFailuresPerIp : this.policy.maxFailures,
					lockUntil
				]
			);
		}
	}

	async succeed(keys: string[]): Promise<void> {
		await this.pool.query('DELETE FROM login_throttle WHERE throttle_key IN (?)', [keys]);
	}
}
