import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { InteractionChange } from '$lib/interaction';
import type { ClusterKeys } from '../cluster/keys';
import type { AppEventBus } from '../events';
import type { Logger } from '../log';
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

/**
 * The change log of several nodes: a Redis Stream per epoch that one leader appends to and every
 * node follows. An entry is one commit; its stream id is `<last seq>-<n>`, so a reader finds the
 * changes after any seq with one XRANGE. The append is one Lua script that refuses a stale
 * fencing token or epoch, numbers the changes, stores the checkpoint and adds the entries: a
 * paused old leader cannot write a single entry after another took over. It takes every commit
 * the tailer has queued at once (one entry each), so a leader under load or catching up pays one
 * round trip per batch instead of one per commit.
 */

/**
 * The run_id of the Redis process running the script. An epoch is trusted only on the process
 * it was started on: any other (a promoted replica, a restarted primary) may lack writes that
 * were acknowledged and that nodes and screens already acted on (docs/CLUSTER.md, "Fencing
 * across a Redis failover").
 */
const RUN_ID = `local function run_id() return string.match(redis.call('INFO', 'server'), 'run_id:(%w+)') end`;

// KEYS: epoch, fence owner, head, checkpoint, stream, epoch server.
// ARGV: epoch, fence owner, checkpoint after the last commit, MAXLEN, then per commit: count, entry.
const APPEND = `${RUN_ID}
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return redis.error_reply('FENCED stale token') end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED stale epoch') end
if redis.call('GET', KEYS[6]) ~= run_id() then return redis.error_reply('SERVER CHANGED: a new epoch is needed') end
local results = {}
for i = 5, #ARGV, 2 do
	local count = tonumber(ARGV[i])
	local last = redis.call('INCRBY', KEYS[3], count)
	local id = ''
	if ARGV[i + 1] ~= '' then
		id = redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], last .. '-*', 'first', last - count + 1, 'entry', ARGV[i + 1], 'by', ARGV[2])
	end
	results[#results + 1] = {last, id}
end
redis.call('SET', KEYS[4], ARGV[3])
return results`;

// KEYS: epoch, fence owner, head, checkpoint, epoch server.
// ARGV: fence owner, new epoch, checkpoint, stream prefix.
const RESET = `${RUN_ID}
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return redis.error_reply('FENCED stale token') end
local old = redis.call('GET', KEYS[1])
if old then redis.call('DEL', ARGV[4] .. old) end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[3], 0)
redis.call('SET', KEYS[4], ARGV[3])
redis.call('SET', KEYS[5], run_id())
return 1`;

/** Where the log stands, read in one step: epoch '' when there is none. */
const POSITION = `${RUN_ID}
local epoch = redis.call('GET', KEYS[1])
if not epoch then return {'', '0', '0-0', 1} end
local head = redis.call('GET', KEYS[2]) or '0'
local last = redis.call('XREVRANGE', ARGV[1] .. epoch, '+', '-', 'COUNT', 1)
local id = '0-0'
if last[1] then id = last[1][1] end
local same = 0
if redis.call('GET', KEYS[3]) == run_id() then same = 1 end
return {epoch, head, id, same}`;

/** Where the shared log's stream stands: its epoch, head seq and newest entry. */
export interface StreamPosition {
	epoch: string;
	head: number;
	/** Stream id of the newest entry. */
	lastId: string;
	/**
	 * Whether the Redis process serving the log is the one its epoch was started on; false after
	 * a failover or a restart (a new epoch is then needed). True when there is no epoch.
	 */
	sameServer: boolean;
}

/** An append refused by the fence: another node leads now. */
export class FencedError extends Error {}

/** An append refused because another Redis process serves the log than started its epoch. */
export class ServerChangedError extends Error {}

type StreamReply = [string, [string, string[]][]][] | null;

function compareIds(a: string, b: string): number {
	const [am, as] = a.split('-').map(Number);
	const [bm, bs] = b.split('-').map(Number);
	return am - bm || as - bs;
}

/** JSON that survives BIGINT columns (ids) and dates from the binlog. */
function encode(entry: EntryDraft): string {
	return JSON.stringify(entry, (_key, value: unknown) =>
		typeof value === 'bigint' ? value.toString() : value
	);
}

export interface RedisChangeLogOptions {
	/** Commands, including the scripts. */
	redis: Redis;
	/** A connection of its own for the blocking XREAD. */
	reader: Redis;
	keys: ClusterKeys;
	/** Stream entries kept (MAXLEN ~). */
	retain: number;
	log: Logger;
	/**
	 * Told `log.diverged` when the epoch in Redis is no longer the one this node follows (or
	 * Redis lost it, or the stream shows a gap), `log.fenced` when an append was refused, and
	 * `log.serverChanged` when it was refused because the epoch's Redis process is gone.
	 */
	events: Pick<AppEventBus, 'emit'>;
}

