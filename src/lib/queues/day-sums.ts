import * as v from 'valibot';
import type { Interaction, LiveSnapshot } from '$lib/interaction';
import { lowerBound } from '$lib/sorted';
import type { DayFrame } from './day';
import { factsOf } from './facts';
import { aggregateDay, emptyQueueDay, type QueueDay } from './figures';
import { addDay, cloneDay } from './tally';

import { DEFAULT_THRESHOLDS, type QueueThresholds } from './thresholds';

/**
 * A screen that only sums the day (the wall) need not hold the day's closed rows: a big
 * tenant's 50,000 were most of the wall's first payload and of a TV stick's first seconds
 * (issue 26). With `daySums` in its subscribe, the snapshot carries the rows in progress and,
 * for the closed rows, `aggregateDay`'s sums per queue taken at the same log position, so
 * base + the tally of the rows held = `aggregateDay` over every row (QueueDay is additive
 * over disjoint rows, and every row at that position is either held or summed).
 *
 * A closed row that is summed may still change later (a transcription, a correction). The
 * snapshot lists each summed row's id and the key of what it contributes (`figureKey`); a
 * change to one whose contribution is unchanged changes nothing, any other change to one asks
 * for a fresh snapshot (`baseInvalidatedBy`), since the old contribution cannot be taken away.
 */

/** A subscribe's `daySums` ($lib/realtime): what a screen that only sums the day asks for. */
export const DaySumsRequestSchema = v.strictObject({
	/** The queues to sum, each with its service-level goal in seconds. */
	serviceLevelSeconds: v.pipe(
		v.array(
			v.tuple([
				v.pipe(v.number(), v.integer(), v.minValue(1)),
				v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400))
			])
		),
		v.maxLength(500)
	)
});
export type DaySumsRequest = v.InferOutput<typeof DaySumsRequestSchema>;

/** A snapshot; asked with `daySums`, also the closed rows' sums, which `rows` then leaves out. */
export interface SummedSnapshot extends LiveSnapshot {
	day?: DaySums;
}

/** The closed part of the day, summed, as a snapshot carries it. */
export interface DaySums {
	/** The day the sums are of: its start (the tenant's local midnight, server time). */
	startMs: number;
	/** The log position the sums were taken at (the snapshot's). */
	seq: number;
	/** The goals they were summed with (the request's, for the queues in scope). */
	serviceLevelSeconds: [number, number][];
	/** Per queue in scope and asked for. */
	queues: [number, QueueDay][];
	/** How many rows are summed. */
	count: number;
	/**
	 * The rows summed, in code-unit order of their ids, front-coded (packIds): a big tenant's
	 * 50,000 ids were 650 kB of 50,000 strings in the wall's first message, which a TV stick
	 * received, parsed and collected in one long task before its first figures; packed, some
	 * 200 kB in one string, unpacked when a change first asks for a row (DayBase).
	 */
	ids: string;
	/** Each summed row's `figureKey`, in the order of `ids`: KEY_CHARS base-64 digits each (packKeys). */
	keys: string;
}

/** Whether a row goes into the sums rather than to the screen. */
export function isSummed(row: Interaction): boolean {
	return row.status === 'closed';
}

/** The goals as the thresholds `aggregateDay` reads (only the service level matters to it). */
export function goalsOf(serviceLevelSeconds: readonly (readonly [number, number])[]) {
	const byQueue = new Map<number, QueueThresholds>(
		serviceLevelSeconds.map(([id, seconds]) => [
			id,
			{ ...DEFAULT_THRESHOLDS, serviceLevelSeconds: seconds }
		])
	);
	return (queueId: number): QueueThresholds => byQueue.get(queueId) ?? DEFAULT_THRESHOLDS;
}

/**
 * The sums of `closed` (rows for which isSummed holds, already in the screen's scope) for the
 * queues of `serviceLevelSeconds`, by `aggregateDay` itself.
 */
