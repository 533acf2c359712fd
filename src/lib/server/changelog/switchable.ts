import type { InteractionChange } from '$lib/interaction';
import type {
	BinlogCheckpoint,
	ChangeLog,
	CommitDraft,
	EntryDraft,
	EntryListener,
	LogEntry
} from './types';

/** Which log a node's pipeline runs on: the cluster's shared one, or its own in memory. */
export type LogMode = 'shared' | 'local';

/**
 * The change log of a node of several: the shared log (Redis) while Redis answers, its own
 * memory log while it runs standalone (Redis unreachable past REDIS_STANDALONE_AFTER_MS, see
 * cluster/node.ts). The pipeline holds this one log and never knows which it is on; the node
 * switches it. Only the active log's entries reach the subscribers, so an entry the shared log
 * delivers while the node is standalone (Redis came back, the node has not rejoined yet) cannot
 * touch a state that follows the local log.
 */
export class SwitchableChangeLog implements ChangeLog {
	#mode: LogMode = 'shared';
	readonly #listeners = new Set<EntryListener>();

	constructor(
		readonly shared: ChangeLog,
		readonly local: ChangeLog
	) {
		shared.subscribe((entry) => this.#forward('shared', entry));
		local.subscribe((entry) => this.#forward('local', entry));
	}

	get mode(): LogMode {
		return this.#mode;
	}

	/** Switches the log the pipeline reads and appends to; the caller re-syncs the state. */
	use(mode: LogMode): void {
		this.#mode = mode;
	}

	get #active(): ChangeLog {
		return this.#mode === 'shared' ? this.shared : this.local;
	}

	get epoch(): string {
		return this.#active.epoch;
	}

	get head(): number {
		return this.#active.head;
	}

	append(entry: EntryDraft, checkpoint: BinlogCheckpoint): Promise<LogEntry> {
		return this.#active.append(entry, checkpoint);
	}

	appendMany(commits: CommitDraft[]): Promise<LogEntry[]> {
		return this.#active.appendMany(commits);
	}

	checkpoint(): Promise<BinlogCheckpoint | null> {
		return this.#active.checkpoint();
	}

	since(seq: number): Promise<InteractionChange[] | null> {
		return this.#active.since(seq);
	}

	oldest(): Promise<number> {
		return this.#active.oldest();
	}

	subscribe(listener: EntryListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	reset(checkpoint: BinlogCheckpoint): Promise<void> {
		return this.#active.reset(checkpoint);
	}

	#forward(from: LogMode, entry: LogEntry): void {
		if (from !== this.#mode) return;
		for (const listener of this.#listeners) listener(entry);
	}
}
