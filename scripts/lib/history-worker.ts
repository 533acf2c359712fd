import { parentPort, workerData } from 'node:worker_threads';
import type { DemoTenant } from './demo-data';
import type { HourBucket } from './history-shape';
import { bucketTuples, type PooledRecording } from './history-rows';
import { Rng } from './random';

/**
 * One share of a big history load (scripts/lib/history.ts): the rows of a run of hourly buckets,
 * as batches of SQL tuples posted to the loader, which writes them. Generating the rows is most
 * of a load's CPU; shares in worker threads let it use more than one core. At most `ahead`
 * batches unacknowledged: a worker never runs far ahead of the database.
 */

export interface HistoryShare {
	tenants: DemoTenant[];
	buckets: HourBucket[];
	firstId: number;
	seed: number;
	recordings: PooledRecording[];
	transcribedShare: number;
	batchRows: number;
	ahead: number;
}

export interface HistoryBatch {
	closed: string[];
	transcriptions: string[];
	done: boolean;
}

const share = workerData as HistoryShare;
const port = parentPort;
if (!port) throw new Error('history-worker runs in a worker thread');
let unacked = 0;
let wake: (() => void) | null = null;
port.on('message', () => {
	unacked--;
	wake?.();
	wake = null;
});

async function send(batch: HistoryBatch): Promise<void> {
	port?.postMessage(batch);
	unacked++;
	while (unacked >= share.ahead) await new Promise<void>((resolve) => (wake = resolve));
}

let closed: string[] = [];
let transcriptions: string[] = [];
for (const tuple of bucketTuples({ ...share, rng: new Rng(share.seed) })) {
	closed.push(tuple.closed);
	if (tuple.transcription !== null) transcriptions.push(tuple.transcription);
	if (closed.length >= share.batchRows) {
		await send({ closed, transcriptions, done: false });
		closed = [];
		transcriptions = [];
	}
}
port.postMessage({ closed, transcriptions, done: true } satisfies HistoryBatch);
