import type { Watcher } from './cluster-check';

/**
 * How long each screen goes without news (a change applied or a snapshot taken), sampled every
 * 100 ms: the fault tests' "stale for at most 5 s" and the bench's Redis outage figures. Gaps
 * longer than a second are kept with when they began and ended, so a caller can tell the gap at
 * a loss from one later on.
 */

/** What a client has received: changes applied and snapshots taken. */
export const news = (w: Watcher) => w.client.appliedLog.length + w.client.snapshots;

export interface Gap {
	watcher: string;
	/** performance.now() of the last news before the gap, and of the news that ended it. */
	from: number;
	to: number;
}

export class Staleness {
	readonly gaps: Gap[] = [];
	#last: number[] = [];
	#movedAt: number[] = [];
	#worst: number[] = [];
	#worstAt = 0;
	#timer: NodeJS.Timeout | undefined;

	constructor(private readonly watchers: Watcher[]) {}

	start(): void {
		const now = performance.now();
		this.#last = this.watchers.map(news);
		this.#movedAt = this.watchers.map(() => now);
		this.#worst = this.watchers.map(() => 0);
		this.#timer = setInterval(() => this.#sample(), 100);
	}

	stop(): void {
		clearInterval(this.#timer);
		this.#sample();
	}

	/** The worst gap of any client since start(), an open one included. */
	longest(): number {
		return Math.max(...this.#worst);
	}

	/** When the longest gap was last seen growing (performance.now()). */
	longestAt(): number {
		return this.#worstAt;
	}

	/** The longest gap that ended within [from, to] (closed gaps only). */
	longestEndingWithin(from: number, to: number): number {
		const within = this.gaps.filter((gap) => gap.to >= from && gap.to <= to);
		return Math.max(0, ...within.map((gap) => gap.to - gap.from));
	}

	#sample(): void {
		const now = performance.now();
		this.watchers.forEach((w, i) => {
			const n = news(w);
			if (n !== this.#last[i]) {
				if (now - this.#movedAt[i] > 1_000) {
					this.gaps.push({ watcher: w.name, from: this.#movedAt[i], to: now });
				}
				[this.#last[i], this.#movedAt[i]] = [n, now];
			}
			if (now - this.#movedAt[i] > this.longest()) this.#worstAt = now;
			this.#worst[i] = Math.max(this.#worst[i], now - this.#movedAt[i]);
		});
	}
}
