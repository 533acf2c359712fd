import { join } from 'node:path';
import type { DemoTenant } from './demo-data';
import { segmentsFor } from './conversation';
import { closedValues } from './pbx-sql';
import { closedRowOf, plannedMoments } from './plan-rows';
import { hourBuckets, type HourBucket } from './history-shape';
import { planInteraction, uniqueIdFor, type InteractionPlan } from './interaction-plan';
import type { Rng } from './random';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { sqlString, type SqlValue } from './sql';
import { writeToneWav, type Turn } from './wav';

/** History rows as SQL tuples, and the shared recordings they point at. */

export const TRANSCRIPTION_COLUMNS = 'interaction_id,language,segments,created_at';

export interface PooledRecording {
	/** Relative to the recordings root. */
	path: string;
	turns: Turn[];
}

export interface TupleSource {
	tenants: DemoTenant[];
	total: number;
	fromMs: number;
	toMs: number;
	rng: Rng;
	recordings: PooledRecording[];
	transcribedShare: number;
}

/**
 * Every history row as SQL tuples, oldest first with ids 1, 2, 3…: ids grow with time as a PBX's
 * do, and the (tenant, …, created_at) indexes then fill in order, which keeps the load fast.
 */
export function historyTuples(source: TupleSource): Generator<HistoryTuple> {
	const buckets = hourBuckets(source.tenants, source.total, source.fromMs, source.toMs);
	return bucketTuples({ ...source, buckets, firstId: 1 });
}

export interface HistoryTuple {
	closed: string;
	transcription: string | null;
}

/** The tuples of some hourly buckets, ids from `firstId` (a share of a load, in a worker). */
export function* bucketTuples(
	source: Pick<TupleSource, 'tenants' | 'rng' | 'recordings' | 'transcribedShare'> & {
		buckets: HourBucket[];
		firstId: number;
	}
): Generator<HistoryTuple> {
	const { tenants, rng, recordings } = source;
	const byTurns = new Map<number, PooledRecording[]>();
	for (const r of recordings)
		byTurns.set(r.turns.length, [...(byTurns.get(r.turns.length) ?? []), r]);
	let id = source.firstId - 1;
	for (const bucket of source.buckets) {
		const hour: { createdMs: number; plan: InteractionPlan }[] = [];
		bucket.counts.forEach((count, i) => {
			for (let n = 0; n < count; n++) {
				const createdMs = Math.floor(rng.float(bucket.startMs, bucket.endMs));
				hour.push({ createdMs, plan: planInteraction(rng, tenants[i]) });
			}
		});
		hour.sort((a, b) => a.createdMs - b.createdMs);
		for (const { createdMs, plan } of hour) {
			id++;
			const moments = plannedMoments(plan, createdMs);
			const recording = plan.recorded
				? rng.pick(byTurns.get(plan.lines.length) ?? recordings)
				: null;
			let transcription: string | null = null;
			if (recording && rng.chance(source.transcribedShare)) {
				// The speech-to-text job ran a few minutes after the call.
				const at = msToSqlTime(moments.closedMs + rng.int(60, 900) * 1000);
				const segments = JSON.stringify(segmentsFor(plan.lines, recording.turns));
				transcription = `(${id},'en',${sqlString(segments)},'${at}')`;
			}
			const uniqueid = uniqueIdFor(plan.channel, createdMs, id);
			const values = closedValues(
				closedRowOf(id, uniqueid, plan, moments, recording?.path ?? null)
			);
			yield { closed: '(' + values.map(sqlValue).join(',') + ')', transcription };
		}
	}
}

function sqlValue(value: SqlValue): string {
	if (value === null) return 'NULL';
	return typeof value === 'number' ? String(value) : sqlString(value);
}

/**
 * A handful of shared recordings (5, 7 and 9 speech turns, to match voice conversations) instead
 * of one file per row: a million rows must not mean a million files.
 */
export async function writeRecordingPool(root: string): Promise<PooledRecording[]> {
	const pool: PooledRecording[] = [];
	for (let k = 0; k < 21; k++) {
		const path = `history/call-${String(k + 1).padStart(2, '0')}.wav`;
		const turns = await writeToneWav(join(root, path), 6 + (k % 5), 1000 + k, [5, 7, 9][k % 3]);
		pool.push({ path, turns });
	}
	return pool;
}
