import type { InteractionChange } from '$lib/interaction';

/**
 * The newest changes a node applied, contiguous up to the log's head: the replay window screens
 * that reconnect resume from, without a read per socket (a node going away sends hundreds of
 * sockets to resume at once elsewhere). Both change logs keep one.
 */
export class RecentChanges {
	#kept: InteractionChange[] = [];

	/** Keeps about `retain` changes: at least that many once it has seen them. */
	constructor(private readonly retain: number) {}

	/** Seq of the oldest change kept; undefined while none is. */
	get oldest(): number | undefined {
		return this.#kept[0]?.seq;
	}

	/** The changes just applied, in seq order, following on from the last ones added. */
	add(changes: readonly InteractionChange[]): void {
		for (const change of changes) this.#kept.push(change);
		// Trimmed in batches rather than on every add, so the cost is amortised.
		if (this.#kept.length > this.retain * 1.25) {
			this.#kept = this.#kept.slice(this.#kept.length - this.retain);
		}
	}

	/** Forgets every change: what comes next no longer joins up with them. */
	clear(): void {
		this.#kept = [];
	}

	/**
	 * The changes after `seq` up to `head` (seq < head), or null when the window does not reach
	 * back to the one right after `seq`.
	 */
	after(seq: number, head: number): InteractionChange[] | null {
		const oldest = this.oldest;
		if (oldest === undefined || seq + 1 < oldest) return null;
		return this.#kept.slice(seq + 1 - oldest, head + 1 - oldest);
	}
}
