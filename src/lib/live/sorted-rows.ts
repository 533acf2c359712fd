import type { Interaction } from '$lib/interaction';
import { lowerBound } from '$lib/sorted';

/**
 * Brings `held` (the rows a view holds, by id) up to a frame's changes. For each changed id in
 * turn, `leave` gets the row held before, and `enter` the row `source` has now when `admits`
 * takes it; `held` follows. SortedRows and the day's tally keep their rows so.
 */
export function followChanges(
	changed: ReadonlySet<string>,
	held: Map<string, Interaction>,
	source: RowSource,
	admits: (row: Interaction) => boolean,
	leave: (row: Interaction) => void,
	enter: (row: Interaction) => void
): void {
	for (const id of changed) {
		const before = held.get(id);
		if (before) {
			leave(before);
			held.delete(id);
		}
		const row = source.rows.get(id);
		if (row && admits(row)) {
			enter(row);
			held.set(id, row);
		}
	}
}

/**
 * Visits the rows of a source that changed since the last visit: every row the first time, for
 * another `key` (what the caller keeps them in), or when the source cannot tell (a snapshot);
 * else only the rows of the frame's changes that are still there. For a view of a few rows
 * kept up to date from a big tenant's day (the open client or agent window): walking 50,000
 * rows at every frame to find the few that changed is what changedSince saves.
 */
export class ChangedRows {
	#source: RowSource | null = null;
	#key: unknown = undefined;
	#version = -1;

	visit(source: RowSource, key: unknown, visit: (row: Interaction) => void): void {
		const same = source === this.#source && key === this.#key;
		const changed = same ? source.changedSince(this.#version) : null;
		this.#source = source;
		this.#key = key;
		this.#version = source.version;
		if (changed === null) {
			for (const row of source.rows.values()) visit(row);
			return;
		}
		for (const id of changed) {
			const row = source.rows.get(id);
			if (row) visit(row);
		}
	}
}

/** Live rows and what changed in them, frame by frame (LiveFeed is one). */
export interface RowSource {
	readonly rows: ReadonlyMap<string, Interaction>;
	/** Bumped once per frame in which rows changed. */
	readonly version: number;
	/** Ids changed after `version` was current, or null when that is not known. */
	changedSince(version: number): ReadonlySet<string> | null;
}

/**
 * What each frame of a RowSource changed: ids touched since the frame began, or "all" once a
 * snapshot, replay or rollover replaced rows wholesale.
 */
export class FrameChanges {
	#changing: Set<string> | null = new Set();
	#changed: ReadonlySet<string> | null = null;

	touched(id: string): void {
		this.#changing?.add(id);
	}

	touchedAll(): void {
		this.#changing = null;
	}

	/** Ends the frame: call it as the source's version goes up by one. */
	endFrame(): void {
		this.#changed = this.#changing;
		this.#changing = new Set();
	}

	/** RowSource.changedSince for a source now at `current`. */
	since(version: number, current: number): ReadonlySet<string> | null {
		if (version === current) return NOTHING;
		return version === current - 1 ? this.#changed : null;
	}
}

const NOTHING: ReadonlySet<string> = new Set();

export type RowOrder = (a: Interaction, b: Interaction) => number;

/**
 * The live grid's rows, filtered and sorted, kept in order change by change: at 200 changes/s,
 * filtering and sorting a whole tenant's day again each frame was a fifth of the page's script.
 * A new filter or order, another source, or changes that are not known (a snapshot) sort the
 * whole set again.
 *
 * `order` must be a total order over distinct ids (compareRows breaks ties by Created, then id),
 * and the same function object for as long as it orders the same way: it is how a row already
 * placed is found again.
 */
export class SortedRows {
	#rows: Interaction[] = [];
	/**
	 * With `reuse`: the array returned the time before last, and the steps that turned it into
	 * the one returned last (an index to remove at, or one to insert a row at).
	 */
	#spare: Interaction[] | null = null;
	#spareSteps: Step[] = [];
	readonly #reuse: boolean;
	/** The row object each id was placed by: its place is found by the values it had then. */
	#placed = new Map<string, Interaction>();
	#source: RowSource | null = null;
	#version = -1;
	#matches: ((row: Interaction) => boolean) | null = null;
	#order: RowOrder | null = null;

	/**
	 * `reuse`: a frame's few changes are made to the array returned the time before last,
	 * brought up to date, rather than to a copy of the last one: a new array still comes back
	 * whenever rows change, but a big tenant's day (50,000 rows, 400 kB) is not copied at every
	 * frame for the collector to take back. An array returned is then only good until the
	 * second update after it: for a reader that re-reads at each update (the live grid), not
	 * for one that keeps a list at a slower pace (the wall).
	 */
	constructor({ reuse = false }: { reuse?: boolean } = {}) {
		this.#reuse = reuse;
	}

