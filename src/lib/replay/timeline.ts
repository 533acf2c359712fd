import type { Interaction } from '$lib/interaction';
import { rowAt } from './state-at';

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
	readonly #source: Interaction[];
	readonly #transcribedAt: Record<string, number>;
	readonly #dayStartMs: number;
	/** Event times, ascending, and the index in #source of the row each belongs to. */
	readonly #times: Float64Array;
	readonly #owners: Uint32Array;
	readonly rows = new Map<string, Interaction>();
	#atMs = Number.NEGATIVE_INFINITY;

	constructor(day: DayRows) {
		this.#source = day.rows;
		this.#transcribedAt = day.transcribedAt;
		this.#dayStartMs = day.dayStartMs;
		const events: [number, number][] = [];
		day.rows.forEach((row, index) => {
			const moments = [row.createdAt, row.answeredAt, row.acwStartedAt, row.closedAt];
			for (const iso of moments) if (iso !== null) events.push([Date.parse(iso), index]);
			const transcribed = day.transcribedAt[row.id];
			if (transcribed !== undefined) events.push([transcribed, index]);
		});
		events.sort((a, b) => a[0] - b[0]);
		this.#times = Float64Array.from(events, (e) => e[0]);
		this.#owners = Uint32Array.from(events, (e) => e[1]);
	}

	get atMs(): number {
		return this.#atMs;
	}

	get size(): number {
		return this.#source.length;
	}

	/**
	 * Moves to `atMs` and returns the ids whose row changed (appeared, moved on, or went). The
	 * first move derives every row.
	 */
	moveTo(atMs: number): Set<string> {
		const changed = new Set<string>();
		if (atMs === this.#atMs) return changed;
		const indexes =
			this.#atMs === Number.NEGATIVE_INFINITY
				? this.#source.keys()
				: this.#between(Math.min(atMs, this.#atMs), Math.max(atMs, this.#atMs));
		this.#atMs = atMs;
		for (const index of indexes) {
			const row = this.#source[index];
			const before = this.rows.get(row.id);
			const after = rowAt(row, atMs, this.#dayStartMs, this.#transcribedAt[row.id] ?? null);
			if (after === null) this.rows.delete(row.id);
			else this.rows.set(row.id, after);
			if (!sameState(before, after)) changed.add(row.id);
			else if (before) this.rows.set(row.id, before);
		}
		return changed;
	}

	/** Indexes of rows with an event in (from, to]. */
	*#between(from: number, to: number): Iterable<number> {
		const seen = new Set<number>();
		for (let i = upperBound(this.#times, from); i < this.#times.length; i++) {
			if (this.#times[i] > to) break;
			const owner = this.#owners[i];
			if (!seen.has(owner)) {
				seen.add(owner);
				yield owner;
			}
		}
	}
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
