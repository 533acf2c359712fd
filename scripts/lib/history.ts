import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { DemoLookups } from './demo-data';
import { CLOSED_COLUMNS } from './pbx-sql';
import { SIMULATOR_ID_FLOOR } from './interaction-plan';
import { Rng } from './random';
import {
	BulkWriter,
	openBulkConnections,
	releaseBulkConnections,
	resetHistory
} from './history-bulk';
import { historyTuples, TRANSCRIPTION_COLUMNS, writeRecordingPool } from './history-rows';
import { tableRef } from './sql';

/**
 * Months of closed interactions in seconds: rows are planned like the simulator's, then written
 * with hand-built multi-row INSERTs over several connections that skip the binlog (a bulk load
 * must not reach the dashboard's tailer as millions of "live" events).
 */

export interface HistoryProgress {
	rows: number;
	total: number;
	transcriptions: number;
	elapsedMs: number;
}

export interface HistoryOptions {
	pool: Pool;
	database: string;
	lookups: DemoLookups;
	days: number;
	rows: number;
	recordingsRoot: string;
	onProgress?: (progress: HistoryProgress) => void;
	/** Delete earlier history rows (ids below the simulator's range) first. */
	reset?: boolean;
	/** Write through the binlog when the user may not turn it off for its session. */
	allowBinlog?: boolean;
	seed?: number;
	/** Share of recorded voice calls that have a transcription. Default 0.7. */
	transcribedShare?: number;
}

export interface HistoryResult {
	/** True when history rows existed and `reset` was not asked for: nothing was written. */
	skipped: boolean;
	existing: number;
	/** Time spent removing earlier history rows (with `reset`). */
	resetSeconds: number;
	rows: number;
	transcriptions: number;
	/** Time spent generating and inserting, which the rows/s figure is based on. */
	seconds: number;
}

const batchRows = 2000;
const connections = 3;

/** History rows: closed interactions with ids below the simulator's range. */
export async function countHistoryRows(pool: Pool, database: string): Promise<number> {
	const [rows] = await pool.query<RowDataPacket[]>(
		`SELECT COUNT(*) AS n FROM ${tableRef(database, 'closed_interactions')} WHERE id < ?`,
		[SIMULATOR_ID_FLOOR]
	);
	return Number(rows[0].n);
}

export async function generateHistory(options: HistoryOptions): Promise<HistoryResult> {
	let started = Date.now();
	const { pool, database, lookups, rows: total } = options;
	const existing = await countHistoryRows(pool, database);
	if (existing > 0 && !options.reset) {
		return { skipped: true, existing, resetSeconds: 0, rows: 0, transcriptions: 0, seconds: 0 };
	}
	const tenants = lookups.tenants.filter((t) => t.agents.length > 0);
	if (tenants.length === 0) throw new Error('no tenant with agents: seed the lookups first');
	const conns = await openBulkConnections(pool, connections, options.allowBinlog ?? false);
	let failed = false;
	try {
		if (existing > 0) await resetHistory(conns[0], database);
		const resetSeconds = (Date.now() - started) / 1000;
		const recordings = await writeRecordingPool(options.recordingsRoot);
		started = Date.now();
		const closedTable = tableRef(database, 'closed_interactions');
		const transcriptionTable = tableRef(database, 'transcriptions');
		const closedSql = `INSERT INTO ${closedTable} (${CLOSED_COLUMNS}) VALUES `;
		const transcriptionSql = `INSERT INTO ${transcriptionTable} (${TRANSCRIPTION_COLUMNS}) VALUES `;
		let written = 0;
		let transcribed = 0;
		const writer = new BulkWriter(conns);
		const report = () =>
			options.onProgress?.({
				rows: written,
				total,
				transcriptions: transcribed,
				elapsedMs: Date.now() - started
			});
		let closedBatch: string[] = [];
		let transcriptionBatch: string[] = [];
		const flush = async (force: boolean) => {
			if (closedBatch.length >= batchRows || (force && closedBatch.length > 0)) {
				const count = closedBatch.length;
				const sql = closedSql + closedBatch.join(',');
				closedBatch = [];
				await writer.send(sql, () => {
					written += count;
					report();
				});
			}
			if (transcriptionBatch.length >= batchRows || (force && transcriptionBatch.length > 0)) {
				const count = transcriptionBatch.length;
				const sql = transcriptionSql + transcriptionBatch.join(',');
				transcriptionBatch = [];
				await writer.send(sql, () => (transcribed += count));
			}
		};
		// Ten minutes of margin: the longest planned interaction then still closes before now.
		const toMs = Date.now() - 600_000;
		const rows = historyTuples({
			tenants,
			total,
			fromMs: toMs - options.days * 86_400_000,
			toMs,
			rng: new Rng(options.seed ?? 1),
			recordings,
			transcribedShare: options.transcribedShare ?? 0.7
		});
		for (const { closed, transcription } of rows) {
			closedBatch.push(closed);
			if (transcription !== null) transcriptionBatch.push(transcription);
			if (closedBatch.length >= batchRows || transcriptionBatch.length >= batchRows) {
				await flush(false);
			}
		}
		await flush(true);
		await writer.drain();
		return {
			skipped: false,
			existing,
			resetSeconds,
			rows: written,
			transcriptions: transcribed,
			seconds: (Date.now() - started) / 1000
		};
	} catch (error) {
		failed = true;
		throw error;
	} finally {
		await releaseBulkConnections(conns, failed);
	}
}
