import type { Pool, RowDataPacket } from 'mysql2/promise';
import { msToSqlTime } from '../db';
import type { Permission, Role, Viewer } from '../scope';
import { newToken, tokenHash } from './tokens';

/**
 * Server-side sessions: the cookie holds a random token, the database its hash. A session ends
 * after `idleMs` without a request or `absoluteMs` after sign-in, whichever comes first.
 */

export interface SessionPolicy {
	idleMs: number;
	absoluteMs: number;
}

/** last_seen_at is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export class Sessions {
	constructor(
		private readonly pool: Pool,
		readonly policy: SessionPolicy
	) {}

	async create(userId: number, ip: string | null, userAgent: string | null): Promise<string> {
		const token = newToken();
		const now = Date.now();
		await this.pool.query(
			`INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
			 VALUES (?, ?, ?, ?, ?, ?, ?)`,
			[
				tokenHash(token),
				userId,
				msToSqlTime(now),
				msToSqlTime(now),
				msToSqlTime(now + this.policy.absoluteMs),
				ip?.slice(0, 64) ?? null,
				userAgent?.slice(0, 255) ?? null
			]
		);
		return token;
	}

	/** The viewer behind a session token, or null when it is unknown, expired or disabled. */
	async resolve(token: string): Promise<Viewer | null> {
		if (!token || token.length > 100) return null;
		const id = tokenHash(token);
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT s.id, s.last_seen_at, s.expires_at, u.id AS user_id, u.username, u.display_name,
			        s.chosen_tenant_id, u.role, u.tenant_id, u.permissions, u.disabled
			   FROM sessions s JOIN users u ON u.id = s.user_id
			  WHERE s.id = ?`,
			[id]
		);
		const row = rows[0];
		if (!row) return null;
		const now = Date.now();
		const lastSeen = Date.parse(String(row.last_seen_at).replace(' ', 'T') + 'Z');
		const expires = Date.parse(String(row.expires_at).replace(' ', 'T') + 'Z');
		if (Number(row.disabled) === 1 || now >= expires || now - lastSeen >= this.policy.idleMs) {
			await this.pool.query('DELETE FROM sessions WHERE id = ?', [id]);
			return null;
		}
		if (now - lastSeen >= TOUCH_EVERY_MS) {
			await this.pool.query('UPDATE sessions SET last_seen_at = ? WHERE id = ?', [
				msToSqlTime(now),
				id
			]);
		}
		const userId = Number(row.user_id);
		const [queues] = await this.pool.query<RowDataPacket[]>(
			'SELECT queue_id FROM user_queues WHERE user_id = ? ORDER BY queue_id',
			[userId]
		);
		return {
			kind: 'user',
			userId,
			sessionId: id,
			sessionExpiresAt: expires,
			username: String(row.username),
			displayName: String(row.display_name),
			role: row.role as Role,
			tenantId: row.tenant_id === null ? null : Number(row.tenant_id),
			queueIds: queues.map((q) => Number(q.queue_id)),
			chosenTenantId: row.chosen_tenant_id === null ? null : Number(row.chosen_tenant_id),
			permissions: String(row.permissions || '')
				.split(',')
				.filter(Boolean) as Permission[]
		};
	}

	/**
	 * Remembers the tenant a platform admin has on screen, so a page whose address names none
	 * opens on it. Only a preference: read through defaultTenant, among the tenants the account
	 * may open at that moment.
	 */
	async chooseTenant(sessionId: string, tenantId: number): Promise<void> {
		await this.pool.query('UPDATE sessions SET chosen_tenant_id = ? WHERE id = ?', [
			tenantId,
			sessionId
		]);
	}

	/** Sessions with an open live socket are in use: keep them from idling out. */
	async touch(sessionIds: string[]): Promise<void> {
		if (sessionIds.length === 0) return;
		await this.pool.query('UPDATE sessions SET last_seen_at = ? WHERE id IN (?)', [
			msToSqlTime(Date.now()),
			sessionIds
		]);
	}

	async destroy(token: string): Promise<void> {
		await this.pool.query('DELETE FROM sessions WHERE id = ?', [tokenHash(token)]);
	}
}
