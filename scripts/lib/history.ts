import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { DemoLookups } from './demo-data';
import { CLOSED_COLUMNS } from './pbx-sql';
import { SIMULATOR_ID_FLOOR } from './interaction-plan';
import { Rng } from './random';
import {
	BulkWriter,
	deferIndexes,
	openBulkConnections,
	releaseBulkConnections,
	resetHistory,
	restoreIndexes,
	restoreIndexesSql,
	type DeferredIndex
} from './history-bulk';
import { historyTuples, TRANSCRIPTION_COLUMNS, writeRecordingPool } from './history-rows';
import { tableRef } from './sql';

/**
 * Months of closed interactions in seconds: rows are planned like the simulator's, then written
 * with hand-built multi-row INSERTs over several connections that skip the binlog (a bulk load
 * must not reach the dashboard's tailer as millions of "live" events). Big loads drop the
 * table's secondary indexes first and rebuild them at the end, each in one sorted pass: 10M rows
 * in minutes, not the hour that row-by-row maintenance of six indexes took past the buffer pool.
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
	/**
	 * Drop closed_interactions' plain secondary indexes for the load and rebuild them after it
	 * (see deferIndexes). Default: for loads of DEFER_INDEXES_FROM rows or more.
	 */
	deferIndexes?: boolean;
	/** Told the indexes are dropped (with the statement that puts them back) and rebuilding. */
	onIndexes?: (event: { phase: 'dropped' | 'rebuilding'; restoreSql: string }) => void;
}

export interface HistoryResult {
	/** True when history rows existed and `reset` was not asked for: nothing was written. */
	skipped: boolean;
	existing: number;
	/** Time spent removing earlier history rows (with `reset`). */
	resetSeconds: number;
	rows: number;
	transcriptions: number;
	/** Time spent generating and inserting (and rebuilding deferred indexes): the rows/s figure's. */
	seconds: number;
	/** Of which rebuilding the deferred secondary indexes (0 when none were deferred). */
	indexSeconds: number;
}

/** From this many rows a load drops the secondary indexes and rebuilds them after it. */
export const DEFER_INDEXES_FROM = 500_000;

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
		return { skipped: true, existing, resetSeconds: 0, rows: 0, transcriptions: 0, seconds: 0, indexSeconds: 0 }; // prettier-ignore
	}
	const tenants = lookups.tenants.filter((t) => t.agents.length > 0);
	if (tenants.length === 0) throw new Error('no tenant with agents: seed the lookups first');
	const conns = await openBulkConnections(pool, connections, options.allowBinlog ?? false);
	let failed = false;
	let deferred: DeferredIndex[] = [];
	try {
		if (existing > 0) await resetHistory(conns[0], database);
		const resetSeconds = (Date.now() - started) / 1000;
		const recordings = await writeRecordingPool(options.recordingsRoot);
		started = Date.now();
		if (options.deferIndexes ?? total >= DEFER_INDEXES_FROM) {
			deferred = await deferIndexes(conns[0], database, 'closed_interactions');
			if (deferred.length > 0) {
				options.onIndexes?.({
					phase: 'dropped',
					restoreSql: restoreIndexesSql(database, 'closed_interactions', deferred)
				});
			}
		}
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
		const indexesFrom = Date.now();
		if (deferred.length > 0) {
			options.onIndexes?.({
				phase: 'rebuilding',
				restoreSql: restoreIndexesSql(database, 'closed_interactions', deferred)
			});
			await restoreIndexes(conns[0], database, 'closed_interactions', deferred);
			deferred = [];
		}
		return {
			skipped: false,
			existing,
			resetSeconds,
			rows: written,
			transcriptions: transcribed,
			seconds: (Date.now() - started) / 1000,
			indexSeconds: (Date.now() - indexesFrom) / 1000
		};
	} catch (error) {
		failed = true;
		throw error;
	} finally {
		// A failed load still leaves the table with every index it had (over the rows written).
		if (deferred.length > 0) {
			await restoreIndexes(conns[0], database, 'closed_interactions', deferred).catch(
				(error: Error) => {
					console.error(
						`history: could not rebuild the indexes (${error.message}); run: ` +
							restoreIndexesSql(database, 'closed_interactions', deferred)
					);
				}
			);
		}
		await releaseBulkConnections(conns, failed);
	}
}