export class RedisChangeLog implements ChangeLog {
	#epoch = '';
	#head = 0;
	#lastId = '0-0';
	/** Replays for screens that reconnect come from here, not from one XRANGE per socket. */
	readonly #recent: RecentChanges;
	#owner: string | null = null;
	#following = false;
	#lastReadAt = 0;
	/** Set when this node must snapshot again; deliveries wait for the next followFrom. */
	#resyncing = false;
	readonly #listeners = new Set<EntryListener>();

	constructor(private readonly options: RedisChangeLogOptions) {
		this.#recent = new RecentChanges(options.retain);
	}

	get epoch(): string {
		return this.#epoch;
	}

	get head(): number {
		return this.#head;
	}

	/** Whether this node heard from the stream lately: screens are current. */
	isCurrent(withinMs = 3_000): boolean {
		return this.#epoch !== '' && performance.now() - this.#lastReadAt < withinMs;
	}

	/** When a stream read last succeeded (performance.now()). */
	get lastReadAt(): number {
		return this.#lastReadAt;
	}

	/** The fence owner (LeaderLease.owner) this node appends as while it leads; null otherwise. */
	setOwner(owner: string | null): void {
		this.#owner = owner;
	}

	async streamPosition(): Promise<StreamPosition> {
		const { keys, redis } = this.options;
		const [epoch, head, lastId, same] = (await redis.eval(
			POSITION,
			3,
			keys.epoch,
			keys.head,
			keys.server,
			keys.streamPrefix
		)) as [string, string, string, number];
		return { epoch, head: Number(head), lastId, sameServer: same === 1 };
	}

	/**
	 * Follows the log from `position`, read before the snapshot the caller then loaded: entries
	 * after it are applied on top of the snapshot. Those the snapshot already reflects are applied
	 * again, which whole-row upserts in seq order make harmless.
	 */
	followFrom(position: StreamPosition): void {
		this.#epoch = position.epoch;
		this.#head = position.head;
		this.#lastId = position.lastId;
		// What it kept no longer joins up with the new position.
		this.#recent.clear();
		this.#lastReadAt = performance.now();
		this.#resyncing = false;
		if (!this.#following) {
			this.#following = true;
			void this.#follow();
		}
	}

	stop(): void {
		this.#following = false;
	}

