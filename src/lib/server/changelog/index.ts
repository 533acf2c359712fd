import { randomUUID } from 'node:crypto';
import type { InteractionChange } from '$lib/interaction';

/**
 * The ordered, sequence-numbered log of interaction changes between the binlog tailer and
 * everything downstream (live state, sockets, reconnect replay). The log owns the sequence: it
 * numbers what it appends, and `head` is the one counter every reader reports.
 *
 * Single node: MemoryChangeLog. Several nodes: a Redis Stream implementation of the same
 * interface, where exactly one node appends and every node subscribes; callers do not change.
 * That is why reads that may need the network (`since`, `checkpoint`) are async.
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
	/** Sequence of the newest change delivered to subscribers (0 when empty). */
	readonly head: number;
	/** Appends one commit's changes and, atomically with them, the checkpoint after that commit. */
	append(changes: ChangeDraft[], checkpoint: BinlogCheckpoint): Promise<InteractionChange[]>;
	/** The checkpoint stored with the newest entry; null before the first snapshot. */
	checkpoint(): Promise<BinlogCheckpoint | null>;
	/**
	 * Changes after `seq` up to `head`, or null when some of them are no longer kept (the reader
	 * needs a snapshot instead).
	 */
	since(seq: number): Promise<InteractionChange[] | null>;
	/** Called with each appended batch, in sequence order, before `append` resolves. */
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
		const changes = drafts.map((draft) => ({ ...draft, seq: ++this.#head }));
		for (const change of changes) this.#kept.push(change);
		// Trim in batches so the cost is amortised rather than paid on every append.
		if (this.#kept.length > this.retain * 1.25) {
			this.#kept = this.#kept.slice(this.#kept.length - this.retain);
		}
		this.#checkpoint = checkpoint;
		if (changes.length > 0) for (const listener of this.#listeners) listener(changes);
		return changes;
	}

	async checkpoint(): Promise<BinlogCheckpoint | null> {
		return this.#checkpoint;
	}

	async since(seq: number): Promise<InteractionChange[] | null> {
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
