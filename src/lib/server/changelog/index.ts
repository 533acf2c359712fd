import { randomUUID } from 'node:crypto';
import type { InteractionChange } from '$lib/interaction';

/**
 * The ordered, sequence-numbered log of interaction changes between the binlog tailer and
 * everything downstream (live state, sockets, reconnect replay).
 *
 * Single node: MemoryChangeLog. Several nodes: a Redis Stream implementation of the same
 * interface, where exactly one node appends and every node subscribes; callers do not change.
 */

export type ChangeDraft = Omit<InteractionChange, 'seq'>;

/** Where in the binlog the log is complete up to: the resume point after a tailer restart. */
export interface BinlogCheckpoint {
	filename: string;
	position: number;
}

export type ChangeListener = (changes: InteractionChange[]) => void;

export interface ChangeLog {
	/** Identifies this log's sequence space; it changes whenever the log is started afresh. */
	readonly epoch: string;
	/** Sequence of the newest change (0 when empty). */
	readonly head: number;
	/** Appends one commit's changes and, atomically with them, the checkpoint after that commit. */
	append(changes: ChangeDraft[], checkpoint: BinlogCheckpoint): Promise<InteractionChange[]>;
	checkpoint(): BinlogCheckpoint | null;
	/** Changes after `seq`, or null when some of them are no longer kept (resnapshot instead). */
	since(seq: number): InteractionChange[] | null;
	subscribe(listener: ChangeListener): () => void;
	/** Starts a new epoch from a fresh snapshot taken at `checkpoint`. */
	reset(checkpoint: BinlogCheckpoint): Promise<void>;
}

export class MemoryChangeLog implements ChangeLog {
	#epoch = randomUUID();
	#head = 0;
	#kept: InteractionChange[] = [];
	#checkpoint: BinlogCheckpoint | null = null;
	readonly #listeners = new Set<ChangeListener>();

	constructor(private readonly retain: number) {}

	get epoch(): string {
		return this.#epoch;
	}

	get head(): number {
		return this.#head;
	}

	async append(drafts: ChangeDraft[], checkpoint: BinlogCheckpoint): Promise<InteractionChange[]> {
		return this.appendNow(drafts, checkpoint);
	}

	/** Synchronous append: the tailer's hot path uses it to avoid a promise per commit. */
	appendNow(drafts: ChangeDraft[], checkpoint: BinlogCheckpoint): InteractionChange[] {
		const changes = drafts.map((draft) => ({ ...draft, seq: ++this.#head }));
		this.#kept.push(...changes);
		// Trim in batches so the cost is amortised rather than paid on every append.
		if (this.#kept.length > this.retain * 1.25) {
			this.#kept = this.#kept.slice(this.#kept.length - this.retain);
		}
		this.#checkpoint = checkpoint;
		if (changes.length > 0) for (const listener of this.#listeners) listener(changes);
		return changes;
	}

	checkpoint(): BinlogCheckpoint | null {
		return this.#checkpoint;
	}

	since(seq: number): InteractionChange[] | null {
		if (!Number.isInteger(seq) || seq < 0 || seq > this.#head) return null;
		if (seq === this.#head) return [];
		const oldest = this.#kept[0]?.seq ?? this.#head + 1;
		if (seq + 1 < oldest) return null;
		return this.#kept.slice(seq + 1 - oldest);
	}

	subscribe(listener: ChangeListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	async reset(checkpoint: BinlogCheckpoint): Promise<void> {
		this.#epoch = randomUUID();
		this.#head = 0;
		this.#kept = [];
		this.#checkpoint = checkpoint;
	}
}
