import type { WatchClock } from '$lib/live/link-watch';

/** Time that moves only when the test says so; due timers run in order as it passes. */
export class ManualClock implements WatchClock {
	#now = 0;
	#next = 1;
	readonly #timers = new Map<number, { at: number; run: () => void }>();

	now(): number {
		return this.#now;
	}
	setTimeout(run: () => void, ms: number): unknown {
		const id = this.#next++;
		this.#timers.set(id, { at: this.#now + ms, run });
		return id;
	}
	clearTimeout(handle: unknown): void {
		this.#timers.delete(handle as number);
	}

	/** Moves on by `ms`, running each timer at the moment it is due. */
	advance(ms: number): void {
		const end = this.#now + ms;
		for (;;) {
			const due = [...this.#timers]
				.filter(([, t]) => t.at <= end)
				.sort((a, b) => a[1].at - b[1].at);
			if (due.length === 0) break;
			const [id, timer] = due[0];
			this.#timers.delete(id);
			this.#now = Math.max(this.#now, timer.at);
			timer.run();
		}
		this.#now = end;
	}

	/** Moves on by `ms` without running anything: this thread was stalled meanwhile. */
	stall(ms: number): void {
		this.#now += ms;
	}

	get pending(): number {
		return this.#timers.size;
	}
}