export function sumDay(
	closed: readonly Interaction[],
	serviceLevelSeconds: [number, number][],
	frame: DayFrame,
	seq: number
): DaySums {
	const queueIds = serviceLevelSeconds.map(([id]) => id);
	const days = aggregateDay(closed, queueIds, frame, goalsOf(serviceLevelSeconds));
	// Sorted here, so a browser finds a row among 50,000 without building an index of them.
	const sorted = closed.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	return {
		startMs: frame.startMs,
		seq,
		serviceLevelSeconds,
		queues: [...days],
		count: sorted.length,
		ids: packIds(sorted.map((row) => row.id)),
		keys: packKeys(sorted.map(figureKey))
	};
}

/** Separates the entries of packed ids: interaction ids are decimal BIGINTs, never holding it. */
const ID_SEPARATOR = ',';
/** Shared prefixes are written as one letter, 'A' + length: at most 25 (a BIGINT has 20 digits). */
const MAX_PREFIX = 25;

/**
 * Ids (sorted: neighbours share most of their digits) front-coded: each entry is one letter for
 * how many leading characters it shares with the one before ('A' + n), then the rest of it;
 * entries joined by ID_SEPARATOR. 6100012345 after 6100012344 is "J5".
 */
export function packIds(ids: readonly string[]): string {
	const entries: string[] = [];
	let previous = '';
	for (const id of ids) {
		if (id.includes(ID_SEPARATOR)) throw new Error(`An id cannot be packed: ${id}`);
		let shared = 0;
		const most = Math.min(MAX_PREFIX, id.length, previous.length);
		while (shared < most && id.charCodeAt(shared) === previous.charCodeAt(shared)) shared++;
		entries.push(String.fromCharCode(65 + shared) + id.slice(shared));
		previous = id;
	}
	return entries.join(ID_SEPARATOR);
}

/** The ids packIds packed, in their order. */
export function unpackIds(packed: string): string[] {
	if (packed === '') return [];
	const ids: string[] = [];
	let previous = '';
	for (const entry of packed.split(ID_SEPARATOR)) {
		previous = previous.slice(0, entry.charCodeAt(0) - 65) + entry.slice(1);
		ids.push(previous);
	}
	return ids;
}

/** Digits of a packed key, base 64 (URL-safe: nothing to escape in JSON). */
const KEY_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Characters a key takes: 9 base-64 digits hold 54 bits, a figureKey 53. */
export const KEY_CHARS = 9;
const KEY_VALUE = new Int8Array(128).fill(-1);
const KEY_CODES = new Uint8Array(64);
for (let i = 0; i < KEY_DIGITS.length; i++) {
	KEY_VALUE[KEY_DIGITS.charCodeAt(i)] = i;
	KEY_CODES[i] = KEY_DIGITS.charCodeAt(i);
}

/**
 * Figure keys as one string of KEY_CHARS digits each: 450 kB for 50,000 rows instead of
 * 850 kB of 16-digit numbers, and no number to allocate per row when the message is parsed.
 */
export function packKeys(keys: readonly number[]): string {
	// Character codes from 32-bit halves, decoded once: digit by digit in floating point, and
	// 450,000 string concatenations, took the server 20-30 ms for 50,000 keys.
	const codes = new Uint8Array(keys.length * KEY_CHARS);
	for (const [k, key] of keys.entries()) {
		if (!Number.isSafeInteger(key) || key < 0) throw new Error(`A key cannot be packed: ${key}`);
		const low = key % 2 ** 32;
		const high = (key - low) / 2 ** 32;
		let at = (k + 1) * KEY_CHARS;
		for (let shift = 0; shift < 30; shift += 6) codes[--at] = KEY_CODES[(low >>> shift) & 63];
		codes[--at] = KEY_CODES[((low >>> 30) | (high << 2)) & 63];
		for (let shift = 4; shift < 22; shift += 6) codes[--at] = KEY_CODES[(high >>> shift) & 63];
	}
	return new TextDecoder().decode(codes);
}

