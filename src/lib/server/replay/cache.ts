import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { LogEntry } from '../changelog/types';
import type { LiveService } from '../live';
import { escapeId } from '../db';
import type { RowView, Scope } from '../scope';
import { LOOKBACK_HOURS } from './day';

/**
 * The encoded rows of replayed days that are over, kept by the server so that opening a replay
 * of yesterday again (another viewer, another tab, the wall) does not read and encode its 51,600
 * rows again: that read was most of a replay's opening (bench/RESULTS.md, issue 25).
 *
 * A day that is over changes only when the PBX writes one of its rows after the fact: a row in
 * progress across midnight (it is in the day) closes or moves on, a closed row is corrected or
 * deleted, a transcription is written late, or a name (queue, agent, contact…) changes. Each is
 * caught:
 *
 * - interaction rows: every change of the change log (the binlog, as the live state applies
 *   it) whose row was created before a cached day's end and at most LOOKBACK_HOURS before its
 *   start drops that day's entries of the tenant; a removal without its row (a delete) drops
 *   every day of the tenant;
 * - names: any lookup change in the log drops everything;
 * - a new epoch of the log (a resync: changes may have been missed) drops everything;
 * - transcriptions: the tailer does not carry those of rows the live state no longer holds, so
 *   each hit first counts the transcriptions of the day's id range (a primary-key range) and
 *   compares with the count when the entry was made;
 * - a change applied while a day was being read drops that read (it may have missed it).
 *
 * The key is the whole request that made the payload: tenant, day, the scope's queues and the
 * view (a wall token's board fields). Two viewers share an entry only when their payloads are
 * the same bytes. A bounded number of entries is kept, the least recently used dropped first.
 */

export interface CachedDay {
	/** The wire's row part as JSON text: `"count":…,"strings":…,"columns":…,"transcribed":…`. */
	rowsJson: string;
	/** When the rows were read (the wire's loadedAtMs: after the day's end). */
	loadedAtMs: number;
	/** The whole payload gzipped, when its breaches were `breachesJson`. */
	gzipped: { breachesJson: string; body: Uint8Array<ArrayBuffer> } | null;
}

interface Entry extends CachedDay {
	tenantId: number;
	startMs: number;
	endMs: number;
	epoch: string;
	/** The day's interaction ids' range and its transcriptions' count then. */
	idRange: [string, string] | null;
	transcriptions: string;
}

export interface DayKey {
	scope: Scope;
	view: RowView;
	date: string;
	startMs: number;
	endMs: number;
}

const MAX_ENTRIES = 8;

export class ReplayDayCache {
	readonly #entries = new Map<string, Entry>();
	/** Bumped for a tenant at each change that drops its days: a read that spans one is not kept. */
	readonly #generation = new Map<number, number>();
	#allGeneration = 0;
	hits = 0;
	misses = 0;

	constructor(
		private readonly epoch: () => string,
		private readonly pool: Pool,
		private readonly database: string
	) {}

	/** Follows the change log (call with each entry, in order). */
	readonly onEntry = (entry: LogEntry): void => {
		if (entry.lookups.length > 0) {
			this.clear();
			return;
		}
		for (const change of entry.changes) {
			const created = change.row ? Date.parse(change.row.createdAt) : Number.NaN;
			this.#generation.set(change.tenantId, (this.#generation.get(change.tenantId) ?? 0) + 1);
			for (const [key, e] of this.#entries) {
				if (e.tenantId !== change.tenantId) continue;
				const touches =
					Number.isNaN(created) ||
					(created < e.endMs && created >= e.startMs - LOOKBACK_HOURS * 3_600_000);
				if (touches) this.#entries.delete(key);
			}
		}
	};

	clear(): void {
		this.#entries.clear();
		this.#allGeneration++;
	}

	get size(): number {
		return this.#entries.size;
	}

	/** A stamp to take before reading a day: `put` keeps the read only if nothing changed since. */
	stamp(tenantId: number): string {
		return `${this.#allGeneration}:${this.#generation.get(tenantId) ?? 0}:${this.epoch()}`;
	}

