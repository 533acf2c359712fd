/**
 * An export's work in slices, with a turn of the event loop between two: everything else on the
 * node (other requests, every live socket, the binlog) waits for whatever runs synchronously.
 * Rows used to be read and encoded a whole batch at a time: mysql2 handed over the 5,000 rows of a
 * batch in one go as they arrived, 60 ms of encoding, and with 4 exports /health answered in
 * 370 ms at the median and 2.8 s at p99 (issue 21).
 */

/** Longest stretch of one export's work, ms. */
export const SLICE_MS = 2;
/** Most rows in one slice, whatever the clock says: a fast machine does not make slices longer. */
export const SLICE_ROWS = 500;

/**
 * Where a producer puts its items. `push` returns false when the slice is full: the producer then
 * awaits `turn()` before pushing more. `turn()` rejects when the export has ended meanwhile (the
 * client went away): the producer stops there.
 */
export interface Sink<T> {
	push(item: T): boolean;
	turn(): Promise<void>;
}

/** Counts the rows and time of the current slice; the clock starts at the slice's first row. */
export class SliceClock {
	#rows = 0;
	#startedAt = 0;

	/** Counts one item; true when the slice is full. */
	full(): boolean {
		if (this.#rows++ === 0) this.#startedAt = performance.now();
		return this.#rows >= SLICE_ROWS || performance.now() - this.#startedAt >= SLICE_MS;
	}

	/** Resolves after a turn of the event loop (I/O included), with a new slice begun. */
	turn(): Promise<void> {
		this.#rows = 0;
		return turns.next();
	}
}

/**
 * Exports take turns, one slice per turn of the event loop, first come first served: with a
 * setImmediate each, 4 exports ran 4 slices back to back every turn, and everything else waited
 * for all of them. Process-wide because the event loop is.
 */
class TurnQueue {
	readonly #waiting: (() => void)[] = [];
	#scheduled = false;

	next(): Promise<void> {
		return new Promise((resolve) => {
			this.#waiting.push(resolve);
			this.#schedule();
		});
	}

	#schedule(): void {
		if (this.#scheduled || this.#waiting.length === 0) return;
		this.#scheduled = true;
		setImmediate(() => {
			this.#scheduled = false;
			const resolve = this.#waiting.shift()!;
			// Scheduled before the slice runs, so it lands on the next turn, not this one.
			this.#schedule();
			resolve();
		});
	}
}

const turns = new TurnQueue();
