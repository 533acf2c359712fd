import type { Interaction } from '$lib/interaction';
import type { RowOrder } from '$lib/live/sorted-rows';
import { lowerBound } from '$lib/sorted';
import type { DayTimeline } from './timeline';

/**
 * The grid's rows at T, filtered and sorted, without sorting the day again at each T. A closed
 * row is final: its place among the closed rows does not depend on T. So the day's closable
 * rows are filtered and sorted once per filter and order, and the rows at T are those of them
 * closed by T (a number compared per row) merged with the few rows in progress at T, sorted on
 * their own. A jump to any T then costs a pass over typed arrays and an array of references,
 * where sorting 50,000 rows took most of the step.
 *
 * `orderKey` names the order for the cache (sort column and direction): an order that reads the
 * clock (durations) is a new function each second but orders closed rows the same way.
 */
/** The frame a source is at, and the ids its last frame changed (RowSource's versions). */
export interface Step {
	version: number;
	changedSince(version: number): ReadonlySet<string> | null;
}

/** A frame that changed more rows than this is built again rather than patched. */
const PATCH_LIMIT = 256;

export class SortedAt {
	#closed: Uint32Array = new Uint32Array(0);
	#timeline: DayTimeline | null = null;
	#matches: ((row: Interaction) => boolean) | null = null;
	#orderKey = '';
	/** The last rows returned, the order, version and instant they were made for. */
	#result: Interaction[] | null = null;
	#order: RowOrder | null = null;
	#version = -1;
	#atMs = 0;

	rows(
		timeline: DayTimeline,
		matches: (row: Interaction) => boolean,
		order: RowOrder,
		orderKey: string,
		step?: Step
	): Interaction[] {
		if (timeline !== this.#timeline || matches !== this.#matches || orderKey !== this.#orderKey) {
			this.#closed = closableInOrder(timeline, matches, order);
			this.#timeline = timeline;
			this.#matches = matches;
			this.#orderKey = orderKey;
			this.#result = null;
		}
		const previous = this.#result;
		let rows: Interaction[] | null = null;
		if (previous && step && order === this.#order) {
			if (step.version === this.#version && timeline.atMs === this.#atMs) return previous;
			const changed = step.changedSince(this.#version);
			// A frame of play changes a few rows: they move, the other 50,000 stay where they are.
			if (changed && changed.size <= PATCH_LIMIT) {
				rows = this.#patch(previous, timeline, changed, matches, order);
			}
		}
		rows ??= this.#build(timeline, matches, order);
		this.#result = rows;
		this.#order = order;
		this.#version = step?.version ?? -1;
		this.#atMs = timeline.atMs;
		return rows;
	}

	#build(
		timeline: DayTimeline,
		matches: (row: Interaction) => boolean,
		order: RowOrder
	): Interaction[] {
		const closed: Interaction[] = [];
		const closedMs = timeline.moments.closed;
		const at = timeline.atMs;
		for (const index of this.#closed) {
			if (closedMs[index] <= at) closed.push(timeline.rowAt(index)!);
		}
		const open: Interaction[] = [];
		for (const row of timeline.inProgress.values()) if (matches(row)) open.push(row);
		if (open.length === 0) return closed;
		open.sort(order);
		return mergeSorted(closed, open, order);
	}

	/** The rows of the last result moved from their state then to their state at T. */
	#patch(
		previous: readonly Interaction[],
		timeline: DayTimeline,
		changed: ReadonlySet<string>,
		matches: (row: Interaction) => boolean,
		order: RowOrder
	): Interaction[] {
		const rows = previous.slice();
		for (const id of changed) {
			const index = timeline.indexOf(id);
			if (index === undefined) continue;
			const before = timeline.rowAtInstant(index, this.#atMs);
			const after = timeline.rowAt(index);
			if (before === after) continue;
			if (before && matches(before)) {
				let at = lowerBound(rows, before, order);
				if (rows[at] !== before) at = rows.indexOf(before);
				if (at >= 0) rows.splice(at, 1);
			}
			if (after && matches(after)) rows.splice(lowerBound(rows, after, order), 0, after);
		}
		return rows;
	}
}

/** Indices of the rows that close on the day (created on it) and match, in `order`. */
function closableInOrder(
	timeline: DayTimeline,
	matches: (row: Interaction) => boolean,
	order: RowOrder
): Uint32Array {
	const { created, closed } = timeline.moments;
	const indices: number[] = [];
	timeline.source.forEach((row, i) => {
		if (!Number.isNaN(closed[i]) && created[i] >= timeline.dayStartMs && matches(row)) {
			indices.push(i);
		}
	});
	// `source` is newest created first, the default order: the sort then finds it in order.
	indices.sort((a, b) => order(timeline.source[a], timeline.source[b]));
	return Uint32Array.from(indices);
}

/** `few` placed into `many` (both sorted): a binary search per row of `few`, slices between. */
export function mergeSorted<T>(many: T[], few: T[], order: (a: T, b: T) => number): T[] {
	const out: T[] = [];
	let from = 0;
	for (const row of few) {
		const low = lowerBound(many, row, order, from);
		for (let i = from; i < low; i++) out.push(many[i]);
		out.push(row);
		from = low;
	}
	for (let i = from; i < many.length; i++) out.push(many[i]);
	return out;
}
