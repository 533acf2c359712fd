import { describe, it, expect, vi } from 'vitest';
import {
	addDays,
	formatZonedDate,
	parseZonedDate,
	startOfNextZonedDay,
	startOfZonedDay,
	zonedDateOf,
	zonedMidnight,
	zonedParts,
	zoneOffsetMs
} from '$lib/time/zone';

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** The day containing `ms` in the zone: its start, its end, and its length in hours. */
function dayOf(ms: number, timeZone: string) {
	const start = startOfZonedDay(ms, timeZone);
	const next = startOfNextZonedDay(ms, timeZone);
	return { start: iso(start), next: iso(next), hours: (next - start) / HOUR };
}

describe('zonedMidnight', () => {
	it.each([
		['UTC', { year: 2026, month: 3, day: 8 }, '2026-03-08T00:00:00.000Z'],
		['America/Chicago', { year: 2026, month: 1, day: 15 }, '2026-01-15T06:00:00.000Z'],
		['America/Chicago', { year: 2026, month: 3, day: 8 }, '2026-03-08T06:00:00.000Z'],
		['America/Chicago', { year: 2026, month: 3, day: 9 }, '2026-03-09T05:00:00.000Z'],
		['America/Chicago', { year: 2026, month: 11, day: 1 }, '2026-11-01T05:00:00.000Z'],
		['America/Chicago', { year: 2026, month: 11, day: 2 }, '2026-11-02T06:00:00.000Z'],
		['Europe/Berlin', { year: 2026, month: 3, day: 29 }, '2026-03-28T23:00:00.000Z'],
		['Europe/Berlin', { year: 2026, month: 3, day: 30 }, '2026-03-29T22:00:00.000Z'],
		['Europe/Berlin', { year: 2026, month: 10, day: 25 }, '2026-10-24T22:00:00.000Z'],
		['Europe/Berlin', { year: 2026, month: 10, day: 26 }, '2026-10-25T23:00:00.000Z'],
		['Asia/Kolkata', { year: 2026, month: 1, day: 1 }, '2025-12-31T18:30:00.000Z'],
		['Asia/Kolkata', { year: 2026, month: 7, day: 1 }, '2026-06-30T18:30:00.000Z']
	])('%s %o starts at %s', (timeZone, date, expected) => {
		expect(iso(zonedMidnight(date, timeZone))).toBe(expected);
	});
});

