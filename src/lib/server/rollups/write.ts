import type { Pool, PoolConnection } from 'mysql2/promise';
import { msToSqlTime } from '../db';
import { SLOT_MS } from '../insight/intervals';
import { SUM_COLUMNS } from './pack';

/**
 * The rollups' writes, each one transaction that deletes what it replaces and inserts the new
 * rows with their marks (range_rollup_slots_done, range_rollup_days_done): never an increment.
 * Values come from ./recompute in the tables' column order.
 */

const INSERT_CHUNK = 1000;

export interface DayWrite {
	tenantId: number;
	/** The local dates written, and their UTC span [startMs, endMs) (whole slots). */
	dates: string[];
	startMs: number;
	endMs: number;
	slots: unknown[][];
	days: unknown[][];
	agents: unknown[][];
}

/** Replaces slot rows of [from, to) and marks the slots; unmarks `staleDays` in the same transaction. */
export async function writeSlots(
	dashboard: Pool,
	tenantId: number,
	from: number,
	to: number,
	slots: unknown[][],
	staleDays: string[]
): Promise<void> {
	await inTransaction(dashboard, async (conn) => {
		if (staleDays.length > 0) {
			await conn.query('DELETE FROM range_rollup_days_done WHERE tenant_id = ? AND day IN (?)', [
				tenantId,
				staleDays
			]);
		}
		await replaceSlots(conn, tenantId, from, to, slots);
	});
}

/** Replaces whole local days (slots, day rows, agent rows) and marks them rolled up. */
export async function writeDays(dashboard: Pool, write: DayWrite): Promise<void> {
	const { tenantId, dates } = write;
	if (dates.length === 0) return;
	await inTransaction(dashboard, async (conn) => {
		await replaceSlots(conn, tenantId, write.startMs, write.endMs, write.slots);
		for (const table of ['range_rollup_days', 'range_rollup_agents']) {
			await conn.query(`DELETE FROM ${table} WHERE tenant_id = ? AND day IN (?)`, [
				tenantId,
				dates
			]);
		}
		await insertChunks(
			conn,
			`INSERT INTO range_rollup_days (tenant_id, day, queue_key, channel, queue_id,
			   ${SUM_COLUMNS.join(', ')}, waits, hours) VALUES ?`,
			write.days
		);
		await insertChunks(
			conn,
			`INSERT INTO range_rollup_agents (tenant_id, day, queue_key, channel, agent_id, queue_id,
			   ${SUM_COLUMNS.join(', ')}, answered_within_goal, goal_seconds) VALUES ?`,
			write.agents
		);
		const at = msToSqlTime(Date.now());
		await insertChunks(
			conn,
			`INSERT INTO range_rollup_days_done (tenant_id, day, rolled_at) VALUES ?
			 ON DUPLICATE KEY UPDATE rolled_at = VALUES(rolled_at)`,
			dates.map((date) => [tenantId, date, at])
		);
	});
}

async function replaceSlots(
	conn: PoolConnection,
	tenantId: number,
	from: number,
	to: number,
	slots: unknown[][]
): Promise<void> {
	await conn.query(
		'DELETE FROM range_rollup_slots WHERE tenant_id = ? AND slot_start >= ? AND slot_start < ?',
		[tenantId, msToSqlTime(from), msToSqlTime(to)]
	);
	await insertChunks(
		conn,
		`INSERT INTO range_rollup_slots (tenant_id, slot_start, queue_key, channel, queue_id,
		   ${SUM_COLUMNS.join(', ')}, waits) VALUES ?`,
		slots
	);
	const at = msToSqlTime(Date.now());
	const marks: unknown[][] = [];
	for (let slot = from; slot < to; slot += SLOT_MS) marks.push([tenantId, msToSqlTime(slot), at]);
	await insertChunks(
		conn,
		`INSERT INTO range_rollup_slots_done (tenant_id, slot_start, rolled_at) VALUES ?
		 ON DUPLICATE KEY UPDATE rolled_at = VALUES(rolled_at)`,
		marks
	);
}

async function insertChunks(conn: PoolConnection, sql: string, values: unknown[][]) {
	for (let i = 0; i < values.length; i += INSERT_CHUNK) {
		await conn.query(sql, [values.slice(i, i + INSERT_CHUNK)]);
	}
}

async function inTransaction(pool: Pool, work: (conn: PoolConnection) => Promise<void>) {
	const conn = await pool.getConnection();
	try {
		await conn.beginTransaction();
		await work(conn);
		await conn.commit();
	} catch (error) {
		await conn.rollback().catch(() => undefined);
		throw error;
	} finally {
		conn.release();
	}
}