	/** Delivers every entry already in the stream (a new leader does this before it tails). */
	async drain(): Promise<void> {
		for (;;) {
			const reply = (await this.options.redis.xread(
				'COUNT',
				1000,
				'STREAMS',
				this.#stream(),
				this.#lastId
			)) as StreamReply;
			if (!reply || !this.#deliverReply(reply)) return;
		}
	}

	async append(draft: EntryDraft, checkpoint: BinlogCheckpoint): Promise<LogEntry> {
		return (await this.appendMany([{ draft, checkpoint }]))[0];
	}

	async appendMany(commits: CommitDraft[]): Promise<LogEntry[]> {
		const { keys, redis } = this.options;
		if (this.#owner === null) throw new FencedError('this node does not lead');
		const last = commits.at(-1);
		if (!last) return [];
		const perCommit = commits.flatMap(({ draft }) => [
			String(draft.changes.length),
			isEmptyEntry(draft) ? '' : encode(draft)
		]);
		let results: [number, string][];
		try {
			results = (await redis.eval(
				APPEND,
				6,
				keys.epoch,
				keys.owner,
				keys.head,
				keys.checkpoint,
				this.#stream(),
				keys.server,
				this.#epoch,
				this.#owner,
				JSON.stringify(last.checkpoint),
				String(this.options.retain),
				...perCommit
			)) as [number, string][];
		} catch (error) {
			throw this.#refusal(error);
		}
		return commits.map(({ draft }, i) => {
			const [lastSeq, id] = results[i];
			const first = lastSeq - draft.changes.length + 1;
			const entry: LogEntry = {
				...draft,
				changes: draft.changes.map((change, j) => ({ ...change, seq: first + j }))
			};
			if (id) this.#deliver(id, entry);
			else this.#head = Math.max(this.#head, lastSeq);
			return entry;
		});
	}

	async checkpoint(): Promise<BinlogCheckpoint | null> {
		const stored = await this.options.redis.get(this.options.keys.checkpoint);
		return stored ? (JSON.parse(stored) as BinlogCheckpoint) : null;
	}

	async since(seq: number): Promise<InteractionChange[] | null> {
		const head = this.#head;
		if (!Number.isInteger(seq) || seq < 0 || seq > head) return null;
		if (seq === head) return [];
		const recent = this.#recent.after(seq, head);
		if (recent) return recent;
		const entries = await this.options.redis.xrange(this.#stream(), String(seq + 1), String(head));
		const changes: InteractionChange[] = [];
		for (const [, fields] of entries) {
			for (const change of this.#parse(fields).changes) {
				if (change.seq > seq && change.seq <= head) changes.push(change);
			}
		}
		// Trimmed away (or never seen here): the reader needs a snapshot.
		if (changes[0]?.seq !== seq + 1 || changes.at(-1)?.seq !== head) return null;
		return changes;
	}

	async oldest(): Promise<number> {
		const [first] = await this.options.redis.xrange(this.#stream(), '-', '+', 'COUNT', 1);
		const fields = first?.[1];
		return fields ? Number(fields[fields.indexOf('first') + 1]) : this.#head + 1;
	}

	/** Entries in this epoch's stream (trimmed to about `retain`). */
	length(): Promise<number> {
		return this.options.redis.xlen(this.#stream());
	}

	subscribe(listener: EntryListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	async reset(checkpoint: BinlogCheckpoint): Promise<void> {
		const { keys, redis } = this.options;
		if (this.#owner === null) throw new FencedError('this node does not lead');
		const epoch = randomUUID();
		try {
			await redis.eval(
				RESET,
				5,
				keys.epoch,
				keys.owner,
				keys.head,
				keys.checkpoint,
				keys.server,
				this.#owner,
				epoch,
				JSON.stringify(checkpoint),
				keys.streamPrefix
			);
		} catch (error) {
			throw this.#refusal(error);
		}
		this.followFrom({ epoch, head: 0, lastId: '0-0', sameServer: true });
	}

	/** A script's refusal told to the node (fenced, or the server changed) as its own error. */
	#refusal(error: unknown): unknown {
		const message = error instanceof Error ? error.message : '';
		if (message.includes('FENCED')) {
			void this.options.events.emit('log.fenced');
			return new FencedError(message);
		}
		if (message.includes('SERVER CHANGED')) {
			void this.options.events.emit('log.serverChanged');
			return new ServerChangedError(message);
		}
		return error;
	}

	#stream(): string {
		return this.options.keys.streamPrefix + this.#epoch;
	}

	async #follow(): Promise<void> {
		const { reader, redis, keys, log } = this.options;
		while (this.#following) {
			try {
				const stream = this.#stream();
				const reply = (await reader.xread(
					'COUNT',
					1000,
					'BLOCK',
					1000,
					'STREAMS',
					stream,
					this.#lastId
				)) as StreamReply;
				this.#lastReadAt = performance.now();
				if (this.#resyncing) continue;
				if (reply && reply[0][0] === this.#stream()) this.#deliverReply(reply);
				else if (!reply) {
					// Quiet: make sure the log did not move to another epoch (or vanish with Redis).
					const epoch = (await redis.get(keys.epoch)) ?? '';
					if (epoch !== this.#epoch) this.#requestResync(epoch);
				}
			} catch (error) {
				if (!this.#following) return;
				log.warn('change log stream read failed; retrying', { error });
				await new Promise((resolve) => setTimeout(resolve, 500));
			}
		}
	}

	/** Delivers a read's entries in order; false when it held none. */
	#deliverReply(reply: NonNullable<StreamReply>): boolean {
		const entries = reply[0]?.[1] ?? [];
		for (const [id, fields] of entries) this.#deliver(id, this.#parse(fields));
		return entries.length > 0;
	}

	#parse(fields: string[]): LogEntry {
		const value = (name: string) => fields[fields.indexOf(name) + 1];
		const draft = JSON.parse(value('entry')) as EntryDraft;
		const first = Number(value('first'));
		return { ...draft, changes: draft.changes.map((change, i) => ({ ...change, seq: first + i })) };
	}

	#requestResync(epoch: string): void {
		this.#resyncing = true;
		void this.options.events.emit('log.diverged', { epoch });
	}

	#deliver(id: string, entry: LogEntry): void {
		if (this.#resyncing) return;
		if (compareIds(id, this.#lastId) <= 0) return; // this node appended it and applied it then
		const first = entry.changes[0]?.seq;
		if (first !== undefined && first !== this.#head + 1) {
			this.options.log.error('change log gap: resynchronising', { head: this.#head, first });
			this.#requestResync(this.#epoch);
			return;
		}
		this.#lastId = id;
		this.#head = entry.changes.at(-1)?.seq ?? this.#head;
		this.#recent.add(entry.changes);
		for (const listener of this.#listeners) listener(entry);
	}
}
