import { describe, expect, it } from 'vitest';
import {
	bucketIndex,
	intervalsOf,
	intervalSizeFor,
	offsetSpans,
	slotAnchor,
	wantsHeatmap
} from '$lib/server/insight/intervals';
import { parseZonedDate, zonedMidnight } from '$lib/time/zone';

const midnight = (date: string, tz: string) => zonedMidnight(parseZonedDate(date)!, tz);
const CHICAGO = 'America/Chicago';
const KOLKATA = 'Asia/Kolkata';
const HOUR = 3_600_000;

describe('range intervals in the tenant zone', () => {
	it('chooses 15 minutes for a day (also of 25 hours), an hour up to a week, a day beyond', () => {
		const fallBack = midnight('2026-11-01', CHICAGO);
		expect(intervalSizeFor(fallBack, midnight('2026-11-02', CHICAGO))).toBe('15m');
		expect(intervalSizeFor(fallBack, midnight('2026-11-03', CHICAGO))).toBe('1h');
		expect(intervalSizeFor(fallBack, midnight('2026-11-08', CHICAGO))).toBe('1h');
		expect(intervalSizeFor(fallBack, midnight('2026-11-09', CHICAGO))).toBe('1d');
		expect(wantsHeatmap(fallBack, midnight('2026-11-14', CHICAGO))).toBe(false);
		expect(wantsHeatmap(fallBack, midnight('2026-11-15', CHICAGO))).toBe(true);
	});

	it('gives a DST day 23 or 25 hours, each interval real time from local midnight', () => {
		const spring = midnight('2026-03-08', CHICAGO);
		const hours = intervalsOf(spring, midnight('2026-03-09', CHICAGO), '1h', CHICAGO);
		expect(hours).toHaveLength(23);
		expect(hours.every((h) => h.endMs - h.startMs === HOUR)).toBe(true);
		const fall = midnight('2026-11-01', CHICAGO);
		const quarters = intervalsOf(fall, midnight('2026-11-02', CHICAGO), '15m', CHICAGO);
		expect(quarters).toHaveLength(100);
		const days = intervalsOf(spring, midnight('2026-03-11', CHICAGO), '1d', CHICAGO);
		expect(days.map((d) => (d.endMs - d.startMs) / HOUR)).toEqual([23, 24, 24]);
		expect(days.map((d) => d.date)).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
	});

	it('finds the offsets of a range to the second, and Kolkata has one of +5:30', () => {
		const from = midnight('2026-03-01', CHICAGO);
		const to = midnight('2026-04-01', CHICAGO);
		expect(offsetSpans(from, to, CHICAGO)).toEqual([
			{ untilMs: Date.parse('2026-03-08T08:00:00Z'), offsetSeconds: -6 * 3600 },
			{ untilMs: to, offsetSeconds: -5 * 3600 }
		]);
		const k = midnight('2026-03-01', KOLKATA);
		expect(offsetSpans(k, k + 90 * 24 * HOUR, KOLKATA)).toEqual([
			{ untilMs: k + 90 * 24 * HOUR, offsetSeconds: 5.5 * 3600 }
		]);
	});

	it('maps 15-minute UTC steps to the interval they lie in, Kolkata hours starting at :30 UTC', () => {
		const from = midnight('2026-03-10', KOLKATA);
		expect(new Date(from).toISOString()).toBe('2026-03-09T18:30:00.000Z');
		const to = from + 2 * 24 * HOUR;
		const hours = intervalsOf(from, to, '1h', KOLKATA);
		const anchor = slotAnchor(from);
		const index = bucketIndex(hours, '1h', anchor);
		expect([0, 3, 4, 7, 191].map(index)).toEqual([0, 0, 1, 1, 47]);
	});
});
