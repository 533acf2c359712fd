import { describe, expect, it } from 'vitest';
import { sqlTimeToIso } from '$lib/server/db';

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
