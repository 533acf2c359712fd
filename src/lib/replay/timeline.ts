import type { Interaction } from '$lib/interaction';
import { lifeTimesOf, rowAt } from './state-at';

/**
 * A day's rows, loaded once, moved to any instant T of the day. The state at T (rowAt of every
 * row) is never rebuilt object by object: each row's moments are typed arrays, so what a screen
 * needs at T is read from them —
 *
 * - the rows closed by T are the day's final rows themselves, found by comparing a number;
 * - the rows in progress at T (at most the few thousand of the busiest moment) are kept in
 *   `inProgress`, each as one derived object per status, made once and reused, so caches keyed
 *   by the row object (the figures' facts) stay warm and a row that did not change is the same
 *   object;
 * - a small step (a minute, a frame of play) re-derives only the rows with a moment between the
 *   old and the new T, from one sorted list of every moment, and says which (`moveTo`), so the
 *   grid moves those rows as the live grid moves rows that changed.
 *
 * The grid's sorted rows and the strip's figures at T are built from these by sorted-at.ts and
 * figures-at.ts; `rows` (every row the live state held at T, by id) is made only when asked.
 */

export interface DayRows {
	rows: Interaction[];
	/** When each transcribed interaction's transcription was written (epoch ms), by id. */
	transcribedAt: Record<string, number>;
	/** Start of the replayed day in the tenant's zone (epoch ms). */
	dayStartMs: number;
	/** The rows' moments already as epoch ms (NaN: not reached), when the wire carried them. */
	moments?: Moments;
}

/** Each row's lifecycle moments by row index, epoch ms, NaN where not reached. */
export interface Moments {
	created: Float64Array;
	answered: Float64Array;
	acw: Float64Array;
	closed: Float64Array;
	transcribed: Float64Array;
}

/** A step re-derives the rows it passes when it passes fewer moments than this share of rows. */
const STEP_SHARE = 1 / 8;

export class DayTimeline {
	/** The day's rows, newest created first: the grid's default order. */
	readonly source: readonly Interaction[];
	/** Moments by index in `source`. */
	readonly moments: Moments;
	readonly dayStartMs: number;
	/** Event times, ascending, and the index in `source` of the row each belongs to. */
	readonly #eventTimes: Float64Array;
	readonly #owners: Uint32Array;
	/** Rows in progress at T, derived, by id: created at or before T, not closed by T. */
	readonly inProgress = new Map<string, Interaction>();
	/** Derived rows by index × 4 + variant (new, active, ACW, closed with the other flag). */
	readonly #derived: (Interaction | undefined)[] = [];
	#atMs = Number.NEGATIVE_INFINITY;
	#indexOf: Map<string, number> | null = null;
	#rows: Map<string, Interaction> | null = null;

