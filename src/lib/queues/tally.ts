import type { Interaction } from '$lib/interaction';
import { lowerBound } from '$lib/sorted';
import { followChanges, type RowSource } from '$lib/live/sorted-rows';
import type { DayFrame } from './day';
import { aggregateDay, countRow, type QueueDay } from './figures';
import type { QueueThresholds } from './thresholds';

type Counts = { [K in keyof QueueDay]: QueueDay[K] extends number ? K : never }[keyof QueueDay];

/**
 * `aggregateDay` kept up to date change by change, so the summary strip can follow the rows in
 * the very frame the grid does: walking a big tenant's day (50,000 rows) again at every frame
 * was too slow, and following at a slower pace put the strip and the grid out of step (issue
 * 26). Each changed row's old contribution is taken away and its new one added, both by
 * `countRow`, by which `aggregateDay` counts every row, so the figures stay the one definition.
 * A new source, queues, day, thresholds or filter, or changes that are not known (a snapshot),
 * count every row again.
 */
export class DayTally {
	#days = new Map<number, QueueDay>();
	/** Each counted row as it was counted: its contribution is taken away by the same values. */
	#counted = new Map<string, Interaction>();
	#source: RowSource | null = null;
	#version = -1;
	#key: unknown[] = [];

	update(
		source: RowSource,
		queueIds: readonly number[],
		frame: DayFrame,
		thresholdsOf: (queueId: number) => QueueThresholds,
		matches: (row: Interaction) => boolean
	): Map<number, QueueDay> {
		const key = [queueIds.join(), frame.startMs, thresholdsOf, matches];
		const same = source === this.#source && key.every((part, i) => part === this.#key[i]);
		if (same && source.version === this.#version) return this.#days;
		const changed = same ? source.changedSince(this.#version) : null;
		this.#source = source;
		this.#version = source.version;
		this.#key = key;
		if (changed === null) {
			this.#counted = new Map();
			const rows: Interaction[] = [];
			const counted = counts(matches);
			for (const row of source.rows.values()) {
				if (counted(row)) {
					rows.push(row);
					this.#counted.set(row.id, row);
				}
			}
			this.#days = aggregateDay(rows, queueIds, frame, thresholdsOf);
			return this.#days;
		}
		if (changed.size === 0) return this.#days;
		if (changed.size > BULK_CHANGES) {
			return (this.#days = this.#bulk(source, changed, queueIds, frame, thresholdsOf, matches));
		}
		// A new map and new days for the queues touched: what derives from them sees a change.
		// Each row is counted in or out of its (copied) day in place by countRow, the definition
		// aggregateDay counts by: no day, map or array is made per change.
		const days = new Map(this.#days);
		const copied = new Set<number>();
		const apply = (row: Interaction, sign: 1 | -1) => {
			const queueId = row.queueId;
			let day = queueId === null ? undefined : days.get(queueId);
			if (queueId === null || !day) return;
			if (!copied.has(queueId)) {
				copied.add(queueId);
				day = cloneDay(day);
				days.set(queueId, day);
			}
			countRow(day, row, frame, thresholdsOf(queueId).serviceLevelSeconds, sign);
		};
		const leave = (row: Interaction) => apply(row, -1);
		const enter = (row: Interaction) => apply(row, 1);
		followChanges(changed, this.#counted, source, counts(matches), leave, enter);
		this.#days = days;
		return days;
	}

	/**
	 * Many changes at once (a snapshot's part): the rows they replace summed by one
	 * `aggregateDay` and taken away, the new ones summed by another and added, rather than a
	 * call of it per row.
	 */
	#bulk(
		source: RowSource,
		changed: ReadonlySet<string>,
		queueIds: readonly number[],
		frame: DayFrame,
		thresholdsOf: (queueId: number) => QueueThresholds,
		matches: (row: Interaction) => boolean
	): Map<number, QueueDay> {
		const before: Interaction[] = [];
		const after: Interaction[] = [];
		const leave = (row: Interaction) => before.push(row);
		const enter = (row: Interaction) => after.push(row);
		followChanges(changed, this.#counted, source, counts(matches), leave, enter);
		const days = new Map(this.#days);
		const copied = new Set<number>();
		const apply = (rows: Interaction[], sign: 1 | -1) => {
			if (rows.length === 0) return;
			for (const [queueId, part] of aggregateDay(rows, queueIds, frame, thresholdsOf)) {
				const day = days.get(queueId);
				if (!day) continue;
				if (!copied.has(queueId)) {
					copied.add(queueId);
					days.set(queueId, cloneDay(day));
				}
				addDay(days.get(queueId)!, part, sign);
			}
		};
		apply(before, -1);
		apply(after, 1);
		return days;
	}
}

/** Changes in one update past which they are summed together (#bulk), not row by row. */
const BULK_CHANGES = 64;

export function cloneDay(day: QueueDay): QueueDay {
	return {
		...day,
		hourlyAnswered: day.hourlyAnswered.slice(),
		hourlyAbandoned: day.hourlyAbandoned.slice(),
		waitingSince: day.waitingSince.slice()
	};
}

/** Adds (or with -1 takes away) one row's contribution; waitingSince stays sorted. */
export function addDay(into: QueueDay, part: QueueDay, sign: 1 | -1): void {
	for (const field of Object.keys(part) as (keyof QueueDay)[]) {
		const value = part[field];
		if (typeof value === 'number') into[field as Counts] += sign * value;
	}
	part.hourlyAnswered.forEach((n, i) => (into.hourlyAnswered[i] += sign * n));
	part.hourlyAbandoned.forEach((n, i) => (into.hourlyAbandoned[i] += sign * n));
	for (const since of part.waitingSince) {
		const at = lowerBound(into.waitingSince, since);
		if (sign === 1) into.waitingSince.splice(at, 0, since);
		else if (into.waitingSince[at] === since) into.waitingSince.splice(at, 1);
	}
}

/** The rows the tally counts: those of a queue that `matches` takes. */
function counts(matches: (row: Interaction) => boolean): (row: Interaction) => boolean {
	return (row) => row.queueId !== null && matches(row);
}
