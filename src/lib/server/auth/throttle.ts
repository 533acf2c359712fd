import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { msToSqlTime, withTransaction } from '../db';

/**
 * Sign-in throttling per account and per IP, stored in the dashboard database so every node
 * agrees. Every attempt first takes a reservation: one atomic step that checks the lock and
 * counts the attempt as a failure. Only an attempt that got a reservation has its password
 * checked, so parallel requests cannot all slip in before the first failure is written. A
 * success gives the reservation back. After `maxFailures` within the window the key is locked
 * for `lockMs`.
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

interface KeyState {
	failures: number;
	windowStartedAt: number;
	lockedUntil: number | null;
}

const parseTime = (value: unknown) => Date.parse(String(value).replace(' ', 'T') + 'Z');

export class LoginThrottle {
	constructor(
		private readonly pool: Pool,
		private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE
	) {}

	/**
	 * Reserves one attempt on every key, or none: returns 0 when the attempt may go ahead (it
	 * already counts as a failure), else the milliseconds until one of the keys unlocks.
	 */
	async reserve(keys: string[]): Promise<number> {
		// Rows are locked in one order by everyone, so two reservations never deadlock.
		const sorted = [...new Set(keys)].sort();
		return withTransaction(this.pool, async (conn) => {
			const states = await this.#lock(conn, sorted);
			const now = Date.now();
			const locked = Math.max(0, ...states.map(([, s]) => (s.lockedUntil ?? 0) - now));
			if (locked > 0) return locked;
			const next = states.map(([key, state]) => [key, this.#count(key, state, now)] as const);
			const refused = next.filter(([, state]) => state.lockedUntil !== null);
			// A refused attempt was not evaluated: only the keys it pushed over the limit record it.
			for (const [key, state] of refused.length > 0 ? refused : next) {
				await conn.query(
					`UPDATE login_throttle SET failures = ?, window_started_at = ?, locked_until = ?
					  WHERE throttle_key = ?`,
					[
						state.failures,
						msToSqlTime(state.windowStartedAt),
						state.lockedUntil === null ? null : msToSqlTime(state.lockedUntil),
						key
					]
				);
			}
			return refused.length > 0 ? this.policy.lockMs : 0;
		});
	}

	/** A successful sign-in: these keys start afresh. */
	async clear(keys: string[]): Promise<void> {
		await this.pool.query('DELETE FROM login_throttle WHERE throttle_key IN (?)', [keys]);
	}

	/** A successful sign-in gives its reservation back on keys that keep their other failures. */
	async release(keys: string[]): Promise<void> {
		await this.pool.query(
			`UPDATE login_throttle SET failures = GREATEST(CAST(failures AS SIGNED) - 1, 0)
			  WHERE throttle_key IN (?)`,
			[keys]
		);
	}

	/** Creates missing rows and locks all of them until the transaction ends. */
	async #lock(conn: PoolConnection, keys: string[]): Promise<[string, KeyState][]> {
		const now = msToSqlTime(Date.now());
		for (const key of keys) {
			// The no-op update still takes the row's write lock, also when it already existed.
			await conn.query(
				`INSERT INTO login_throttle (throttle_key, failures, window_started_at) VALUES (?, 0, ?)
				 ON DUPLICATE KEY UPDATE failures = failures`,
				[key, now]
			);
		}
		const [rows] = await conn.query<RowDataPacket[]>(
			`SELECT throttle_key, failures, window_started_at, locked_until FROM login_throttle
			  WHERE throttle_key IN (?)`,
			[keys]
		);
		const byKey = new Map(rows.map((row) => [String(row.throttle_key), row]));
		return keys.map((key) => {
			const row = byKey.get(key);
			return [
				key,
				{
					failures: Number(row?.failures ?? 0),
					windowStartedAt: row ? parseTime(row.window_started_at) : Date.now(),
					lockedUntil: row?.locked_until ? parseTime(row.locked_until) : null
				}
			];
		});
	}

	/** The key after one more attempt at `now`; `lockedUntil` set when that is one too many. */
	#count(key: string, state: KeyState, now: number): KeyState {
		const expired =
			state.lockedUntil !== null || state.windowStartedAt < now - this.policy.windowMs;
		const failures = (expired ? 0 : state.failures) + 1;
		const limit = key.startsWith('ip:') ? this.policy.maxFailuresPerIp : this.policy.maxFailures;
		return {
			failures,
			windowStartedAt: expired ? now : state.windowStartedAt,
			lockedUntil: failures > limit ? now + this.policy.lockMs : null
		};
	}
}
