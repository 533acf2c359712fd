import { describe, expect, it } from 'vitest';
import { BAR, HEIGHT, MIN_VISIBLE, hourlyBars } from '$lib/wall/hourly-bars';

describe('hourly bars', () => {
	it('draws only the hours with calls: answered from the baseline, abandoned stacked on them', () => {
		const bars = hourlyBars([0, 50, 100, 0], [0, 1, 0, 20], 200, 2);
		expect(bars).toEqual([
			{ kind: 'answered', now: false, x: BAR + 1, y: HEIGHT - 25, width: BAR - 2, height: 25 },
			// One abandoned call of 200 would be half a unit tall: it is drawn MIN_VISIBLE tall.
			{ kind: 'abandoned', now: false, x: BAR + 1, y: HEIGHT - 25 - MIN_VISIBLE, width: BAR - 2, height: MIN_VISIBLE }, // prettier-ignore
			{ kind: 'answered', now: true, x: 2 * BAR + 1, y: HEIGHT - 50, width: BAR - 2, height: 50 },
			{ kind: 'abandoned', now: false, x: 3 * BAR + 1, y: HEIGHT - MIN_VISIBLE, width: BAR - 2, height: MIN_VISIBLE } // prettier-ignore
		]);
	});

	it('an empty day draws nothing, and a stack at the top is clipped to the chart', () => {
		expect(hourlyBars([0, 0, 0], [0, 0, 0], 1, 0)).toEqual([]);
		const [, lost] = hourlyBars([10], [1], 10, 0);
		expect(lost).toMatchObject({ kind: 'abandoned', y: 0, height: MIN_VISIBLE });
	});
});
