import { describe, expect, it } from 'vitest';
import { parseViewParams, rangeBounds, rangeProblem } from '$lib/filters';
import { intervalFilters } from '$lib/range/narrow';
import { formatLocalTime, localTimeInstant, parseLocalTime } from '$lib/time/local-time';

const utc = (iso: string) => Date.parse(iso);
const MIN15 = 900_000;
const HOUR = 3_600_000;

describe('local times in a zone', () => {
	it('reads and writes a plain time, and refuses what is not one', () => {
		const t = parseLocalTime('2026-12-06T14:15');
		expect(t).toMatchObject({ year: 2026, month: 12, day: 6, hour: 14, minute: 15 });
		expect(localTimeInstant(t!, 'Asia/Kolkata')).toBe(utc('2026-12-06T08:45:00Z'));
		expect(formatLocalTime(utc('2026-12-06T08:45:00Z'), 'Asia/Kolkata')).toBe('2026-12-06T14:15');
		for (const bad of [
			'2026-02-30T10:00',
			'2026-12-06T24:00',
			'2026-12-06 10:00',
			'2026-12-06T9:00'
		])
			expect(parseLocalTime(bad)).toBeNull();
	});

	it('tells the two 01:15s of the repeated Chicago hour apart by their offset, and only there', () => {
		const first = utc('2026-11-01T06:15:00Z'); // 01:15 CDT
		const second = utc('2026-11-01T07:15:00Z'); // 01:15 CST
		expect(formatLocalTime(first, 'America/Chicago')).toBe('2026-11-01T01:15-05:00');
		expect(formatLocalTime(second, 'America/Chicago')).toBe('2026-11-01T01:15-06:00');
		expect(formatLocalTime(utc('2026-11-01T08:15:00Z'), 'America/Chicago')).toBe(
			'2026-11-01T02:15'
		);
		for (const ms of [first, second]) {
			const text = formatLocalTime(ms, 'America/Chicago');
			expect(localTimeInstant(parseLocalTime(text)!, 'America/Chicago')).toBe(ms);
		}
		// Without an offset, the earlier of the two.
		expect(localTimeInstant(parseLocalTime('2026-11-01T01:15')!, 'America/Chicago')).toBe(first);
	});

	it('finds no instant for a time the clocks skipped or an offset the zone does not have', () => {
		expect(localTimeInstant(parseLocalTime('2026-03-08T02:30')!, 'America/Chicago')).toBeNull();
		expect(
			localTimeInstant(parseLocalTime('2026-12-06T10:00+01:00')!, 'America/Chicago')
		).toBeNull();
	});
});

describe('a chart interval as the grid’s range', () => {
	it('a day bar is that day; an hour bar is its times, To exclusive', () => {
		const day = { startMs: utc('2026-12-05T06:00:00Z'), endMs: utc('2026-12-06T06:00:00Z') };
		expect(intervalFilters(day, '1d', 'America/Chicago')).toEqual({
			range: 'custom',
			from: '2026-12-05',
			to: '2026-12-05'
		});
		const hour = { startMs: utc('2026-12-06T05:00:00Z'), endMs: utc('2026-12-06T06:00:00Z') };
		const narrowed = intervalFilters(hour, '1h', 'America/Chicago');
		expect(narrowed).toEqual({ range: 'custom', from: '2026-12-05T23:00', to: '2026-12-06T00:00' });
		const params = new URLSearchParams(narrowed);
		const { filters, errors } = parseViewParams(params);
		expect(errors).toEqual({});
		expect(rangeProblem(filters, 'America/Chicago')).toEqual({});
		expect(rangeBounds(filters, 'America/Chicago', Date.now())).toEqual({
			fromMs: hour.startMs,
			toMs: hour.endMs,
			fromDate: '2026-12-05',
			toDate: '2026-12-05',
			fromTime: '23:00',
			toTime: '00:00'
		});
	});

	it('every 15-minute bar of the 25-hour Chicago day narrows to exactly its own instants', () => {
		const start = utc('2026-11-01T05:00:00Z');
		for (let ms = start; ms < start + 25 * HOUR; ms += MIN15) {
			const f = intervalFilters({ startMs: ms, endMs: ms + MIN15 }, '15m', 'America/Chicago');
			const { filters, errors } = parseViewParams(new URLSearchParams(f));
			expect(errors).toEqual({});
			expect(rangeProblem(filters, 'America/Chicago')).toEqual({});
			const range = rangeBounds(filters, 'America/Chicago', Date.now());
			expect([range.fromMs, range.toMs]).toEqual([ms, ms + MIN15]);
		}
	});

	it('refuses a To before From, or a skipped time, per field', () => {
		const early = { range: 'custom' as const, from: '2026-12-06T10:00', to: '2026-12-06T09:00' };
		expect(rangeProblem(early, 'UTC')).toEqual({ to: 'To must be after From' });
		const skipped = { range: 'custom' as const, from: '2026-03-08T02:15', to: '2026-03-08T03:00' };
		expect(rangeProblem(skipped, 'America/Chicago')).toEqual({
			from: 'That time does not exist in America/Chicago'
		});
		const { errors } = parseViewParams(
			new URLSearchParams({ range: 'custom', from: '2026-12-06T10', to: '2026-12-06' })
		);
		expect(errors.from).toMatch(/YYYY-MM-DD/);
	});
});