	/** The rows of `source` that `matches`, in `order`; a new array whenever they change. */
	update(
		source: RowSource,
		matches: (row: Interaction) => boolean,
		order: RowOrder
	): readonly Interaction[] {
		const version = source.version;
		const same = source === this.#source && matches === this.#matches && order === this.#order;
		if (same && version === this.#version) return this.#rows;
		const changed = same ? source.changedSince(this.#version) : null;
		this.#source = source;
		this.#version = version;
		this.#matches = matches;
		this.#order = order;
		if (changed === null) this.#rebuild(source, matches, order);
		else this.#patch(source, changed, matches, order);
		return this.#rows;
	}

	#rebuild(source: RowSource, matches: (row: Interaction) => boolean, order: RowOrder): void {
		const rows: Interaction[] = [];
		for (const row of source.rows.values()) if (matches(row)) rows.push(row);
		rows.sort(order);
		this.#rows = rows;
		this.#spare = null;
		this.#placed = new Map(rows.map((row) => [row.id, row]));
	}

	/** An array to patch into the next rows: the spare brought up to the last rows, or a copy. */
	#nextArray(): Interaction[] {
		const spare = this.#spare;
		if (!this.#reuse || spare === null) return this.#rows.slice();
		for (const step of this.#spareSteps) {
			if (typeof step === 'number') spare.splice(step, 1);
			else if (step.length === 3) spare[step[0]] = step[1];
			else spare.splice(step[0], 0, step[1]);
		}
		return spare;
	}

	#patch(
		source: RowSource,
		changed: ReadonlySet<string>,
		matches: (row: Interaction) => boolean,
		order: RowOrder
	): void {
		if (changed.size === 0) return;
		if (changed.size > BULK_CHANGES) return this.#merge(source, changed, matches, order);
		const rows = this.#nextArray();
		const steps: Step[] = [];
		// Where the row that left last was, until its id's new row is placed. A row that changes
		// and keeps its place (a status change on a grid sorted by Created: most changes) is put
		// in that place: taken out and put back, a day of 50,000 rows was moved twice in memory,
		// and twice again in the spare, for each change (a fifth of the page's script at 200/s).
		let vacated = -1;
		const remove = () => {
			if (vacated < 0) return;
			rows.splice(vacated, 1);
			steps.push(vacated);
			vacated = -1;
		};
		const leave = (placed: Interaction) => {
			remove();
			let at = lowerBound(rows, placed, order);
			// Found by its old values; the fallback only guards against an order that is not total.
			if (rows[at] !== placed) at = rows.indexOf(placed);
			vacated = at;
		};
		const enter = (row: Interaction) => {
			const at = vacated;
			if (
				at >= 0 &&
				(at === 0 || order(rows[at - 1], row) < 0) &&
				(at === rows.length - 1 || order(row, rows[at + 1]) < 0)
			) {
				rows[at] = row;
				steps.push([at, row, true]);
				vacated = -1;
				return;
			}
			remove();
			const to = lowerBound(rows, row, order);
			rows.splice(to, 0, row);
			steps.push([to, row]);
		};
		followChanges(changed, this.#placed, source, matches, leave, enter);
		remove();
		this.#spare = this.#rows;
		this.#spareSteps = steps;
		this.#rows = rows;
	}

	/** Many changes at once: the changed rows sorted on their own, then merged in one pass. */
	#merge(
		source: RowSource,
		changed: ReadonlySet<string>,
		matches: (row: Interaction) => boolean,
		order: RowOrder
	): void {
		const gone = new Set<Interaction>();
		const added: Interaction[] = [];
		const leave = (row: Interaction) => gone.add(row);
		const enter = (row: Interaction) => added.push(row);
		followChanges(changed, this.#placed, source, matches, leave, enter);
		added.sort(order);
		const kept = gone.size === 0 ? this.#rows : this.#rows.filter((row) => !gone.has(row));
		// Each added row's place found by binary search from the last one's: the kept rows in
		// between are copied without a comparison. A part in the grid's own order (the newest
		// first, as the server sends them) goes after every kept row: copies only.
		// Filled in place, at its final length: a snapshot's part merged into a day of 50,000 rows
		// grew an array by push, some 1 MB of garbage a part (issue 26).
		const rows = new Array<Interaction>(kept.length + added.length);
		let i = 0;
		let n = 0;
		for (const row of added) {
			const at = lowerBound(kept, row, order, i);
			while (i < at) rows[n++] = kept[i++];
			rows[n++] = row;
		}
		while (i < kept.length) rows[n++] = kept[i++];
		this.#rows = rows;
		this.#spare = null;
	}
}

/** What one patch did to its array: removed at an index, inserted a row at one, or replaced one. */
type Step = number | [number, Interaction] | [number, Interaction, true];

/**
 * Changes in one frame past which they are merged rather than placed one by one: a snapshot's
 * part (1,000 rows) spliced row by row into a day of 50,000 moves the array a thousand times.
 */
const BULK_CHANGES = 64;
