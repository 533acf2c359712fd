import { randomUUID } from 'node:crypto';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { msToSqlTime } from '../db/time';
import { scopeSql, type Scope } from '../scope';
import type { Clear, Fire } from './engine';
import { FencedError, fencedTransaction } from './fence';
import { ALERT_COLUMNS, alertFromRow, type AlertRecord } from './record';

/**
 * The `alerts` table: one row per breach, written only by the evaluating node, under its claim.
 *
 * Once per breach across failover, the rule (also in docs/ARCHITECTURE.md):
 * 1. A node that starts evaluating first claims `alert_fence` (row 1): its lease's fencing token,
 *    which must be at least the stored one, and a fresh claim id. Then it reads the open
 *    breaches, so it sees every write of the node before it.
 * 2. Every write (fire, clear) is a transaction that first locks `alert_fence` and goes on only
 *    if the claim there is still its own: a stalled old leader that wakes up after a newer claim
 *    writes nothing, and a claim waits for the lock, so no old write lands after it either.
 * 3. The UNIQUE key (rule_id, queue_id, subject, open) admits one open breach per key: a new
 *    leader that evaluates a breach already written meets the key and continues that row.
 * 4. The channels' outbox rows are inserted in the same transaction as the fire or clear, so a
 *    breach's deliveries exist exactly when its row does.
 * A single node, or a node running standalone while Redis is away, claims with token null and
 * keeps the stored token: standalone nodes each claim in turn, and every one but the last is
 * fenced at its next write and stops, so one still evaluates. `fresh` (a new epoch: Redis held
 * no change log, or another Redis process serves it after a failover, so its lease counter may
 * have started over or repeated a token) claims whatever token is stored; the claim id still
 * fences every node that claimed before.
 */

export interface Lead {
	/** The lease's fencing token; null on a single node. */
	token: number | null;
	/** A new epoch (no log, or another Redis process): the token count may have restarted. */
	fresh: boolean;
}

export interface Fence {
	token: number;
	claim: string;
}

export { FencedError };

export type Transition = 'fired' | 'cleared';

/**
 * Adds a breach's deliveries (webhooks, email) inside the caller's transaction: the outbox of
 * the channels (server/alerts/channels, enqueueDeliveries). Until it is wired, nothing.
 */
export type Outbox = (conn: PoolConnection, alert: AlertRecord, transition: Transition) => Promise<void>; // prettier-ignore

const DUPLICATE = 'ER_DUP_ENTRY';

export class AlertStore {
	constructor(
		private readonly pool: Pool,
		private readonly outbox: Outbox = async () => {}
	) {}

	/** Claims the alerts for this node; null when a newer leader's claim is stored. */
	async claim(lead: Lead, nodeId: string): Promise<Fence | null> {
		const claim = randomUUID();
		const [result] = await this.pool.query<ResultSetHeader>(
			`UPDATE alert_fence SET token = IF(? IS NULL, token, ?), claim = ?, node_id = ?,
			        claimed_at = CURRENT_TIMESTAMP(3)
			  WHERE id = 1 AND (? IS NULL OR ? = 1 OR token <= ?)`,
			[lead.token, lead.token, claim, nodeId.slice(0, 64), lead.token, lead.fresh ? 1 : 0, lead.token] // prettier-ignore
		);
		if (result.affectedRows !== 1) return null;
		const [[row]] = await this.pool.query<RowDataPacket[]>(
			'SELECT token FROM alert_fence WHERE id = 1'
		);
		return { token: Number(row.token), claim };
	}

	/** Runs `work` in a transaction that holds the fence: refused unless the claim is `fence`'s. */
	fenced<T>(fence: Fence, work: (conn: PoolConnection) => Promise<T>): Promise<T> {
		return fencedTransaction(this.pool, fence.claim, work);
	}

