import type { Interaction } from '$lib/interaction';
import { lifeTimesOf, rowAt, type LifeTimes } from './state-at';

/**
 * A day's rows, loaded once, moved to any instant T of the day: `rows` is then exactly the live
 * state at T (rowAt of every row). Each row's lifecycle moments are one sorted list of events, so
 * a step from T0 to T1 re-derives only the rows with a moment between the two — a minute of a
 * busy day is a few dozen rows, not the day's 50,000 — and says which (`changed`), so the grid
 * moves those rows as the live grid moves rows that changed.
 */

export interface DayRows {
	rows: Interaction[];
	/** When each transcribed interaction's transcription was written (epoch ms), by id. */
	transcribedAt: Record<string, number>;
	/** Start of the replayed day in the tenant's zone (epoch ms). */
	dayStartMs: number;
}

export class DayTimeline {
	/** The day's rows, newest created first: the grid's default order. */
	readonly #source: Interaction[];
	readonly #times: LifeTimes[];
	readonly #transcribedAt: (number | null)[];
	readonly #dayStartMs: number;
	/** Event times, ascending, and the index in #source of the row each belongs to. */
	readonly #eventTimes: Float64Array;
	readonly #owners: Uint32Array;
	readonly rows = new Map<string, Interaction>();
	#atMs = Number.NEGATIVE_INFINITY;

	constructor(day: DayRows) {
		const times = day.rows.map(lifeTimesOf);
		const order = day.rows.map((_, i) => i).sort((a, b) => times[b].createdMs - times[a].createdMs);
		this.#source = order.map((i) => day.rows[i]);
		this.#times = order.map((i) => times[i]);
		this.#transcribedAt = this.#source.map((row) => day.transcribedAt[row.id] ?? null);
		this.#dayStartMs = day.dayStartMs;
		[this.#eventTimes, this.#owners] = sortedEvents(this.#times, this.#transcribedAt);
	}

	get atMs(): number {
		return this.#atMs;
	}

	get size(): number {
		return this.#source.length;
	}

	/**
	 * Moves to `atMs` and returns the ids whose row changed (appeared, moved on, or went). A
	 * move that changes much of the day (the first, a jump) derives every row again, in Created
	 * order, so that sorting the rows for the grid finds them already in order.
	 */
	moveTo(atMs: number): Set<string> {
		const changed = new Set<string>();
		if (atMs === this.#atMs) return changed;
		const from = Math.min(atMs, this.#atMs);
		const to = Math.max(atMs, this.#atMs);
		const first = upperBound(this.#eventTimes, from);
		const last = upperBound(this.#eventTimes, to);
		this.#atMs = atMs;
		if (last - first > this.#source.length / 8) {
			const before = new Map(this.rows);
			this.rows.clear();
			this.#source.forEach((row, index) => {
				const previous = before.get(row.id);
				const after = this.#derive(index);
				if (after) this.rows.set(row.id, sameState(previous, after) ? previous! : after);
				if (!sameState(previous, after)) changed.add(row.id);
			});
			return changed;
		}
		for (let i = first; i < last; i++) {
			const index = this.#owners[i];
			const row = this.#source[index];
			if (changed.has(row.id)) continue;
			const before = this.rows.get(row.id);
			const after = this.#derive(index);
			if (sameState(before, after)) continue;
			if (after === null) this.rows.delete(row.id);
			else this.rows.set(row.id, after);
			changed.add(row.id);
		}
		return changed;
	}

	#derive(index: number): Interaction | null {
		const row = this.#source[index];
		return rowAt(row, this.#atMs, this.#dayStartMs, this.#transcribedAt[index], this.#times[index]);
	}
}

/**
 * Every moment of every row (created, answered, ACW, closed, transcribed), ascending, with its
 * row. Packed as time × 2^k + row in one Float64Array, whose native sort is far quicker than
 * sorting pairs; a day too wide or too large to pack exactly is sorted as pairs.
 */
function sortedEvents(
	times: readonly LifeTimes[],
	transcribedAt: readonly (number | null)[]
): [Float64Array, Uint32Array] {
	const at: number[] = [];
	const owner: number[] = [];
	times.forEach((t, index) => {
		for (const moment of [t.createdMs, t.answeredMs, t.acwMs, t.closedMs, transcribedAt[index]]) {
			if (moment !== null && !Number.isNaN(moment)) {
				at.push(moment);
				owner.push(index);
			}
		}
	});
	let base = Infinity;
	let top = -Infinity;
	for (const t of at) {
		base = Math.min(base, t);
		top = Math.max(top, t);
	}
	const rowBits = Math.max(1, Math.ceil(Math.log2(times.length + 1)));
	const scale = 2 ** rowBits;
	if (at.length > 0 && (top - base + 1) * scale <= Number.MAX_SAFE_INTEGER) {
		const keys = Float64Array.from(at, (t, i) => (t - base) * scale + owner[i]).sort();
		return [
			keys.map((k) => Math.floor(k / scale) + base),
			Uint32Array.from(keys, (k) => k % scale)
		];
	}
	const order = at.map((_, i) => i).sort((a, b) => at[a] - at[b]);
	return [Float64Array.from(order, (i) => at[i]), Uint32Array.from(order, (i) => owner[i])];
}

/** Same derived state: kept as the same object, so caches keyed by the row stay warm. */
function sameState(a: Interaction | undefined, b: Interaction | null): boolean {
	if (!a || !b) return !a && !b;
	return a.status === b.status && a.hasTranscription === b.hasTranscription;
}

/** The first index whose time is after `value`. */
function upperBound(times: Float64Array, value: number): number {
	let low = 0;
	let high = times.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (times[mid] <= value) low = mid + 1;
		else high = mid;
	}
	return low;
}
