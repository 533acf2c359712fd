import type { IntervalSize } from '$lib/range/picture';
import { addDays, formatZonedDate, zonedDateOf, zonedMidnight, zoneOffsetMs } from '$lib/time/zone';
import { msToSqlTime } from '../db';

/**
 * A range cut into the chart's intervals in the tenant's zone, and the SQL that puts a row into
 * one. Intervals restart at each local midnight, so a DST day has 23 or 25 hours (92 or 100
 * quarters) and no hour is counted twice. Rows are bucketed in SQL by 15-minute steps of UTC
 * (every zone's offset is a multiple of 15 minutes, so each step lies in one interval) or, for
 * days, by local date; the local time in SQL is UTC plus the zone's offset at that instant,
 * which changes at the few DST transitions of the range (no time zone tables needed).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const SLOT_MS = 15 * 60_000;

const SIZE_MS: Record<IntervalSize, number> = { '15m': SLOT_MS, '1h': HOUR_MS, '1d': DAY_MS };

/** 15 minutes for a day, an hour up to a week, a day beyond (a DST day may be 25 hours). */
export function intervalSizeFor(fromMs: number, toMs: number): IntervalSize {
	const span = toMs - fromMs;
	if (span <= DAY_MS + HOUR_MS) return '15m';
	if (span <= 7 * DAY_MS + HOUR_MS) return '1h';
	return '1d';
}

/** The heat map (weekday × hour) is drawn for ranges of two weeks or more. */
export function wantsHeatmap(fromMs: number, toMs: number): boolean {
	return toMs - fromMs >= 14 * DAY_MS - HOUR_MS;
}

export interface Interval {
	startMs: number;
	endMs: number;
	/** The local date the interval is on (YYYY-MM-DD): the key of a daily bucket. */
	date: string;
}

/** The intervals of [fromMs, toMs), each local day from its midnight, clipped to the range. */
export function intervalsOf(
	fromMs: number,
	toMs: number,
	size: IntervalSize,
	timeZone: string
): Interval[] {
	const intervals: Interval[] = [];
	let day = zonedDateOf(fromMs, timeZone);
	for (let dayStart = zonedMidnight(day, timeZone); dayStart < toMs;) {
		const next = addDays(day, 1);
		const dayEnd = zonedMidnight(next, timeZone);
		const date = formatZonedDate(day);
		const step = size === '1d' ? dayEnd - dayStart : SIZE_MS[size];
		for (let start = dayStart; start < dayEnd; start += step) {
			const clippedStart = Math.max(start, fromMs);
			const clippedEnd = Math.min(start + step, dayEnd, toMs);
			if (clippedStart < clippedEnd) {
				intervals.push({ startMs: clippedStart, endMs: clippedEnd, date });
			}
		}
		day = next;
		dayStart = dayEnd;
	}
	return intervals;
}

/** The zone's offset over the range: from `fromMs` (or the previous change) until `untilMs`. */
export interface OffsetSpan {
	untilMs: number;
	offsetSeconds: number;
}

/** The offsets of [fromMs, toMs): one span, or one more per DST change (to the second). */
export function offsetSpans(fromMs: number, toMs: number, timeZone: string): OffsetSpan[] {
	const offsetAt = (ms: number) => zoneOffsetMs(ms, timeZone);
	const spans: OffsetSpan[] = [];
	let current = offsetAt(fromMs);
	// Zones change offset at most a few times a year, never twice within 6 hours.
	for (let probe = fromMs; probe < toMs;) {
		const next = Math.min(probe + 6 * HOUR_MS, toMs);
		if (offsetAt(next) !== current) {
			let before = probe;
			let after = next;
			while (after - before > 1000) {
				const middle = before + Math.floor((after - before) / 2000) * 1000;
				if (offsetAt(middle) === current) before = middle;
				else after = middle;
			}
			if (after < toMs) {
				spans.push({ untilMs: after, offsetSeconds: current / 1000 });
				current = offsetAt(after);
			}
		}
		probe = next;
	}
	spans.push({ untilMs: toMs, offsetSeconds: current / 1000 });
	return spans;
}

/** The local DATETIME of `column` (UTC DATETIME) under those spans; values go to `params`. */
export function localTimeSql(column: string, spans: OffsetSpan[], params: unknown[]): string {
	if (spans.length === 1) {
		params.push(spans[0].offsetSeconds);
		return `(${column} + INTERVAL ? SECOND)`;
	}
	const whens = spans.slice(0, -1).map((span) => {
		params.push(msToSqlTime(span.untilMs), span.offsetSeconds);
		return `WHEN ${column} < ? THEN ?`;
	});
	params.push(spans[spans.length - 1].offsetSeconds);
	return `(${column} + INTERVAL (CASE ${whens.join(' ')} ELSE ? END) SECOND)`;
}

/** The 15-minute UTC step of `column` counted from `anchorMs` (a multiple of SLOT_MS). */
export function slotSql(column: string, anchorMs: number, params: unknown[]): string {
	params.push(msToSqlTime(anchorMs));
	return `FLOOR(TIMESTAMPDIFF(SECOND, ?, ${column}) / ${SLOT_MS / 1000})`;
}

export function slotAnchor(fromMs: number): number {
	return Math.floor(fromMs / SLOT_MS) * SLOT_MS;
}

/** Maps a bucket of the SQL (a slot number, or a local date) to its interval's index. */
export function bucketIndex(
	intervals: Interval[],
	size: IntervalSize,
	anchorMs: number
): (bucket: unknown) => number {
	if (size === '1d') {
		const byDate = new Map(intervals.map((interval, i) => [interval.date, i]));
		return (bucket) => byDate.get(String(bucket).slice(0, 10)) ?? -1;
	}
	const starts = intervals.map((interval) => interval.startMs);
	return (bucket) => {
		const slotStart = anchorMs + Number(bucket) * SLOT_MS;
		// The last interval starting at or before the slot (binary search over sorted starts).
		let low = 0;
		let high = starts.length - 1;
		if (high < 0 || slotStart + SLOT_MS <= starts[0]) return -1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if (starts[middle] <= slotStart) low = middle;
			else high = middle - 1;
		}
		return low;
	};
}
