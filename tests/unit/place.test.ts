import { describe, expect, it } from 'vitest';
import type { Interaction } from '$lib/interaction';
import { placeOf } from '$lib/live/place';
import { interaction } from './fixtures';

/**
 * The grid finds its focused (or read) row again at every frame near where it last was, not by
 * walking a big tenant's day: a row 40,000 places down that moved two places is found by
 * reading a few rows, not 40,000.
 */

function counted(rows: Interaction[]): { list: Interaction[]; reads: () => number } {
	let reads = 0;
	const list = new Proxy(rows, {
		get(target, key, receiver) {
			if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
			return Reflect.get(target, key, receiver);
		}
	});
	return { list, reads: () => reads };
}

const day = Array.from({ length: 50_000 }, (_, i) => interaction({ id: `r${i}` }));

describe('placeOf', () => {
	it('finds a row that moved a few places by reading only the rows near where it was', () => {
		const { list, reads } = counted(day);
		expect(placeOf(list, 'r40002', 40_000)).toBe(40_002);
		expect(placeOf(list, 'r39997', 40_000)).toBe(39_997);
		expect(reads()).toBeLessThan(30);
	});

	it('finds a row that moved far, and says -1 for one that is gone', () => {
		expect(placeOf(day, 'r10', 40_000)).toBe(10);
		expect(placeOf(day, 'gone', 40_000)).toBe(-1);
		expect(placeOf(day, 'r0', 0)).toBe(0);
	});
});