	/** The cached payload of a day that is over, still valid, or null. */
	async get(key: DayKey, nowMs = Date.now()): Promise<CachedDay | null> {
		if (key.endMs > nowMs) return null;
		const name = keyOf(key);
		const entry = this.#entries.get(name);
		if (!entry || entry.epoch !== this.epoch()) {
			if (entry) this.#entries.delete(name);
			this.misses++;
			return null;
		}
		const transcriptions = await this.#transcriptionsOf(entry.idRange);
		// A change that arrived during the count may have dropped the entry: putting it back
		// (below) would serve the day as it was before that change until the next one.
		if (this.#entries.get(name) !== entry) {
			this.misses++;
			return null;
		}
		if (transcriptions !== entry.transcriptions) {
			this.#entries.delete(name);
			this.misses++;
			return null;
		}
		// Most recently used last.
		this.#entries.delete(name);
		this.#entries.set(name, entry);
		this.hits++;
		return entry;
	}

	/**
	 * Keeps a day's payload read since `stamp`, when the day is over and nothing that could
	 * touch it changed meanwhile. `ids`: the day's interaction ids (for the transcriptions).
	 */
	async put(
		key: DayKey,
		stamp: string,
		day: Pick<CachedDay, 'rowsJson' | 'loadedAtMs'>,
		ids: readonly string[],
		nowMs = Date.now()
	): Promise<CachedDay | null> {
		if (key.endMs > nowMs) return null;
		const tenantId = key.scope.tenantId;
		const idRange = rangeOf(ids);
		const transcriptions = await this.#transcriptionsOf(idRange);
		// A change during the read or the count: the read may have missed it.
		if (stamp !== this.stamp(tenantId)) return null;
		const entry: Entry = {
			...day,
			gzipped: null,
			tenantId,
			startMs: key.startMs,
			endMs: key.endMs,
			epoch: this.epoch(),
			idRange,
			transcriptions
		};
		const name = keyOf(key);
		this.#entries.delete(name);
		this.#entries.set(name, entry);
		while (this.#entries.size > MAX_ENTRIES) {
			this.#entries.delete(this.#entries.keys().next().value!);
		}
		return entry;
	}

	/** Keeps the gzipped payload of a day (with these breaches) for its next request. */
	keepGzipped(day: CachedDay, breachesJson: string, body: Uint8Array<ArrayBuffer>): void {
		day.gzipped = { breachesJson, body };
	}

	/** The count and newest write of the transcriptions of ids in the range (a primary-key range). */
	async #transcriptionsOf(range: [string, string] | null): Promise<string> {
		if (!range) return '';
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT COUNT(*) AS n, MAX(created_at) AS newest FROM ${escapeId(this.database)}.transcriptions
			 WHERE interaction_id BETWEEN ? AND ?`,
			range
		);
		const newest = rows[0]?.newest as Date | string | null;
		return `${rows[0]?.n ?? 0}|${newest instanceof Date ? newest.getTime() : String(newest)}`;
	}
}

/** Everything the payload depends on: the tenant, the day, the scope's queues and the view. */
export function keyOf(key: DayKey): string {
	const queues = key.scope.queues === 'all' ? 'all' : [...key.scope.queues].sort((a, b) => a - b);
	return JSON.stringify([key.scope.tenantId, queues, key.view, key.date]);
}

function rangeOf(ids: readonly string[]): [string, string] | null {
	if (ids.length === 0) return null;
	let low = BigInt(ids[0]);
	let high = low;
	for (const id of ids) {
		const n = BigInt(id);
		if (n < low) low = n;
		if (n > high) high = n;
	}
	return [String(low), String(high)];
}

const caches = new WeakMap<LiveService, ReplayDayCache>();

/** The app's one cache (per live service: tests start several apps in one process). */
export function replayCacheOf(
	live: LiveService,
	history: { pool: Pool; database: string }
): ReplayDayCache {
	let cache = caches.get(live);
	if (!cache) {
		const made = new ReplayDayCache(() => live.changeLog.epoch, history.pool, history.database);
		live.changeLog.subscribe(made.onEntry);
		caches.set(live, (cache = made));
	}
	return cache;
}