	/** Breaches fired and not cleared, every tenant's: what a new evaluator continues. */
	async openAlerts(): Promise<AlertRecord[]> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT ${ALERT_COLUMNS} FROM alerts WHERE open = 1`
		);
		return rows.map(alertFromRow);
	}

	/**
	 * Writes a breach that fired, with its deliveries. A breach of that key already open (written
	 * by a node before this one) is continued: returned with `existing`, no delivery added.
	 */
	async fire(
		fence: Fence,
		fire: Fire,
		tenantId: number,
		summary: string
	): Promise<{ alert: AlertRecord; existing: boolean }> {
		return this.fenced(fence, async (conn) => {
			const { rule, queueId, subject } = fire;
			try {
				const [result] = await conn.query<ResultSetHeader>(
					`INSERT INTO alerts (tenant_id, queue_id, rule_id, subject, open, metric, level, channels,
					                     summary, value, threshold, fired_at, fired_fence)
					 VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
					[tenantId, queueId, rule.id, subject, rule.metric, rule.level, rule.channels.join(','), summary.slice(0, 255), fire.value, rule.threshold, msToSqlTime(fire.at), fence.token] // prettier-ignore
				);
				const alert = await this.#read(conn, result.insertId);
				await this.outbox(conn, alert, 'fired');
				return { alert, existing: false };
			} catch (error) {
				if ((error as { code?: string }).code !== DUPLICATE) throw error;
				const open = await this.#openOf(conn, rule.id, queueId, subject);
				if (!open) throw error;
				return { alert: open, existing: true };
			}
		});
	}

	/** Writes the clearance of an open breach, with its deliveries; null when none is open. */
	async clear(fence: Fence, clear: Clear): Promise<AlertRecord | null> {
		return this.fenced(fence, async (conn) => {
			const open = await this.#openOf(conn, clear.ruleId, clear.queueId, clear.subject);
			if (!open) return null;
			await conn.query(
				`UPDATE alerts SET open = NULL, cleared_at = ?, clear_value = ?, cleared_fence = ?
				  WHERE id = ? AND open = 1`,
				[msToSqlTime(clear.at), clear.value, fence.token, open.id]
			);
			const alert = await this.#read(conn, open.id);
			await this.outbox(conn, alert, 'cleared');
			return alert;
		});
	}

	async get(id: number): Promise<AlertRecord | null> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`,
			[id]
		);
		return rows[0] ? alertFromRow(rows[0]) : null;
	}

	/**
	 * Marks an alert acknowledged by a person (the first acknowledgement stands); returns it as
	 * it is now. The caller has checked the person's scope.
	 */
	async acknowledge(id: number, userId: number, name: string): Promise<AlertRecord | null> {
		await this.pool.query(
			`UPDATE alerts SET acknowledged_at = CURRENT_TIMESTAMP(3), acknowledged_by = ?,
			        acknowledged_by_name = ?
			  WHERE id = ? AND acknowledged_at IS NULL`,
			[userId, name.slice(0, 128), id]
		);
		return this.get(id);
	}

	/** Open alerts and those cleared after `clearedSinceMs`, of a scope, newest first. */
	async recent(scope: Scope, clearedSinceMs: number, limit = 200): Promise<AlertRecord[]> {
		const params: unknown[] = [];
		const where = scopeSql(scope, 'a', params);
		params.push(msToSqlTime(clearedSinceMs), limit);
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT ${ALERT_COLUMNS} FROM alerts a
			  WHERE ${where} AND (a.open = 1 OR a.cleared_at > ?)
			  ORDER BY a.fired_at DESC LIMIT ?`,
			params
		);
		return rows.map(alertFromRow);
	}

	/** The breaches of a scope that fired in [fromMs, toMs), oldest first (a replayed day's marks). */
	async firedBetween(
		scope: Scope,
		fromMs: number,
		toMs: number,
		limit = 500
	): Promise<AlertRecord[]> {
		const params: unknown[] = [];
		const inScope = scopeSql(scope, 'a', params);
		params.push(msToSqlTime(fromMs), msToSqlTime(toMs), limit);
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT ${ALERT_COLUMNS} FROM alerts a
			  WHERE ${inScope} AND a.fired_at >= ? AND a.fired_at < ?
			  ORDER BY a.fired_at, a.id LIMIT ?`,
			params
		);
		return rows.map(alertFromRow);
	}

	async #read(conn: PoolConnection, id: number): Promise<AlertRecord> {
		const [[row]] = await conn.query<RowDataPacket[]>(
			`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`,
			[id]
		);
		return alertFromRow(row);
	}

	async #openOf(conn: PoolConnection, ruleId: number, queueId: number, subject: string) {
		const [[row]] = await conn.query<RowDataPacket[]>(
			`SELECT ${ALERT_COLUMNS} FROM alerts
			  WHERE rule_id = ? AND queue_id = ? AND subject = ? AND open = 1 FOR UPDATE`,
			[ruleId, queueId, subject]
		);
		return row ? alertFromRow(row) : null;
	}
}
