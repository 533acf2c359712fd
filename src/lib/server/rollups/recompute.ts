import type { Pool, RowDataPacket } from 'mysql2/promise';
import { SUM_FIELDS, type WaitHistogram } from '$lib/queues/measures';
import { addWaitList, sumsFromRow, sumsSql, waitListSql } from '$lib/queues/measures-sql';
import { escapeId, msToSqlTime, timeLimited } from '../db';
import { SLOT_MS } from '../insight/intervals';

/**
 * Recomputes a tenant's 15-minute rollups over a span of slots from closed_interactions and
 * replaces them: the rows of the span are deleted and written again in one transaction, with
 * every slot of the span marked as rolled up (an empty slot too). Never an increment: doing it
 * twice, or after a replayed binlog interval, writes the same rows. The PBX's rows and the
 * dashboard's rollups may live on different servers (a read replica, another database), so
 * the read is a SELECT on the history pool and the write a DELETE + INSERT on the dashboard's,
 * the cross-server form of `REPLACE … SELECT`.
 */

/** Where closed_interactions is read. */
export interface RowSource {
	pool: Pool;
	database: string;
	timeoutSeconds: number;
}

export interface RollupDeps {
	/**
	 * The PBX's own database, which wrote the binlog: a touched slot is read there, never on a
	 * replica that may not have the change yet (a stale read would be marked rolled up).
	 */
	primary: RowSource;
	/** The history pool (the replica when configured): the bulk of the backfill reads there. */
	history: RowSource;
	/** Holds range_rollups and range_rollup_slots (migration 8). */
	dashboard: Pool;
}

const COLUMNS = [
	'offered',
	'answered',
	'abandoned',
	'wait_sum_seconds',
	'handled',
	'talk_sum_seconds',
	'acw_sum_seconds'
] as const;
const INSERT_CHUNK = 1000;

export const floorSlot = (ms: number) => Math.floor(ms / SLOT_MS) * SLOT_MS;

/** A histogram as "seconds:count" pairs, ascending (what range_rollups.waits holds). */
export function packWaits(waits: WaitHistogram): string | null {
	if (waits.size === 0) return null;
	return [...waits]
		.sort(([a], [b]) => a - b)
		.map(([wait, count]) => `${wait}:${count}`)
		.join(',');
}

/** Replaces the rollups of [fromMs, toMs) (whole slots) for one tenant; returns rows written. */
export async function recomputeSlots(
	rows: RowSource,
	dashboard: Pool,
	tenantId: number,
	fromMs: number,
	toMs: number
): Promise<number> {
	const from = floorSlot(fromMs);
	const to = Math.ceil(toMs / SLOT_MS) * SLOT_MS;
	if (to <= from) return 0;
	// answeredWithinGoal is not stored: it is counted from the waits against each queue's goal
	// when read (a goal changed on the thresholds page applies to the past at once, as in SQL).
	const [groups] = await rows.pool.query<RowDataPacket[]>(
		timeLimited(
			`SELECT FLOOR(TIMESTAMPDIFF(SECOND, ?, c.created_at) / ${SLOT_MS / 1000}) AS slot,
			        c.queue_id, c.channel, c.agent_id, ${sumsSql('c', '0')}, ${waitListSql('c')}
			   FROM ${escapeId(rows.database)}.closed_interactions c
			  WHERE c.tenant_id = ? AND c.created_at >= ? AND c.created_at < ?
			  GROUP BY slot, c.queue_id, c.channel, c.agent_id`,
			rows.timeoutSeconds,
			true
		),
		[msToSqlTime(from), tenantId, msToSqlTime(from), msToSqlTime(to)]
	);
	const values = groups.map((r) => {
		const sums = sumsFromRow(r);
		const waits: WaitHistogram = new Map();
		addWaitList(waits, r.waits);
		const byColumn = SUM_FIELDS.filter((f) => f !== 'answeredWithinGoal').map((f) => sums[f]);
		const id = (value: unknown) => (value === null ? null : Number(value));
		return [
			tenantId,
			msToSqlTime(from + Number(r.slot) * SLOT_MS),
			id(r.queue_id) ?? 0,
			r.channel,
			id(r.agent_id) ?? 0,
			id(r.queue_id),
			id(r.agent_id),
			...byColumn,
			packWaits(waits)
		];
	});
	const rolledAt = msToSqlTime(Date.now());
	const slots: unknown[][] = [];
	for (let slot = from; slot < to; slot += SLOT_MS) {
		slots.push([tenantId, msToSqlTime(slot), rolledAt]);
	}
	await writeSpan(dashboard, tenantId, from, to, values, slots);
	return values.length;
}

async function writeSpan(
	pool: Pool,
	tenantId: number,
	from: number,
	to: number,
	values: unknown[][],
	slots: unknown[][]
): Promise<void> {
	const conn = await pool.getConnection();
	try {
		await conn.beginTransaction();
		await conn.query(
			'DELETE FROM range_rollups WHERE tenant_id = ? AND slot_start >= ? AND slot_start < ?',
			[tenantId, msToSqlTime(from), msToSqlTime(to)]
		);
		for (let i = 0; i < values.length; i += INSERT_CHUNK) {
			await conn.query(
				`INSERT INTO range_rollups (tenant_id, slot_start, queue_key, channel, agent_key,
				   queue_id, agent_id, ${COLUMNS.join(', ')}, waits) VALUES ?`,
				[values.slice(i, i + INSERT_CHUNK)]
			);
		}
		for (let i = 0; i < slots.length; i += INSERT_CHUNK) {
			await conn.query(
				`INSERT INTO range_rollup_slots (tenant_id, slot_start, rolled_at) VALUES ?
				 ON DUPLICATE KEY UPDATE rolled_at = VALUES(rolled_at)`,
				[slots.slice(i, i + INSERT_CHUNK)]
			);
		}
		await conn.commit();
	} catch (error) {
		await conn.rollback().catch(() => undefined);
		throw error;
	} finally {
		conn.release();
	}
}

/** How many of the slots of [fromMs, toMs) are rolled up (all of them: the rollups may answer). */
export async function rolledSlots(
	dashboard: Pool,
	tenantId: number,
	fromMs: number,
	toMs: number
): Promise<number> {
	const [[row]] = await dashboard.query<RowDataPacket[]>(
		`SELECT COUNT(*) AS n FROM range_rollup_slots
		  WHERE tenant_id = ? AND slot_start >= ? AND slot_start < ?`,
		[tenantId, msToSqlTime(fromMs), msToSqlTime(toMs)]
	);
	return Number(row.n);
}
