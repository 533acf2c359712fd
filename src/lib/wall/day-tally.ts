import type { Interaction } from '$lib/interaction';
import type { RowSource } from '$lib/live/sorted-rows';
import type { DayFrame } from '$lib/queues/day';
import { aggregateDay, type QueueDay } from '$lib/queues/figures';
import { SUM_FIELDS } from '$lib/queues/measures';
import type { QueueThresholds } from '$lib/queues/thresholds';

/**
 * The wall's per-queue day (aggregateDay) kept up to date change by change. A big tenant's day
 * is tens of thousands of closed rows: walking all of them four times a second to count a few
 * dozen changes was most of a TV stick's main thread. Each changed row's old contribution is
 * taken out and its new one added, both computed by aggregateDay itself over that one row, so
 * the figures keep their one definition. Anything this cannot follow change by change (a
 * snapshot, a rollover, other queues, a new day or new thresholds) counts everything again.
 *
 * `follow` must see every version of the source (the board calls it from an effect on the
 * source's version); a version it missed makes the next `days` count everything again.
 */

const COUNTS = ['waiting', 'active', 'acw', 'closedToday', ...SUM_FIELDS] as const;

type ThresholdsOf = (queueId: number) => QueueThresholds;

export class DayTally {
	#source: RowSource | null = null;
	#version = -1;
	#pending = new Set<string>();
	#full = true;
	#days = new Map<number, QueueDay>();
	/** The row object each id was counted as, for the queues counted. */
	#counted = new Map<string, Interaction>();
	#queueKey = '';
	#frame: DayFrame | null = null;
	#thresholdsOf: ThresholdsOf | null = null;

	/** Notes the rows changed since the source's last version this saw. */
	follow(source: RowSource): void {
		if (source !== this.#source) {
			this.#source = source;
			this.#full = true;
		} else if (source.version !== this.#version && !this.#full) {
			const changed = source.changedSince(this.#version);
			if (changed === null) this.#full = true;
			else for (const id of changed) this.#pending.add(id);
		}
		this.#version = source.version;
	}

	/** Every queue's day, as aggregateDay over the source's rows would count it now. */
	days(
		source: RowSource,
		queueIds: readonly number[],
		frame: DayFrame,
		thresholdsOf: ThresholdsOf
	): Map<number, QueueDay> {
		this.follow(source);
		const queueKey = queueIds.join(',');
		if (
			queueKey !== this.#queueKey ||
			frame !== this.#frame ||
			thresholdsOf !== this.#thresholdsOf
		) {
			this.#queueKey = queueKey;
			this.#frame = frame;
			this.#thresholdsOf = thresholdsOf;
			this.#full = true;
		}
		if (this.#full) this.#countAll(source, queueIds);
		else this.#patch(source);
		this.#full = false;
		this.#pending.clear();
		// Fresh objects: the tiles re-render on a new day object, never on one changed in place.
		return new Map([...this.#days].map(([id, day]) => [id, copyDay(day)]));
	}

	#countAll(source: RowSource, queueIds: readonly number[]): void {
		const frame = this.#frame as DayFrame;
		this.#days = aggregateDay(source.rows.values(), queueIds, frame, this.#thresholdsOf!);
		this.#counted.clear();
		for (const row of source.rows.values()) {
			if (row.queueId !== null && this.#days.has(row.queueId)) this.#counted.set(row.id, row);
		}
	}

	#patch(source: RowSource): void {
		for (const id of this.#pending) {
			const before = this.#counted.get(id);
			const after = source.rows.get(id);
			if (before === after) continue;
			if (before) this.#add(before, -1);
			if (after && after.queueId !== null && this.#days.has(after.queueId)) {
				this.#add(after, 1);
				this.#counted.set(id, after);
			} else {
				this.#counted.delete(id);
			}
		}
	}

	/** Adds (sign 1) or takes out (sign -1) one row's share of its queue's day. */
	#add(row: Interaction, sign: 1 | -1): void {
		const queueId = row.queueId as number;
		const day = this.#days.get(queueId);
		const share = aggregateDay([row], [queueId], this.#frame!, this.#thresholdsOf!).get(queueId);
		if (!day || !share) return;
		for (const field of COUNTS) day[field] += sign * share[field];
		share.hourlyAnswered.forEach((n, i) => (day.hourlyAnswered[i] += sign * n));
		share.hourlyAbandoned.forEach((n, i) => (day.hourlyAbandoned[i] += sign * n));
		for (const since of share.waitingSince) {
			const at = lowerBound(day.waitingSince, since);
			if (sign > 0) day.waitingSince.splice(at, 0, since);
			else if (day.waitingSince[at] === since) day.waitingSince.splice(at, 1);
		}
	}
}

function copyDay(day: QueueDay): QueueDay {
	return {
		...day,
		hourlyAnswered: day.hourlyAnswered.slice(),
		hourlyAbandoned: day.hourlyAbandoned.slice(),
		waitingSince: day.waitingSince.slice()
	};
}

function lowerBound(sorted: readonly number[], value: number): number {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (sorted[mid] < value) low = mid + 1;
		else high = mid;
	}
	return low;
}
