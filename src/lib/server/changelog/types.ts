import type { InteractionChange } from '$lib/interaction';
import type { AlertRecord } from '../alerts/record';
import type { RawRow } from '../interactions/map';

/**
 * The ordered, sequence-numbered log between the binlog tailer and everything downstream (live
 * state, sockets, reconnect replay). One entry is one commit. The log owns the sequence: it
 * numbers the interaction changes it appends, and `head` is the one counter every reader
 * reports.
 *
 * Single node: MemoryChangeLog. Several nodes: RedisChangeLog (a Redis Stream), where exactly
 * one node appends and every node follows; callers do not change. That is why reads that may
 * need the network (`since`, `checkpoint`) are async, and why an entry also carries the commit's
 * lookup rows and access changes: every node's name caches and open sockets follow it.
 */

export type ChangeDraft = Omit<InteractionChange, 'seq'>;

/** One row event of a binlog transaction: `before` is null for an insert, `after` for a delete. */
export interface RowChange {
	schema: string;
	table: string;
	before: RawRow | null;
	after: RawRow | null;
}

/**
 * A change to who may see what (users, sessions, wall tokens), read from the dashboard binlog
 * or announced by an admin action. `ended`: the access is gone (a user disabled or deleted, a
 * token revoked or deleted), so the sockets end without reading the database again.
 */
export type AccessChange =
	| { kind: 'user'; userId: number; ended?: true }
	| { kind: 'session-ended'; sessionId: string }
	| { kind: 'wall-token'; tokenId: number; ended?: true };

/** Where in the binlog the log is complete up to: the resume point after a tailer restart. */
export interface BinlogCheckpoint {
	filename: string;
	position: number;
}

/** Where and when a commit happened: every node measures its lag and latency from it. */
export interface CommitOrigin {
	/** The binlog position after the commit. */
	checkpoint: BinlogCheckpoint;
	/** When the server committed it (epoch ms, see Commit.committedAt). */
	committedAt: number;
}

export interface EntryDraft {
	changes: ChangeDraft[];
	/** Lookup-table rows (tenants, queues, agents, dispositions, contacts) of the commit. */
	lookups: RowChange[];
	/** Who-may-see-what changes of the commit (users, sessions, wall tokens). */
	access: AccessChange[];
	/** Alerts the commit fired, cleared or acknowledged (the dashboard's `alerts` rows). */
	alerts?: AlertRecord[];
	origin?: CommitOrigin;
}

export interface LogEntry extends Omit<EntryDraft, 'changes'> {
	changes: InteractionChange[];
}

export type EntryListener = (entry: LogEntry) => void;

/** One commit to append: its entry and the binlog checkpoint after it. */
export interface CommitDraft {
	draft: EntryDraft;
	checkpoint: BinlogCheckpoint;
}

export interface ChangeLog {
	/** Identifies this log's sequence space; it changes whenever the log is started afresh. */
	readonly epoch: string;
	/** Sequence of the newest change delivered to subscribers (0 when empty). */
	readonly head: number;
	/** Appends one commit and, atomically with it, the checkpoint after that commit. */
	append(entry: EntryDraft, checkpoint: BinlogCheckpoint): Promise<LogEntry>;
	/**
	 * Appends several commits in order, atomically: all of them and the last checkpoint, or
	 * none. Returns their entries in order.
	 */
	appendMany(commits: CommitDraft[]): Promise<LogEntry[]>;
	/** The checkpoint stored with the newest entry; null before the first snapshot. */
	checkpoint(): Promise<BinlogCheckpoint | null>;
	/**
	 * Changes after `seq` up to `head`, or null when some of them are no longer kept (the reader
	 * needs a snapshot instead).
	 */
	since(seq: number): Promise<InteractionChange[] | null>;
	/** Sequence of the oldest change still kept for resuming screens; head + 1 when none is. */
	oldest(): Promise<number>;
	/** Called with each entry, in sequence order, on every node. */
	subscribe(listener: EntryListener): () => void;
	/** Starts a new epoch from a fresh snapshot taken at `checkpoint`. */
	reset(checkpoint: BinlogCheckpoint): Promise<void>;
}

/**
 * Whether an entry is worth keeping: a checkpoint-only commit is not (its origin is only worth
 * something to the node that tailed it).
 */
export function isEmptyEntry(entry: EntryDraft): boolean {
	return (
		entry.changes.length === 0 &&
		entry.lookups.length === 0 &&
		entry.access.length === 0 &&
		(entry.alerts?.length ?? 0) === 0
	);
}