	constructor(day: DayRows) {
		const given = day.moments ?? momentsOf(day.rows, day.transcribedAt);
		const order = day.rows.map((_, i) => i);
		order.sort((a, b) => given.created[b] - given.created[a]);
		this.source = order.map((i) => day.rows[i]);
		const pick = (values: Float64Array) => {
			const picked = new Float64Array(order.length);
			for (let k = 0; k < order.length; k++) picked[k] = values[order[k]];
			return picked;
		};
		this.moments = {
			created: pick(given.created),
			answered: pick(given.answered),
			acw: pick(given.acw),
			closed: pick(given.closed),
			transcribed: pick(given.transcribed)
		};
		this.dayStartMs = day.dayStartMs;
		[this.#eventTimes, this.#owners] = sortedEvents(this.moments);
	}

	get atMs(): number {
		return this.#atMs;
	}

	get size(): number {
		return this.source.length;
	}

	/** Every row the live screen held at T, by id (made on demand: screens read the parts). */
	get rows(): ReadonlyMap<string, Interaction> {
		if (this.#rows) return this.#rows;
		const rows = new Map<string, Interaction>();
		for (let i = 0; i < this.source.length; i++) {
			const row = this.rowAt(i);
			if (row) rows.set(row.id, row);
		}
		return (this.#rows = rows);
	}

	/**
	 * Moves to `atMs` and returns the ids whose row changed (appeared, moved on, or went), or
	 * null when the move passed so much of the day that every row is to be taken as changed.
	 */
	moveTo(atMs: number): Set<string> | null {
		if (atMs === this.#atMs) return new Set();
		const from = Math.min(atMs, this.#atMs);
		const to = Math.max(atMs, this.#atMs);
		const first = upperBound(this.#eventTimes, from);
		const last = upperBound(this.#eventTimes, to);
		const before = this.#atMs;
		this.#atMs = atMs;
		this.#rows = null;
		if (last - first > this.source.length * STEP_SHARE) {
			this.#collectInProgress();
			return null;
		}
		const changed = new Set<string>();
		for (let i = first; i < last; i++) {
			const index = this.#owners[i];
			const row = this.source[index];
			if (changed.has(row.id)) continue;
			const was = this.rowAtInstant(index, before);
			const now = this.rowAt(index);
			if (was === now) continue;
			changed.add(row.id);
			if (now !== null && now.status !== 'closed') this.inProgress.set(row.id, now);
			else this.inProgress.delete(row.id);
		}
		return changed;
	}

	/** Whether the live screen held the row of `id` at T. */
	shows(id: string): boolean {
		const index = this.indexOf(id);
		return index !== undefined && this.rowAt(index) !== null;
	}

	/** The index in `source` of the row of `id`. */
	indexOf(id: string): number | undefined {
		this.#indexOf ??= new Map(this.source.map((row, i) => [row.id, i]));
		return this.#indexOf.get(id);
	}

	/** The row at `index` as the live screen held it at T, or null when it held none. */
	rowAt(index: number): Interaction | null {
		return this.rowAtInstant(index, this.#atMs);
	}

	/** The row at `index` as the live screen held it at `atMs` (the same object for one state). */
	rowAtInstant(index: number, atMs: number): Interaction | null {
		const m = this.moments;
		if (!(m.created[index] <= atMs)) return null;
		const row = this.source[index];
		let variant: number;
		if (m.closed[index] <= atMs) {
			if (m.created[index] < this.dayStartMs) return null;
			const transcribed = m.transcribed[index] <= atMs;
			if (transcribed === row.hasTranscription) return row;
			variant = 3;
		} else if (m.acw[index] <= atMs) variant = 2;
		else if (m.answered[index] <= atMs) variant = 1;
		else variant = 0;
		const slot = index * 4 + variant;
		let derived = this.#derived[slot];
		if (derived === undefined) {
			// Every instant of one variant derives the same row: made once.
			const transcribedAt = Number.isNaN(m.transcribed[index]) ? null : m.transcribed[index];
			derived = rowAt(row, atMs, this.dayStartMs, transcribedAt, {
				createdMs: m.created[index],
				answeredMs: m.answered[index],
				acwMs: m.acw[index],
				closedMs: m.closed[index]
			})!;
			this.#derived[slot] = derived;
		}
		return derived;
	}

	/** After a jump: the rows in progress at T, by a scan of the moments (no row is touched). */
	#collectInProgress(): void {
		this.inProgress.clear();
		const { created, closed } = this.moments;
		const at = this.#atMs;
		// Newest created first: the rows created after T are a prefix, skipped at once.
		let i = upperBoundDescending(created, at);
		for (; i < created.length; i++) {
			if (closed[i] <= at) continue;
			const row = this.rowAt(i);
			if (row) this.inProgress.set(row.id, row);
		}
	}
}

/** Each row's moments as epoch ms, parsed once (rows from a test or an older wire). */
export function momentsOf(
	rows: readonly Interaction[],
	transcribedAt: Record<string, number>
): Moments {
	const times = rows.map(lifeTimesOf);
	return {
		created: Float64Array.from(times, (t) => t.createdMs),
		answered: Float64Array.from(times, (t) => t.answeredMs),
		acw: Float64Array.from(times, (t) => t.acwMs),
		closed: Float64Array.from(times, (t) => t.closedMs),
		transcribed: Float64Array.from(rows, (row) => transcribedAt[row.id] ?? Number.NaN)
	};
}

/**
 * Every moment of every row (created, answered, ACW, closed, transcribed), ascending, with its
 * row. Packed as time × 2^k + row in one Float64Array, whose native sort is far quicker than
 * sorting pairs; a day too wide or too large to pack exactly is sorted as pairs. Plain loops
 * over preallocated arrays: a 50,000-row day has 200,000 moments.
 */
function sortedEvents(m: Moments): [Float64Array, Uint32Array] {
	const columns = [m.created, m.answered, m.acw, m.closed, m.transcribed];
	let count = 0;
	let base = Infinity;
	let top = -Infinity;
	for (const column of columns) {
		for (let i = 0; i < column.length; i++) {
			const t = column[i];
			if (Number.isNaN(t)) continue;
			count++;
			if (t < base) base = t;
			if (t > top) top = t;
		}
	}
	const rowBits = Math.max(1, Math.ceil(Math.log2(m.created.length + 1)));
	const scale = 2 ** rowBits;
	const times = new Float64Array(count);
	const owners = new Uint32Array(count);
	if (count > 0 && (top - base + 1) * scale <= Number.MAX_SAFE_INTEGER) {
		const keys = new Float64Array(count);
		let k = 0;
		for (const column of columns) {
			for (let i = 0; i < column.length; i++) {
				if (!Number.isNaN(column[i])) keys[k++] = (column[i] - base) * scale + i;
			}
		}
		keys.sort();
		for (let i = 0; i < count; i++) {
			const row = keys[i] % scale;
			owners[i] = row;
			times[i] = (keys[i] - row) / scale + base;
		}
		return [times, owners];
	}
	const pairs: [number, number][] = [];
	for (const column of columns) {
		for (let i = 0; i < column.length; i++) {
			if (!Number.isNaN(column[i])) pairs.push([column[i], i]);
		}
	}
	pairs.sort((a, b) => a[0] - b[0]);
	pairs.forEach(([t, row], i) => {
		times[i] = t;
		owners[i] = row;
	});
	return [times, owners];
}

/** The first index whose time is after `value`. */
export function upperBound(times: Float64Array, value: number): number {
	let low = 0;
	let high = times.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (times[mid] <= value) low = mid + 1;
		else high = mid;
	}
	return low;
}

/** In times sorted descending: the first index whose time is at or before `value`. */
function upperBoundDescending(times: Float64Array, value: number): number {
	let low = 0;
	let high = times.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (times[mid] > value) low = mid + 1;
		else high = mid;
	}
	return low;
}
