import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { WallTokenInfo } from '$lib/wall-token';
import type { Viewer } from '../scope';
import { newToken, tokenHash } from './tokens';

/**
 * Wall-display tokens: read-only, scoped to a tenant and a set of queues (or all), never idle
 * out, and stop working the moment they are revoked.
 */

/** How often a token's last use is written: a board refreshes and reconnects all day. */
const LAST_USED_RESOLUTION_SECONDS = 60;

export class WallTokens {
	constructor(private readonly pool: Pool) {}

	async create(input: {
		label: string;
		tenantId: number;
		queueIds: number[] | 'all';
		/** Plays a chime on the screen when an alert fires; off unless asked for. */
		chime?: boolean;
		createdBy: number;
	}): Promise<{ id: number; token: string }> {
		const token = newToken();
		const [result] = await this.pool.query<import('mysql2').ResultSetHeader>(
			'INSERT INTO wall_tokens (token_hash, label, tenant_id, queue_ids, chime, created_by) VALUES (?, ?, ?, ?, ?, ?)',
			[
				tokenHash(token),
				input.label,
				input.tenantId,
				input.queueIds === 'all' ? null : JSON.stringify(input.queueIds),
				input.chime ? 1 : 0,
				input.createdBy
			]
		);
		return { id: result.insertId, token };
	}

	async resolve(token: string): Promise<Viewer | null> {
		if (!token || token.length > 100) return null;
		const [rows] = await this.pool.query<RowDataPacket[]>(
			'SELECT id, label, tenant_id, queue_ids FROM wall_tokens WHERE token_hash = ? AND revoked_at IS NULL',
			[tokenHash(token)]
		);
		const row = rows[0];
		if (!row) return null;
		this.#touch(Number(row.id));
		return {
			kind: 'wall',
			tokenId: Number(row.id),
			label: String(row.label),
			tenantId: Number(row.tenant_id),
			queueIds: parseQueueIds(row.queue_ids)
		};
	}

	/** Whether a token's screen chimes on alerts (false for a token that is gone). */
	async chime(id: number): Promise<boolean> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			'SELECT chime FROM wall_tokens WHERE id = ?',
			[id]
		);
		return Number(rows[0]?.chime ?? 0) === 1;
	}

	async list(tenantId: number | null): Promise<WallTokenInfo[]> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT id, label, tenant_id, queue_ids, chime, created_at, last_used_at, revoked_at FROM wall_tokens
			  WHERE ? IS NULL OR tenant_id = ? ORDER BY id DESC`,
			[tenantId, tenantId]
		);
		return rows.map((row) => ({
			id: Number(row.id),
			label: String(row.label),
			tenantId: Number(row.tenant_id),
			queueIds: parseQueueIds(row.queue_ids),
			chime: Number(row.chime) === 1,
			createdAt: String(row.created_at),
			lastUsedAt: row.last_used_at === null ? null : String(row.last_used_at),
			revokedAt: row.revoked_at === null ? null : String(row.revoked_at)
		}));
	}

	/**
	 * Records a use, at most once a minute per token. Not awaited: the screen must not wait for
	 * (or fail with) a bookkeeping write.
	 */
	#touch(id: number): void {
		this.pool
			.query(
				`UPDATE wall_tokens SET last_used_at = CURRENT_TIMESTAMP(3)
				  WHERE id = ? AND (last_used_at IS NULL
				    OR last_used_at < CURRENT_TIMESTAMP(3) - INTERVAL ? SECOND)`,
				[id, LAST_USED_RESOLUTION_SECONDS]
			)
			.catch(() => undefined);
	}

	/** Revokes a token of the given tenant (null: any tenant); true when one was revoked. */
	async revoke(id: number, tenantId: number | null): Promise<boolean> {
		const [result] = await this.pool.query<import('mysql2').ResultSetHeader>(
			`UPDATE wall_tokens SET revoked_at = CURRENT_TIMESTAMP(3)
			  WHERE id = ? AND revoked_at IS NULL AND (? IS NULL OR tenant_id = ?)`,
			[id, tenantId, tenantId]
		);
		return result.affectedRows === 1;
	}
}

function parseQueueIds(value: unknown): number[] | 'all' {
	if (value === null || value === undefined) return 'all';
	const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
	return Array.isArray(parsed) ? parsed.map(Number).filter(Number.isInteger) : 'all';
}
