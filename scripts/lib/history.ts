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
import { Worker } from 'node:worker_threads';
import type { DemoTenant } from './demo-data';
import { hourBuckets, type HourBucket } from './history-shape';
import {
	historyTuples,
	TRANSCRIPTION_COLUMNS,
	writeRecordingPool,
	type PooledRecording
} from './history-rows';
import type { HistoryBatch, HistoryShare } from './history-worker';
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
	/**
	 * Worker threads generating the rows (generation is most of a load's CPU). Default: 3 for
	 * loads of DEFER_INDEXES_FROM rows or more, else none (generated inline). The rows differ
	 * with the number of workers (each share has its own random stream), not from run to run.
	 */
	workers?: number;
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
		// Ten minutes of margin: the longest planned interaction then still closes before now.
		const toMs = Date.now() - 600_000;
		const plan = {
			tenants,
			total,
			fromMs: toMs - options.days * 86_400_000,
			toMs,
			seed: options.seed ?? 1,
			recordings,
			transcribedShare: options.transcribedShare ?? 0.7
		};
		const workers = options.workers ?? (total >= DEFER_INDEXES_FROM ? 3 : 0);
		const batches = workers > 0 ? workerBatches(plan, workers) : inlineBatches(plan);
		for await (const batch of batches) {
			if (batch.closed.length > 0) {
				const count = batch.closed.length;
				await writer.send(closedSql + batch.closed.join(','), () => {
					written += count;
					report();
				});
			}
			if (batch.transcriptions.length > 0) {
				const count = batch.transcriptions.length;
				await writer.send(
					transcriptionSql + batch.transcriptions.join(','),
					() => (transcribed += count)
				);
			}
		}
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

interface LoadPlan {
	tenants: DemoTenant[];
	total: number;
	fromMs: number;
	toMs: number;
	seed: number;
	recordings: PooledRecording[];
	transcribedShare: number;
}

type Batch = Omit<HistoryBatch, 'done'>;

// The worker is TypeScript, like this script: tsx registered in the thread, then the module.
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
	.then(({ register }) => { register(); return import(${JSON.stringify(
		new URL('./history-worker.ts', import.meta.url).href
	)}); })`;

/** The rows in batches, generated here. */
async function* inlineBatches(plan: LoadPlan): AsyncGenerator<Batch> {
	let batch: Batch = { closed: [], transcriptions: [] };
	for (const { closed, transcription } of historyTuples({ ...plan, rng: new Rng(plan.seed) })) {
		batch.closed.push(closed);
		if (transcription !== null) batch.transcriptions.push(transcription);
		if (batch.closed.length >= batchRows) {
			yield batch;
			batch = { closed: [], transcriptions: [] };
		}
	}
	yield batch;
}

/**
 * The rows in batches from `count` worker threads, each generating a run of hourly buckets with
 * its own ids (ids still grow with time within each run: the primary key fills at a few points).
 */
async function* workerBatches(plan: LoadPlan, count: number): AsyncGenerator<Batch> {
	const buckets = hourBuckets(plan.tenants, plan.total, plan.fromMs, plan.toMs);
	const shares: { buckets: HourBucket[]; firstId: number }[] = [];
	let rows = 0;
	for (const bucket of buckets) {
		const share = Math.min(count - 1, Math.floor((rows * count) / Math.max(plan.total, 1)));
		if (shares.length <= share) shares.push({ buckets: [], firstId: rows + 1 });
		shares[shares.length - 1].buckets.push(bucket);
		rows += bucket.counts.reduce((a, b) => a + b, 0);
	}
	const queue: { worker: Worker; batch: HistoryBatch }[] = [];
	let failure: Error | null = null;
	let wake: (() => void) | null = null;
	const notify = () => {
		wake?.();
		wake = null;
	};
	const threads = shares.map((share, k) => {
		const data: HistoryShare = {
			tenants: plan.tenants,
			buckets: share.buckets,
			firstId: share.firstId,
			seed: plan.seed + k * 1_000_003,
			recordings: plan.recordings,
			transcribedShare: plan.transcribedShare,
			batchRows,
			ahead: 4
		};
		const worker = new Worker(WORKER_BOOT, { eval: true, workerData: data });
		worker.on('message', (batch: HistoryBatch) => {
			queue.push({ worker, batch });
			notify();
		});
		worker.on('error', (error) => {
			failure ??= error;
			notify();
		});
		worker.on('exit', (code) => {
			if (code !== 0) failure ??= new Error(`history worker ${k} exited with code ${code}`);
			notify();
		});
		return worker;
	});
	let running = threads.length;
	try {
		while (running > 0) {
			if (failure) throw failure;
			const next = queue.shift();
			if (!next) {
				await new Promise<void>((resolve) => (wake = resolve));
				continue;
			}
			yield next.batch;
			if (next.batch.done) running--;
			else next.worker.postMessage('ack');
		}
	} finally {
		await Promise.all(threads.map((t) => t.terminate()));
	}
}