/** The `index`th key of packKeys' string (exact: every partial value is below 2^53). */
export function keyAt(packed: string, index: number): number {
	let key = 0;
	for (let i = index * KEY_CHARS, end = i + KEY_CHARS; i < end; i++) {
		key = key * 64 + KEY_VALUE[packed.charCodeAt(i) & 127];
	}
	return key;
}

/**
 * What a row contributes to the figures, as a number: its queue, its status and the facts
 * `aggregateDay` reads (factsOf). Two rows with the same key contribute the same.
 */
export function figureKey(row: Interaction): number {
	return hash53(JSON.stringify([row.queueId, row.status, factsOf(row)]));
}

/** cyrb53: a 53-bit string hash (a collision is about 1 in 2^53). */
function hash53(text: string): number {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A snapshot's sums as the browser uses them: the rows summed, by id. */
/** The summed rows as the release before packIds sent them: their ids and keys as arrays. */
interface SumsBeforePacking {
	ids: string[];
	keys: number[];
}

export class DayBase {
	readonly days: ReadonlyMap<number, QueueDay>;

	constructor(readonly sums: DaySums) {
		this.days = new Map(sums.queues);
	}

	/** The summed rows' ids, unpacked when first asked for (after the first figures are drawn). */
	#ids: string[] | null = null;

	/** The figure key of a summed row, or undefined when the row is not in the sums. */
	#keyOf(id: string): number | undefined {
		const { ids: packed, keys } = this.sums as DaySums | SumsBeforePacking;
		// A node of the release before sends the arrays themselves: during a rolling upgrade a
		// page the new release served may be answered by one of them until it is replaced.
		if (Array.isArray(packed) && Array.isArray(keys)) {
			const low = lowerBound(packed, id);
			return packed[low] === id ? keys[low] : undefined;
		}
		const ids = (this.#ids ??= unpackIds(packed as string));
		const low = lowerBound(ids, id);
		return ids[low] === id ? keyAt(keys as string, low) : undefined;
	}

	/** Whether the row of this id is in the sums (the tally must not count it again). */
	has(id: string): boolean {
		return this.#keyOf(id) !== undefined;
	}

	/** The rows the tally counts: those not summed here (only closed rows ever are). */
	readonly counts = (row: Interaction): boolean => row.status !== 'closed' || !this.has(row.id);

	/**
	 * Whether a change after the sums were taken makes them wrong: it touches a summed row and
	 * is not one that leaves its contribution as it was (the same figures, or a removal from the
	 * active table, which never erases a closed row: $lib/live/apply).
	 */
	invalidatedBy(change: {
		seq: number;
		id: string;
		row: Interaction | null;
		removedFrom?: string;
	}): boolean {
		if (change.seq <= this.sums.seq) return false;
		const key = this.#keyOf(change.id);
		if (key === undefined) return false;
		if (change.row === null) return change.removedFrom !== 'active';
		return figureKey(change.row) !== key;
	}

	/** Whether the sums are of this day, summed with these goals. */
	fits(frame: DayFrame, serviceLevelSeconds: readonly (readonly [number, number])[]): boolean {
		if (this.sums.startMs !== frame.startMs) return false;
		const asked = new Map(serviceLevelSeconds.map(([id, s]) => [id, s]));
		const summed = this.sums.serviceLevelSeconds;
		return summed.length === asked.size && summed.every(([id, s]) => asked.get(id) === s);
	}
}

/** The tally's days plus the base's: the figures of every row. A new map; inputs untouched. */
export function withBase(
	tally: ReadonlyMap<number, QueueDay>,
	base: ReadonlyMap<number, QueueDay>,
	hours: number
): Map<number, QueueDay> {
	const days = new Map(tally);
	for (const [queueId, part] of base) {
		const day = cloneDay(days.get(queueId) ?? emptyQueueDay(hours));
		addDay(day, part, 1);
		days.set(queueId, day);
	}
	return days;
}
