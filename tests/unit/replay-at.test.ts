import { describe, expect, it } from 'vitest';
import { formatAt, isRepeatedTime, parseAt } from '$lib/replay/at';

const CHICAGO = 'America/Chicago';

describe('the replayed instant in the address', () => {
	it('reads the tenant’s wall clock to the minute or the second', () => {
		expect(parseAt('2026-03-10T10:42', CHICAGO)).toEqual({
			ms: Date.parse('2026-03-10T15:42:00Z')
		});
		expect(parseAt('2026-03-10T10:42:07', 'UTC')).toEqual({
			ms: Date.parse('2026-03-10T10:42:07Z')
		});
	});

	it('tells the two 01:30s of Chicago’s November change apart by their offset', () => {
		const first = Date.parse('2026-11-01T06:30:00Z'); // 01:30 CDT (-05:00)
		const second = Date.parse('2026-11-01T07:30:00Z'); // 01:30 CST (-06:00)
		expect(parseAt('2026-11-01T01:30-05:00', CHICAGO)).toEqual({ ms: first });
		expect(parseAt('2026-11-01T01:30-06:00', CHICAGO)).toEqual({ ms: second });
		expect(parseAt('2026-11-01T01:30', CHICAGO)).toEqual({ ms: first });
		expect(formatAt(first, CHICAGO)).toBe('2026-11-01T01:30-05:00');
		expect(formatAt(second, CHICAGO)).toBe('2026-11-01T01:30-06:00');
		expect(isRepeatedTime(second, CHICAGO)).toBe(true);
		expect(parseAt('2026-11-01T01:30-07:00', CHICAGO)).toHaveProperty('error');
	});

	it('writes no offset where the wall time is unambiguous, and round-trips every minute of the day', () => {
		expect(formatAt(Date.parse('2026-11-01T08:00:00Z'), CHICAGO)).toBe('2026-11-01T02:00');
		const start = Date.parse('2026-11-01T05:00:00Z'); // local midnight, CDT
		for (let ms = start; ms < start + 25 * 3_600_000; ms += 60_000) {
			expect(parseAt(formatAt(ms, CHICAGO), CHICAGO)).toEqual({ ms });
		}
	});

	it('refuses a time the clocks skipped, and text that is not a time, saying why', () => {
		expect(parseAt('2026-03-08T02:30', CHICAGO)).toEqual({
			error: expect.stringContaining('skipped')
		});
		expect(parseAt('10:42', CHICAGO)).toHaveProperty('error');
		expect(parseAt('2026-02-30T10:00', CHICAGO)).toHaveProperty('error');
		expect(parseAt('2026-02-10T24:00', CHICAGO)).toHaveProperty('error');
	});
});
