import { describe, expect, it } from 'vitest';
import { addRow, emptySums, figuresOf, percentileOf, type MeasuredRow } from '$lib/queues/measures';

const histogram = (waits: number[]) => {
	const h = new Map<number, number>();
	for (const w of waits) h.set(w, (h.get(w) ?? 0) + 1);
	return h;
};
const closed = (over: Partial<MeasuredRow>): MeasuredRow => ({
	inbound: true,
	answered: true,
	closed: true,
	waitSeconds: 5,
	talkSeconds: 100,
	acwSeconds: 20,
	...over
});

describe('the queue figures (measures.ts)', () => {
	it('takes the nearest-rank percentile: the smallest wait 90% of waits are at most', () => {
		expect(percentileOf(new Map(), 90)).toBeNull();
		expect(percentileOf(histogram([42]), 90)).toBe(42);
		expect(percentileOf(histogram([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 90)).toBe(9);
		expect(percentileOf(histogram([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 90)).toBe(10);
		expect(percentileOf(histogram([3, 3, 3, 3, 3, 3, 3, 3, 3, 50]), 90)).toBe(3);
		expect(percentileOf(histogram([50, 3]), 50)).toBe(3);
	});

	it('counts outbound as handled only, a waiting row as nothing, a goal edge as within', () => {
		const sums = emptySums();
		const waits = new Map<number, number>();
		addRow(sums, closed({ waitSeconds: 20 }), 20, waits);
		addRow(sums, closed({ waitSeconds: 21 }), 20, waits);
		addRow(sums, closed({ answered: false, waitSeconds: null, talkSeconds: 0 }), 20, waits);
		addRow(sums, closed({ inbound: false, talkSeconds: 300, acwSeconds: 0 }), 20, waits);
		addRow(sums, closed({ answered: false, closed: false, waitSeconds: null }), 20, waits);
		addRow(sums, closed({ closed: false, waitSeconds: 2 }), 20, waits);
		expect(sums).toEqual({
			offered: 4,
			answered: 3,
			abandoned: 1,
			answeredWithinGoal: 2,
			waitSumSeconds: 43,
			handled: 3,
			talkSumSeconds: 500,
			acwSumSeconds: 40
		});
		const figures = figuresOf(sums, waits);
		expect(figures.serviceLevelPct).toBe(50);
		expect(figures.abandonRatePct).toBe(25);
		expect(figures.p90WaitSeconds).toBe(21);
		expect(figuresOf(emptySums(), new Map()).avgWaitSeconds).toBeNull();
	});
});
