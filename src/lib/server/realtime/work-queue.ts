/**
 * Runs jobs `concurrency` at a time, in arrival order, and lets the event loop take its turn
 * (I/O, timers: a /health request, a ping, the binlog) between two jobs. Catch-up work (a
 * snapshot's or a replay's rows filtered, projected, encoded) goes through one: a hundred
 * subscribes arriving together are served one after another instead of in one long stretch
 * that stalls every other socket and request on the node.
 */
export class WorkQueue {
	#running = 0;
	readonly #waiting: (() => void)[] = [];

	constructor(readonly concurrency: number) {}

	async run<T>(job: () => Promise<T> | T): Promise<T> {
		if (this.#running >= this.concurrency) {
			await new Promise<void>((start) => this.#waiting.push(start));
		} else {
			this.#running++;
		}
		try {
			return await job();
		} finally {
			// The next job starts after the loop has polled for I/O, not in this turn.
			setImmediate(() => this.#next());
		}
	}

	/** Jobs waiting for their turn. */
	get waiting(): number {
		return this.#waiting.length;
	}

	/** Jobs running now. */
	get running(): number {
		return this.#running;
	}

	#next(): void {
		const start = this.#waiting.shift();
		// The finished job's place passes straight to the next one.
		if (start) start();
		else this.#running--;
	}
}
