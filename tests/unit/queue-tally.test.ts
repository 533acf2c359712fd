import { describe, expect, it } from 'vitest';
import type { Interaction } from '$lib/interaction';
import { dayFrame } from '$lib/queues/day';
import { aggregateDay } from '$lib/queues/figures';
import { DayTally } from '$lib/queues/tally';
import { DEFAULT_THRESHOLDS } from '$lib/queues/thresholds';
import { startOfZonedDay } from '$lib/time/zone';
import { interaction } from './fixtures';
import { FakeRowSource, randomRow, seededRandom } from './random-rows';

/** DayTally, kept change by change, must always equal aggregateDay over all the rows. */

const TZ = 'America/Chicago';
const NOW = Date.parse('2026-03-10T15:00:00Z');
const frame = dayFrame(startOfZonedDay(NOW, TZ), TZ);
const thresholds = () => DEFAULT_THRESHOLDS;
const QUEUES = [1, 2, 3];

describe('DayTally', () => {
	it('equals a full aggregateDay after every frame of random changes', () => {
		const next = seededRandom(26);
		const source = new FakeRowSource();
		for (let i = 0; i < 300; i++) source.set(randomRow(next, `r${i}`, NOW, QUEUES));
		source.frame();
		const tally = new DayTally();
		const voice = (row: Interaction) => row.channel === 'voice';
		for (let frameNo = 0; frameNo < 200; frameNo++) {
			for (let k = 0; k < 1 + next(6); k++) {
				const id = `r${next(340)}`;
				if (next(10) === 0) source.delete(id);
				else source.set(randomRow(next, id, NOW, QUEUES));
			}
			source.frame();
			const matches = frameNo < 100 ? () => true : voice;
			const got = tally.update(source, QUEUES, frame, thresholds, matches);
			const rows = [...source.rows.values()].filter(matches);
			expect(got).toEqual(aggregateDay(rows, QUEUES, frame, thresholds));
		}
	});

	it("equals a full aggregateDay after frames of many changes (a snapshot's parts)", () => {
		const next = seededRandom(27);
		const source = new FakeRowSource();
		source.frame();
		const tally = new DayTally();
		const matches = () => true;
		tally.update(source, QUEUES, frame, thresholds, matches);
		for (let frameNo = 0; frameNo < 12; frameNo++) {
			for (let k = 100 + next(150); k > 0; k--) {
				const id = `r${next(1500)}`;
				if (next(8) === 0) source.delete(id);
				else source.set(randomRow(next, id, NOW, QUEUES));
			}
			source.frame();
			const got = tally.update(source, QUEUES, frame, thresholds, matches);
			expect(got).toEqual(aggregateDay([...source.rows.values()], QUEUES, frame, thresholds));
		}
	});

	it('hands out a new map when rows changed, the same one when nothing did', () => {
		const source = new FakeRowSource();
		source.set(interaction({ id: 'a', queueId: 1, status: 'new', createdAt: new Date(NOW).toISOString() })); // prettier-ignore
		source.frame();
		const tally = new DayTally();
		const all = () => true;
		const first = tally.update(source, QUEUES, frame, thresholds, all);
		expect(tally.update(source, QUEUES, frame, thresholds, all)).toBe(first);
		source.set(interaction({ id: 'b', queueId: 1, status: 'new', createdAt: new Date(NOW).toISOString() })); // prettier-ignore
		source.frame();
		const second = tally.update(source, QUEUES, frame, thresholds, all);
		expect(second).not.toBe(first);
		expect(second.get(1)!.waiting).toBe(2);
		expect(first.get(1)!.waiting).toBe(1);
	});
});
