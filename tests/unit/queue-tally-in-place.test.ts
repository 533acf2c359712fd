import { describe, expect, it, vi } from 'vitest';
import { dayFrame } from '$lib/queues/day';
import { DEFAULT_THRESHOLDS } from '$lib/queues/thresholds';
import { startOfZonedDay } from '$lib/time/zone';
import { FakeRowSource, randomRow, seededRandom } from './random-rows';

/**
 * DayTally follows a frame's few changes in place, row by row (countRow), not by summing each
 * changed row into a day of its own with aggregateDay: at 200 changes/s that was two maps, a
 * day and three arrays per change for the collector (issue 26). aggregateDay is watched here.
 */

const figures = vi.hoisted(() => ({ calls: 0 }));
vi.mock('$lib/queues/figures', async (original) => {
	const actual = await original<typeof import('$lib/queues/figures')>();
	return {
		...actual,
		aggregateDay: (...args: Parameters<typeof actual.aggregateDay>) => {
			figures.calls++;
			return actual.aggregateDay(...args);
		}
	};
});

const { aggregateDay } = await import('$lib/queues/figures');
const { DayTally } = await import('$lib/queues/tally');

const TZ = 'America/Chicago';
const NOW = Date.parse('2026-03-10T15:00:00Z');
const frame = dayFrame(startOfZonedDay(NOW, TZ), TZ);
const thresholds = () => DEFAULT_THRESHOLDS;
const QUEUES = [1, 2, 3];

describe('DayTally in place', () => {
	it('follows frames of a few changes without a day summed per change, to the same figures', () => {
		const next = seededRandom(261);
		const source = new FakeRowSource();
		for (let i = 0; i < 300; i++) source.set(randomRow(next, `r${i}`, NOW, QUEUES));
		source.frame();
		const tally = new DayTally();
		const matches = () => true;
		tally.update(source, QUEUES, frame, thresholds, matches);
		for (let frameNo = 0; frameNo < 100; frameNo++) {
			for (let k = 0; k < 1 + next(6); k++) {
				const id = `r${next(340)}`;
				if (next(10) === 0) source.delete(id);
				else source.set(randomRow(next, id, NOW, QUEUES));
			}
			source.frame();
			figures.calls = 0;
			const got = tally.update(source, QUEUES, frame, thresholds, matches);
			expect(figures.calls).toBe(0);
			expect(got).toEqual(aggregateDay([...source.rows.values()], QUEUES, frame, thresholds));
		}
	});
});
