import { randomUUID } from 'node:crypto';
import type { InteractionChange } from '$lib/interaction';
import {
	isEmptyEntry,
	type BinlogCheckpoint,
	type ChangeLog,
	type CommitDraft,
	type EntryDraft,
	type EntryListener,
	type LogEntry
} from './types';
import { RecentChanges } from './recent';

/** The single-node change log: the newest `retain` changes in memory. */
export class MemoryChangeLog implements ChangeLog {
	#epoch = randomUUID();
	#head = 0;
	readonly #recent: RecentChanges;
	#checkpoint: BinlogCheckpoint | null = null;
	readonly #listeners = new Set<EntryListener>();

	constructor(retain: number) {
		this.#recent = new RecentChanges(retain);
	}

	get epoch(): string {
		return this.#epoch;
	}

	get head(): number {
		return this.#head;
	}

	async append(draft: EntryDraft, checkpoint: BinlogCheckpoint): Promise<LogEntry> {
		return this.#append(draft, checkpoint);
	}

	async appendMany(commits: CommitDraft[]): Promise<LogEntry[]> {
		// One by one without awaiting each: a catch-up appends commits by the hundred thousand.
		return commits.map(({ draft, checkpoint }) => this.#append(draft, checkpoint));
	}

	#append(draft: EntryDraft, checkpoint: BinlogCheckpoint): LogEntry {
		const changes: InteractionChange[] = draft.changes.map((change) => ({
			seq: ++this.#head,
			id: change.id,
			tenantId: change.tenantId,
			queueIds: change.queueIds,
			row: change.row,
			...(change.removedFrom && { removedFrom: change.removedFrom })
		}));
		this.#recent.add(changes);
		this.#checkpoint = checkpoint;
		const entry = { ...draft, changes };
		if (!isEmptyEntry(draft)) for (const listener of this.#listeners) listener(entry);
		return entry;
	}

	async checkpoint(): Promise<BinlogCheckpoint | null> {
		return this.#checkpoint;
	}

	async since(seq: number): Promise<InteractionChange[] | null> {
		if (!Number.isInteger(seq) || seq < 0 || seq > this.#head) return null;
		if (seq === this.#head) return [];
		return this.#recent.after(seq, this.#head);
	}

	async oldest(): Promise<number> {
		return this.#recent.oldest ?? this.#head + 1;
	}

	subscribe(listener: EntryListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	async reset(checkpoint: BinlogCheckpoint): Promise<void> {
		this.#epoch = randomUUID();
		this.#head = 0;
		this.#recent.clear();
		this.#checkpoint = checkpoint;
	}
}
