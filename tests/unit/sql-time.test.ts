import { describe, expect, it } from 'vitest';
import { msToSqlTime, sqlTimeToIso } from '$lib/server/db';

describe('sqlTimeToIso', () => {
	it('reads DATETIME(3) as the driver and the binlog give it, and the shorter forms', () => {
		expect(sqlTimeToIso('2026-12-03 10:15:00.250')).toBe('2026-12-03T10:15:00.250Z');
		expect(sqlTimeToIso('2026-12-03 10:15:00')).toBe('2026-12-03T10:15:00.000Z');
		expect(sqlTimeToIso('2026-12-03 10:15:00.5')).toBe('2026-12-03T10:15:00.500Z');
		expect(sqlTimeToIso('2026-12-03T10:15:00.250')).toBe('2026-12-03T10:15:00.250Z');
		expect(sqlTimeToIso(new Date(Date.UTC(2026, 11, 3, 10, 15)))).toBe('2026-12-03T10:15:00.000Z');
	});

	it('is null for nothing and for what is not a time, whatever its length', () => {
		expect(sqlTimeToIso(null)).toBeNull();
		expect(sqlTimeToIso('')).toBeNull();
		expect(sqlTimeToIso('not a time at all, 23c')).toBeNull();
		expect(sqlTimeToIso('2026-12-03 10:15:xx.250')).toBeNull();
	});
});

describe('msToSqlTime', () => {
	it('writes DATETIME(3) text in UTC, as the ISO string reads', () => {
		const start = Date.UTC(2026, 11, 31, 23, 58, 59, 995);
		for (let ms = start; ms < start + 130_000; ms += 997) {
			expect(msToSqlTime(ms)).toBe(new Date(ms).toISOString().replace('T', ' ').replace('Z', ''));
		}
		expect(msToSqlTime(Date.UTC(2026, 2, 8, 8, 0, 5, 7))).toBe('2026-03-08 08:00:05.007');
	});

	it('reads back to the same instant', () => {
		const ms = Date.UTC(2026, 2, 10, 12, 34, 56, 789);
		expect(Date.parse(sqlTimeToIso(msToSqlTime(ms)) ?? '')).toBe(ms);
	});
});
