import { describe, expect, it } from 'vitest';
import { sortInRuns } from '../../src/lib/server/export/sorted';

/** Today's export sorts in runs with a turn of the event loop between two (issue 21). */

describe('sortInRuns', () => {
	const order = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

	it('reads back what one sort gives, across runs, ties and a short last run', async () => {
		for (const size of [0, 1, 999, 1000, 1001, 4321]) {
			// Few distinct keys: ties across runs, told apart by the second field.
			const items = Array.from({ length: size }, (_, i): [number, number] => [(i * 7919) % 37, i]);
			let turns = 0;
			const merged = await sortInRuns(items, order, async () => void turns++);
			const out: [number, number][] = [];
			for (let item = merged.next(); item !== undefined; item = merged.next()) out.push(item);
			expect(out).toEqual([...items].sort(order));
			expect(merged.done).toBe(true);
			expect(turns).toBe(Math.ceil(size / 1000));
		}
	});
});
