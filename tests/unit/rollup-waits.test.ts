import { describe, expect, it } from 'vitest';
import { percentileOf, type WaitHistogram } from '../../src/lib/queues/measures';
import { addWaitList } from '../../src/lib/queues/measures-sql';
import { packWaits } from '../../src/lib/server/rollups/recompute';

describe('range rollup wait histograms', () => {
	it('pack as seconds:count pairs and read back into the same histogram, merged with plain lists', () => {
		const waits: WaitHistogram = new Map([
			[31, 2],
			[0, 5],
			[12, 1]
		]);
		expect(packWaits(waits)).toBe('0:5,12:1,31:2');
		expect(packWaits(new Map())).toBeNull();
		const merged: WaitHistogram = new Map();
		// GROUP_CONCAT of several rollup rows, and a plain list of the rows' SQL.
		addWaitList(merged, `${packWaits(waits)},0:1,40:3`);
		addWaitList(merged, '12,12');
		expect([...merged].sort(([a], [b]) => a - b)).toEqual([
			[0, 6],
			[12, 3],
			[31, 2],
			[40, 3]
		]);
		// 14 waits: the 90th percentile is the 13th smallest (nearest rank).
		expect(percentileOf(merged, 90)).toBe(40);
		addWaitList(merged, null);
		expect(merged.size).toBe(4);
	});
});
