import { describe, expect, it } from 'vitest';
import { SLICE_ROWS, SliceClock } from '../../src/lib/server/export/slices';

/** Exports work in slices and take turns of the event loop (issue 21). */

describe('SliceClock', () => {
	it('says a slice is full at SLICE_ROWS rows at the latest, and starts afresh after a turn', async () => {
		const clock = new SliceClock();
		let rows = 1;
		while (!clock.full()) rows++;
		expect(rows).toBeLessThanOrEqual(SLICE_ROWS);
		await clock.turn();
		expect(clock.full()).toBe(false);
	});

	it('resumes one waiting export per turn of the event loop, first come first served', async () => {
		let turn = 0;
		let ticking = true;
		const tick = () => {
			turn++;
			if (ticking) setImmediate(tick);
		};
		setImmediate(tick);
		const clocks = Array.from({ length: 4 }, () => new SliceClock());
		const resumedOn = await Promise.all(
			clocks.map(async (clock) => {
				await clock.turn();
				return turn;
			})
		);
		ticking = false;
		expect(new Set(resumedOn).size).toBe(4);
		expect([...resumedOn].sort((a, b) => a - b)).toEqual(resumedOn);
	});
});
