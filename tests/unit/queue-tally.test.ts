import { describe, expect, it } from 'vitest';
import type { Interaction } from '$lib/interaction';
import { FrameChanges, type RowSource } from '$lib/live/sorted-rows';
import { dayFrame } from '$lib/queues/day';
import { aggregateDay } from '$lib/queues/figures';
import { DayTally } from '$lib/queues/tally';
import { DEFAULT_THRESHOLDS } from '$lib/queues/thresholds';
import { startOfZonedDay } from '$lib/time/zone';
import { interaction } from './fixtures';

/** DayTally, kept change by change, must always equal aggregateDay over all the rows. */

const TZ = 'America/Chicago';
const NOW = Date.parse('2026-03-10T15:00:00Z');
const frame = dayFrame(startOfZonedDay(NOW, TZ), TZ);
const thresholds = () => DEFAULT_THRESHOLDS;
const QUEUES = [1, 2, 3];

class FakeSource implements RowSource {
	readonly rows = new Map<string, Interaction>();
	version = 0;
	readonly #changes = new FrameChanges();
	set(row: Interaction): void {
		this.rows.set(row.id, row);
		this.#changes.touched(row.id);
	}
	delete(id: string): void {
		this.rows.delete(id);
		this.#changes.touched(id);
	}
	frame(): void {
		this.#changes.endFrame();
		this.version++;
	}
	changedSince(version: number): ReadonlySet<string> | null {
		return this.#changes.since(version, this.version);
	}
}

function random(seed: number) {
	let state = seed;
	return (n: number) => {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		return state % n;
	};
}

/** A row at some stage of its life, created within the last 10 hours (some yesterday's). */
function randomRow(next: (n: number) => number, id: string): Interaction {
	const created = NOW - next(36_000) * 1000;
	const iso = (ms: number) => new Date(ms).toISOString();
	const wait = next(200);
	const status = (['new', 'active', 'acw', 'closed'] as const)[next(4)];
	const answered = status !== 'new' && (status !== 'closed' || next(3) > 0);
	return interaction({
		id,
		queueId: next(5) === 0 ? null : QUEUES[next(3)],
		channel: next(4) === 0 ? 'chat' : 'voice',
		status,
		createdAt: iso(created),
		answeredAt: answered ? iso(created + wait * 1000) : null,
		acwStartedAt: status === 'acw' || (status === 'closed' && answered) ? iso(created + (wait + 60) * 1000) : null, // prettier-ignore
		closedAt: status === 'closed' ? iso(created + (wait + 90) * 1000) : null,
		agentId: answered ? 7 : null,
		waitSeconds: status === 'closed' ? wait : null,
		talkSeconds: status === 'closed' ? (answered ? 60 : 0) : null,
		acwSeconds: status === 'closed' ? (answered ? 30 : 0) : null
	});
}

describe('DayTally', () => {
	it('equals a full aggregateDay after every frame of random changes', () => {
		const next = random(26);
		const source = new FakeSource();
		for (let i = 0; i < 300; i++) source.set(randomRow(next, `r${i}`));
		source.frame();
		const tally = new DayTally();
		const voice = (row: Interaction) => row.channel === 'voice';
		for (let frameNo = 0; frameNo < 200; frameNo++) {
			for (let k = 0; k < 1 + next(6); k++) {
				const id = `r${next(340)}`;
				if (next(10) === 0) source.delete(id);
				else source.set(randomRow(next, id));
			}
			source.frame();
			const matches = frameNo < 100 ? () => true : voice;
			const got = tally.update(source, QUEUES, frame, thresholds, matches);
			const rows = [...source.rows.values()].filter(matches);
			expect(got).toEqual(aggregateDay(rows, QUEUES, frame, thresholds));
		}
	});

	it("equals a full aggregateDay after frames of many changes (a snapshot's parts)", () => {
		const next = random(27);
		const source = new FakeSource();
		source.frame();
		const tally = new DayTally();
		const matches = () => true;
		tally.update(source, QUEUES, frame, thresholds, matches);
		for (let frameNo = 0; frameNo < 12; frameNo++) {
			for (let k = 100 + next(150); k > 0; k--) {
				const id = `r${next(1500)}`;
				if (next(8) === 0) source.delete(id);
				else source.set(randomRow(next, id));
			}
			source.frame();
			const got = tally.update(source, QUEUES, frame, thresholds, matches);
			expect(got).toEqual(aggregateDay([...source.rows.values()], QUEUES, frame, thresholds));
		}
	});

	it('hands out a new map when rows changed, the same one when nothing did', () => {
		const source = new FakeSource();
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
