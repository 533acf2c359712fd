import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { FencedError, fencedTransaction } from '../fence';
import type { ChannelKind, Delivery, DeliveryContent, SendOutcome } from './types';

/**
 * The outbox's SQL: which rows are due, claiming them under the alerts' fence, and writing what
 * an attempt came to. Every write after the claim names the claim, so a node that lost its
 * claim (stalled past it, or a newer leader took the row) changes nothing.
 */

/** The evaluator's claim of `alert_fence` (alerts/store.ts's Fence): the worker sends under it. */
export interface DeliveryFence {
	token: number;
	claim: string;
}

export interface DueDelivery {
	id: number;
	tenantId: number;
	channel: ChannelKind;
	targetKey: string;
}

/** The oldest due, unclaimed row of each target, oldest first. */
export async function dueDeliveries(pool: Pool, limit: number): Promise<DueDelivery[]> {
	const [rows] = await pool.query<RowDataPacket[]>(
		`SELECT id, tenant_id, channel, target_key FROM (
			SELECT id, tenant_id, channel, target_key, next_attempt_at,
				ROW_NUMBER() OVER (PARTITION BY tenant_id, channel, target_key ORDER BY next_attempt_at, id) AS rn
			FROM alert_deliveries
			WHERE status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(3)
				AND (claimed_until IS NULL OR claimed_until < UTC_TIMESTAMP(3))
		) AS due WHERE rn = 1 ORDER BY next_attempt_at, id LIMIT ?`,
		[limit]
	);
	return rows.map((row) => ({
		id: Number(row.id),
		tenantId: Number(row.tenant_id),
		channel: row.channel as ChannelKind,
		targetKey: String(row.target_key)
	}));
}

export type ClaimResult = { refused: true } | { refused: false; claimed: Delivery[] };

/**
 * Claims rows for `claimMs` under `fence`: refused when alert_fence holds another claim (a newer
 * leader evaluates: this node is a stalled old one). The fence row is locked while the rows are
 * claimed, so a newer leader's claim of the fence waits for this one or comes before it.
 */
export async function claimDeliveries(
	pool: Pool,
	ids: number[],
	fence: DeliveryFence,
	claimMs: number
): Promise<ClaimResult> {
	try {
		const claimed = await fencedTransaction(pool, fence.claim, async (conn) => {
			const [claim] = await conn.query<ResultSetHeader>(
				`UPDATE alert_deliveries
				 SET claim = ?, claimed_until = DATE_ADD(UTC_TIMESTAMP(3), INTERVAL ? MICROSECOND), attempts = attempts + 1
				 WHERE id IN (?) AND status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(3)
					AND (claimed_until IS NULL OR claimed_until < UTC_TIMESTAMP(3))`,
				[fence.claim, claimMs * 1000, ids]
			);
			return claim.affectedRows === 0 ? [] : readClaimed(conn, ids, fence.claim);
		});
		return { refused: false, claimed };
	} catch (error) {
		if (error instanceof FencedError) return { refused: true };
		throw error;
	}
}

async function readClaimed(
	conn: Pick<Pool, 'query'>,
	ids: number[],
	claim: string
): Promise<Delivery[]> {
	const [rows] = await conn.query<RowDataPacket[]>(
		`SELECT d.id, d.tenant_id, d.channel, d.target_key, d.target, d.payload, d.attempts,
			TIMESTAMPDIFF(MICROSECOND, d.created_at, UTC_TIMESTAMP(3)) DIV 1000 AS age_ms,
			IF(w.enabled = 1 AND w.tenant_id = d.tenant_id, w.secret, NULL) AS secret
		 FROM alert_deliveries d
		 LEFT JOIN alert_webhooks w ON d.channel = 'webhook' AND w.id = CAST(d.target_key AS UNSIGNED)
		 WHERE d.id IN (?) AND d.claim = ? AND d.status = 'pending' AND d.claimed_until > UTC_TIMESTAMP(3)`,
		[ids, claim]
	);
	return rows.map((row) => ({
		id: Number(row.id),
		tenantId: Number(row.tenant_id),
		channel: row.channel as ChannelKind,
		targetKey: String(row.target_key),
		target: String(row.target),
		secret: row.secret === null ? null : String(row.secret),
		content: JSON.parse(String(row.payload)) as DeliveryContent,
		attempts: Number(row.attempts),
		ageMs: Number(row.age_ms)
	}));
}

/** Sent; or failed for good; or pending again after `retryInMs`. */
export async function recordOutcome(
	pool: Pool,
	delivery: Delivery,
	fence: DeliveryFence,
	outcome: SendOutcome,
	retryInMs: number | null
): Promise<void> {
	if (outcome.ok) {
		await pool.query(
			`UPDATE alert_deliveries SET status = 'sent', sent_at = UTC_TIMESTAMP(3), claimed_until = NULL, last_error = NULL
			 WHERE id = ? AND claim = ? AND status = 'pending'`,
			[delivery.id, fence.claim]
		);
		return;
	}
	const error = outcome.error.slice(0, 512);
	if (retryInMs === null) {
		await pool.query(
			`UPDATE alert_deliveries SET status = 'failed', claimed_until = NULL, last_error = ?
			 WHERE id = ? AND claim = ? AND status = 'pending'`,
			[error, delivery.id, fence.claim]
		);
		return;
	}
	await pool.query(
		`UPDATE alert_deliveries
		 SET claimed_until = NULL, last_error = ?, next_attempt_at = DATE_ADD(UTC_TIMESTAMP(3), INTERVAL ? MICROSECOND)
		 WHERE id = ? AND claim = ? AND status = 'pending'`,
		[error, retryInMs * 1000, delivery.id, fence.claim]
	);
}

/** Gives a claimed row back unsent (this node stopped, or its claim went stale): no attempt counted. */
export async function releaseClaim(
	pool: Pool,
	delivery: Delivery,
	fence: DeliveryFence
): Promise<void> {
	await pool.query(
		`UPDATE alert_deliveries SET claimed_until = NULL, attempts = GREATEST(attempts, 1) - 1
		 WHERE id = ? AND claim = ? AND status = 'pending'`,
		[delivery.id, fence.claim]
	);
}
