/**
 * A sort that leaves the event loop a turn every run: today's export sorted the whole live view
 * in one go, 85–170 ms for 50,000 rows, during which no socket and no other request was served.
 * Runs of RUN items are sorted with a turn after each, and read back merged, an item at a time.
 */

const RUN = 1000;

/** `items` sorted a run at a time, awaiting `turn()` after each run; `items` is left as it is. */
export async function sortInRuns<T>(
	items: T[],
	order: (a: T, b: T) => number,
	turn: () => Promise<void>
): Promise<MergedRuns<T>> {
	const runs: T[][] = [];
	for (let start = 0; start < items.length; start += RUN) {
		runs.push(items.slice(start, start + RUN).sort(order));
		await turn();
	}
	return new MergedRuns(runs, order);
}

interface Head<T> {
	run: T[];
	at: number;
}

/** Sorted runs read as one sorted sequence: a binary heap of each run's next item. */
export class MergedRuns<T> {
	readonly #heap: Head<T>[];

	constructor(
		runs: T[][],
		private readonly order: (a: T, b: T) => number
	) {
		this.#heap = runs.filter((run) => run.length > 0).map((run) => ({ run, at: 0 }));
		for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#down(i);
	}

	get done(): boolean {
		return this.#heap.length === 0;
	}

	/** The smallest item not yet taken, or undefined when all were. */
	next(): T | undefined {
		const top = this.#heap[0];
		if (!top) return undefined;
		const item = top.run[top.at++];
		if (top.at === top.run.length) {
			const last = this.#heap.pop()!;
			if (this.#heap.length === 0) return item;
			this.#heap[0] = last;
		}
		this.#down(0);
		return item;
	}

	#less(a: Head<T>, b: Head<T>): boolean {
		return this.order(a.run[a.at], b.run[b.at]) < 0;
	}

	#down(i: number): void {
		const heap = this.#heap;
		for (;;) {
			const left = 2 * i + 1;
			let least = i;
			if (left < heap.length && this.#less(heap[left], heap[least])) least = left;
			if (left + 1 < heap.length && this.#less(heap[left + 1], heap[least])) least = left + 1;
			if (least === i) return;
			[heap[i], heap[least]] = [heap[least], heap[i]];
			i = least;
		}
	}
}
