import type { Interaction } from '$lib/interaction';
import type { DayFrame } from '$lib/queues/day';
import { aggregateDay, emptyQueueDay, type QueueDay } from '$lib/queues/figures';
import { addSums } from '$lib/queues/measures';
import type { QueueThresholds } from '$lib/queues/thresholds';
import { upperBound, type DayTimeline } from './timeline';

/**
 * The strip's and the wall's per-queue day figures at T, by the live screens' own aggregateDay,
 * without walking the whole day at each T. The figures are sums, and a closed row adds the same
 * to them whatever T is: so the rows closing on the day are taken in the order they closed and
 * summed once, with a checkpoint every CHECKPOINT rows; the day at T is then the checkpoint
 * before T, plus aggregateDay over the closed rows since it (fewer than CHECKPOINT) and the rows
 * in progress at T. The result equals aggregateDay over every row at T (tests/unit/replay-speed).
 */

const CHECKPOINT = 512;

export interface FiguresRequest {
	/** Which rows count (the strip's channel), and a name of that filter for the cache. */
	matches: (row: Interaction) => boolean;
	matchesKey: string;
	queueIds: readonly number[];
	frame: DayFrame;
	thresholdsOf: (queueId: number) => QueueThresholds;
}

export class FiguresAt {
	#timeline: DayTimeline | null = null;
	#key = '';
	/** Closable rows by the time they closed, and those times. */
	#byClose = new Uint32Array(0);
	#closeTimes = new Float64Array(0);
	/** checkpoints[c]: the sums of the first c × CHECKPOINT rows of #byClose. */
	#checkpoints: Map<number, QueueDay>[] = [];

	days(timeline: DayTimeline, request: FiguresRequest): Map<number, QueueDay> {
		const key = keyOf(request);
		if (timeline !== this.#timeline || key !== this.#key) this.#prepare(timeline, request, key);
		const closedBy = upperBound(this.#closeTimes, timeline.atMs);
		const checkpoint = Math.floor(closedBy / CHECKPOINT);
		const rows: Interaction[] = [];
		for (let k = checkpoint * CHECKPOINT; k < closedBy; k++) {
			const row = timeline.rowAt(this.#byClose[k]);
			if (row && request.matches(row)) rows.push(row);
		}
		for (const row of timeline.inProgress.values()) if (request.matches(row)) rows.push(row);
		const days = aggregateDay(rows, request.queueIds, request.frame, request.thresholdsOf);
		for (const [queueId, day] of this.#checkpoints[checkpoint]) addDay(days.get(queueId)!, day);
		return days;
	}

	#prepare(timeline: DayTimeline, request: FiguresRequest, key: string): void {
		const { created, closed } = timeline.moments;
		const indices: number[] = [];
		for (let i = 0; i < timeline.size; i++) {
			if (!Number.isNaN(closed[i]) && created[i] >= timeline.dayStartMs) indices.push(i);
		}
		indices.sort((a, b) => closed[a] - closed[b]);
		this.#byClose = Uint32Array.from(indices);
		this.#closeTimes = Float64Array.from(indices, (i) => closed[i]);
		const running = aggregateDay([], request.queueIds, request.frame, request.thresholdsOf);
		this.#checkpoints = [copyDays(running)];
		for (let start = 0; start < indices.length; start += CHECKPOINT) {
			const chunk: Interaction[] = [];
			for (const index of indices.slice(start, start + CHECKPOINT)) {
				const row = timeline.source[index];
				if (request.matches(row)) chunk.push(row);
			}
			const sums = aggregateDay(chunk, request.queueIds, request.frame, request.thresholdsOf);
			for (const [queueId, day] of sums) addDay(running.get(queueId)!, day);
			this.#checkpoints.push(copyDays(running));
		}
		this.#timeline = timeline;
		this.#key = key;
	}
}

function keyOf(r: FiguresRequest): string {
	const limits = r.queueIds.map((id) => r.thresholdsOf(id).serviceLevelSeconds);
	return `${r.matchesKey}|${r.queueIds.join(',')}|${limits.join(',')}|${r.frame.startMs}`;
}

/** Adds one queue's day into another: every count and sum, hour by hour. */
export function addDay(into: QueueDay, from: QueueDay): void {
	into.waiting += from.waiting;
	into.active += from.active;
	into.acw += from.acw;
	into.closedToday += from.closedToday;
	addSums(into, from);
	from.hourlyAnswered.forEach((n, h) => (into.hourlyAnswered[h] += n));
	from.hourlyAbandoned.forEach((n, h) => (into.hourlyAbandoned[h] += n));
	if (from.waitingSince.length > 0) {
		into.waitingSince.push(...from.waitingSince);
		into.waitingSince.sort((a, b) => a - b);
	}
}

function copyDays(days: Map<number, QueueDay>): Map<number, QueueDay> {
	const copy = new Map<number, QueueDay>();
	for (const [queueId, day] of days) {
		const empty = emptyQueueDay(day.hourlyAnswered.length);
		addDay(empty, day);
		copy.set(queueId, empty);
	}
	return copy;
}