describe('startOfZonedDay / startOfNextZonedDay', () => {
	it('America/Chicago 2026-03-08 (spring forward) is 23 hours long', () => {
		const expected = {
			start: '2026-03-08T06:00:00.000Z',
			next: '2026-03-09T05:00:00.000Z',
			hours: 23
		};
		// Just after midnight, just before the gap (01:59 CST), just after it (03:00 CDT), late evening.
		for (const at of ['06:00:00', '07:59:59', '08:00:00', '12:00:00', '23:00:00']) {
			expect(dayOf(utc(`2026-03-08T${at}Z`), 'America/Chicago')).toEqual(expected);
		}
		expect(dayOf(utc('2026-03-09T04:59:59.999Z'), 'America/Chicago')).toEqual(expected);
	});

	it('America/Chicago 2026-11-01 (fall back) is 25 hours long, the repeated hour included', () => {
		const expected = {
			start: '2026-11-01T05:00:00.000Z',
			next: '2026-11-02T06:00:00.000Z',
			hours: 25
		};
		// 01:30 happens twice: 06:30Z (CDT) and 07:30Z (CST).
		for (const at of ['05:00:00', '06:30:00', '07:30:00', '18:00:00']) {
			expect(dayOf(utc(`2026-11-01T${at}Z`), 'America/Chicago')).toEqual(expected);
		}
		expect(dayOf(utc('2026-11-02T05:59:59.999Z'), 'America/Chicago')).toEqual(expected);
		expect(dayOf(utc('2026-11-02T06:00:00.000Z'), 'America/Chicago').hours).toBe(24);
	});

	it('the days around the Chicago changes are 24 hours long', () => {
		for (const at of ['2026-03-07T18:00:00Z', '2026-03-09T18:00:00Z', '2026-10-31T18:00:00Z']) {
			expect(dayOf(utc(at), 'America/Chicago').hours).toBe(24);
		}
		expect(dayOf(utc('2026-11-02T18:00:00Z'), 'America/Chicago').hours).toBe(24);
	});

	it('Europe/Berlin: 23 hours on 2026-03-29, 25 on 2026-10-25, 24 in July', () => {
		expect(dayOf(utc('2026-03-29T12:00:00Z'), 'Europe/Berlin')).toEqual({
			start: '2026-03-28T23:00:00.000Z',
			next: '2026-03-29T22:00:00.000Z',
			hours: 23
		});
		expect(dayOf(utc('2026-10-25T12:00:00Z'), 'Europe/Berlin')).toEqual({
			start: '2026-10-24T22:00:00.000Z',
			next: '2026-10-25T23:00:00.000Z',
			hours: 25
		});
		expect(dayOf(utc('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toEqual({
			start: '2026-06-30T22:00:00.000Z',
			next: '2026-07-01T22:00:00.000Z',
			hours: 24
		});
	});

	it('Asia/Kolkata: half-hour offset, the day turns at 18:30 UTC', () => {
		expect(dayOf(utc('2026-01-01T18:29:59.999Z'), 'Asia/Kolkata')).toEqual({
			start: '2025-12-31T18:30:00.000Z',
			next: '2026-01-01T18:30:00.000Z',
			hours: 24
		});
		expect(dayOf(utc('2026-01-01T18:30:00.000Z'), 'Asia/Kolkata').start).toBe(
			'2026-01-01T18:30:00.000Z'
		);
		expect(zoneOffsetMs(utc('2026-06-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR);
	});

	it('UTC: midnight to midnight, across a year end', () => {
		expect(dayOf(utc('2026-12-31T23:59:59.999Z'), 'UTC')).toEqual({
			start: '2026-12-31T00:00:00.000Z',
			next: '2027-01-01T00:00:00.000Z',
			hours: 24
		});
		expect(dayOf(utc('2027-01-01T00:00:00.000Z'), 'UTC').start).toBe('2027-01-01T00:00:00.000Z');
	});

	it('a midnight instant starts its own day; one millisecond earlier is the day before', () => {
		for (const timeZone of ['UTC', 'America/Chicago', 'Europe/Berlin', 'Asia/Kolkata']) {
			const midnight = zonedMidnight({ year: 2026, month: 11, day: 1 }, timeZone);
			expect(startOfZonedDay(midnight, timeZone)).toBe(midnight);
			expect(startOfNextZonedDay(midnight - 1, timeZone)).toBe(midnight);
			expect(startOfZonedDay(midnight - 1, timeZone)).toBeLessThan(midnight);
		}
	});

	it('every instant around the 2026 changes lies in [start, next) of its own local date', () => {
		const windows: [string, string][] = [
			['America/Chicago', '2026-03-07T00:00:00Z'],
			['America/Chicago', '2026-10-31T00:00:00Z'],
			['Europe/Berlin', '2026-03-28T00:00:00Z'],
			['Europe/Berlin', '2026-10-24T00:00:00Z'],
			['Asia/Kolkata', '2026-03-28T00:00:00Z'],
			['UTC', '2026-03-28T00:00:00Z']
		];
		for (const [timeZone, from] of windows) {
			// Three days in 20-minute steps.
			for (let ms = utc(from); ms < utc(from) + 72 * HOUR; ms += 20 * 60_000) {
				const start = startOfZonedDay(ms, timeZone);
				const next = startOfNextZonedDay(ms, timeZone);
				expect(start).toBeLessThanOrEqual(ms);
				expect(next).toBeGreaterThan(ms);
				expect(zonedDateOf(start, timeZone)).toEqual(zonedDateOf(ms, timeZone));
				expect(startOfZonedDay(next, timeZone)).toBe(next);
			}
		}
	});

	// Bug: where a DST change skips midnight itself (Chile, Cuba), zonedMidnight answers 23:00 of
	// the day before. On 2026-09-06 America/Santiago jumps from 00:00 -04 to 01:00 -03, so the day
	// starts at 04:00Z; zonedMidnight returns 03:00Z (2026-09-05 23:00 -04).
	it('America/Santiago 2026-09-06 (midnight skipped) starts at 01:00 local, 04:00Z', () => {
		const noon = utc('2026-09-06T15:00:00Z');
		expect(iso(startOfZonedDay(noon, 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
	});

	it('America/Santiago 2026-09-05 23:30 local: the next day starts after now', () => {
		const lateEvening = utc('2026-09-06T03:30:00Z');
		expect(startOfNextZonedDay(lateEvening, 'America/Santiago')).toBeGreaterThan(lateEvening);
	});
});

describe('zonedParts', () => {
	const zones = ['America/Chicago', 'Europe/Berlin', 'America/Santiago', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Africa/Monrovia', 'UTC']; // prettier-ignore
	/** Intl's own reading of the wall clock, field by field. */
	const formats = new Map<string, Intl.DateTimeFormat>();
	function intl(ms: number, timeZone: string) {
		let format = formats.get(timeZone);
		if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }))); // prettier-ignore
		const parts: Record<string, number> = {};
		for (const p of format.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value); // prettier-ignore
		return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second }; // prettier-ignore
	}

	it("reads as Intl does, around every zone's changes and at random instants since 1900", () => {
		let seed = 11;
		const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
		for (const zone of zones) {
			const instants: number[] = [];
			for (let i = 0; i < 400; i++) instants.push(Math.floor(utc('1900-01-01T00:00:00Z') + random() * 140 * 365.25 * 24 * HOUR)); // prettier-ignore
			// Every 59 s of the day of a change: the quarter hour that holds it, and its ends.
			for (
				let day = utc('2026-01-01T00:00:00Z');
				day < utc('2027-01-01T00:00:00Z');
				day += 24 * HOUR
			) {
				if (zoneOffsetMs(day, zone) === zoneOffsetMs(day + 24 * HOUR, zone)) continue;
				for (let ms = day - HOUR; ms < day + 25 * HOUR; ms += 59_000) instants.push(ms);
			}
			for (const ms of instants) expect(zonedParts(ms, zone), `${zone} ${iso(ms)}`).toEqual(intl(ms, zone)); // prettier-ignore
		}
	});

	it('asks Intl about a quarter hour once, not for every instant in it', () => {
		const formatToParts = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
		try {
			const start = utc('2026-07-14T10:15:00Z');
			for (let ms = start; ms < start + 15 * 60_000; ms += 900) zonedParts(ms, 'Europe/Berlin');
			expect(formatToParts.mock.calls.length).toBeLessThanOrEqual(2);
		} finally {
			formatToParts.mockRestore();
		}
	});
});

describe('zoneOffsetMs', () => {
	it('follows DST in Chicago and Berlin', () => {
		expect(zoneOffsetMs(utc('2026-03-08T07:59:59Z'), 'America/Chicago')).toBe(-6 * HOUR);
		expect(zoneOffsetMs(utc('2026-03-08T08:00:00Z'), 'America/Chicago')).toBe(-5 * HOUR);
		expect(zoneOffsetMs(utc('2026-10-25T00:59:59Z'), 'Europe/Berlin')).toBe(2 * HOUR);
		expect(zoneOffsetMs(utc('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toBe(1 * HOUR);
		expect(zoneOffsetMs(utc('2026-10-25T01:00:00Z'), 'UTC')).toBe(0);
	});
});

describe('parseZonedDate', () => {
	it('accepts real dates, leap days included', () => {
		expect(parseZonedDate('2026-03-08')).toEqual({ year: 2026, month: 3, day: 8 });
		expect(parseZonedDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
		expect(parseZonedDate('2026-12-31')).toEqual({ year: 2026, month: 12, day: 31 });
	});

	it.each([
		'2026-02-30',
		'2026-02-29',
		'2100-02-29',
		'2026-04-31',
		'2026-13-01',
		'2026-00-10',
		'2026-01-00',
		'2026-1-5',
		'2026-01-01T00:00',
		' 2026-01-01',
		'2026-01-01 ',
		'20260101',
		'garbage',
		'',
		'yyyy-mm-dd'
	])('rejects %j', (text) => {
		expect(parseZonedDate(text)).toBeNull();
	});

	it('round-trips with formatZonedDate', () => {
		for (const text of ['2026-01-01', '2026-03-08', '2026-11-01', '2028-02-29', '1999-12-31']) {
			const date = parseZonedDate(text);
			expect(date).not.toBeNull();
			expect(formatZonedDate(date!)).toBe(text);
		}
		expect(formatZonedDate({ year: 2026, month: 3, day: 8 })).toBe('2026-03-08');
	});
});

describe('addDays', () => {
	it.each([
		[{ year: 2026, month: 1, day: 31 }, 1, { year: 2026, month: 2, day: 1 }],
		[{ year: 2026, month: 2, day: 28 }, 1, { year: 2026, month: 3, day: 1 }],
		[{ year: 2028, month: 2, day: 28 }, 1, { year: 2028, month: 2, day: 29 }],
		[{ year: 2028, month: 3, day: 1 }, -1, { year: 2028, month: 2, day: 29 }],
		[{ year: 2026, month: 12, day: 31 }, 1, { year: 2027, month: 1, day: 1 }],
		[{ year: 2027, month: 1, day: 1 }, -1, { year: 2026, month: 12, day: 31 }],
		[{ year: 2026, month: 4, day: 30 }, 1, { year: 2026, month: 5, day: 1 }],
		[{ year: 2026, month: 12, day: 25 }, 10, { year: 2027, month: 1, day: 4 }],
		[{ year: 2026, month: 1, day: 1 }, 365, { year: 2027, month: 1, day: 1 }],
		[{ year: 2026, month: 3, day: 8 }, 0, { year: 2026, month: 3, day: 8 }]
	])('%o + %i days = %o', (date, days, expected) => {
		expect(addDays(date, days)).toEqual(expected);
	});

	it('does not modify its argument', () => {
		const date = { year: 2026, month: 12, day: 31 };
		addDays(date, 1);
		expect(date).toEqual({ year: 2026, month: 12, day: 31 });
	});
});
