import { describe, expect, it } from 'vitest';
import type { Interaction } from '$lib/interaction';
import { FrameChanges, type RowSource } from '$lib/live/sorted-rows';
import { dayFrame } from '$lib/queues/day';
import { aggregateDay } from '$lib/queues/figures';
import { DEFAULT_THRESHOLDS, thresholdsLookup } from '$lib/queues/thresholds';
import { startOfZonedDay } from '$lib/time/zone';
import { DayTally } from '$lib/wall/day-tally';
import { interaction } from './fixtures';

/** A RowSource driven by the test, frame by frame, as LiveFeed is by the socket. */
class Source implements RowSource {
	readonly rows = new Map<string, Interaction>();
	version = 0;
	readonly #changes = new FrameChanges();
	set(row: Interaction): void {
		this.rows.set(row.id, row);
		this.#changes.touched(row.id);
	}
	remove(id: string): void {
		this.rows.delete(id);
		this.#changes.touched(id);
	}
	replaceAll(): void {
		this.#changes.touchedAll();
	}
	endFrame(): void {
		this.#changes.endFrame();
		this.version++;
	}
	changedSince(version: number) {
		return this.#changes.since(version, this.version);
	}
}

const zone = 'America/Chicago';
const start = startOfZonedDay(Date.UTC(2026, 2, 10, 18), zone);
const frame = dayFrame(start, zone);
const queues = [1, 2, 3];
const thresholdsOf = thresholdsLookup([
	{ id: 2, thresholds: { ...DEFAULT_THRESHOLDS, serviceLevelSeconds: 45 } }
]);
const iso = (ms: number) => new Date(ms).toISOString();

/** A row of contact `n` at step `step` (0 new … 3 closed; 4: another day's, or no queue). */
function row(n: number, step: number, seed: number): Interaction {
	const created = start + ((n * 7919 + seed) % 20) * 3_600_000 + (n % 97) * 1000;
	const answered = n % 5 === 0 ? null : created + (n % 60) * 1000;
	const status = (['new', 'active', 'acw', 'closed'] as const)[Math.min(step, 3)];
	return interaction({
		id: String(n),
		queueId: step === 4 ? null : (queues[n % 4] ?? 9),
		direction: n % 7 === 0 ? 'outbound' : 'inbound',
		status,
		createdAt: iso(step === 4 ? start - 3_600_000 : created),
		answeredAt: status === 'new' || !answered ? null : iso(answered),
		acwStartedAt: status === 'acw' || status === 'closed' ? iso(created + 200_000) : null,
		closedAt: status === 'closed' ? iso(created + 300_000) : null,
		waitSeconds: status === 'closed' && answered ? (answered - created) / 1000 : null,
		talkSeconds: status === 'closed' && answered ? 120 + (n % 30) : null,
		acwSeconds: status === 'closed' && answered ? 20 : null
	});
}

describe('DayTally', () => {
	it('counts what aggregateDay counts, change by change, frame after frame', () => {
		const source = new Source();
		for (let n = 0; n < 400; n++) source.set(row(n, n % 4, 0));
		source.endFrame();
		const tally = new DayTally();
		const expected = () => aggregateDay(source.rows.values(), queues, frame, thresholdsOf);
		expect(tally.days(source, queues, frame, thresholdsOf)).toEqual(expected());
		let random = 12345;
		const next = (max: number) => (random = (random * 1103515245 + 12345) % 2 ** 31) % max;
		for (let f = 0; f < 60; f++) {
			for (let k = 0; k < 1 + next(12); k++) {
				const n = next(500);
				const action = next(10);
				if (action === 0) source.remove(String(n));
				else source.set(row(n, next(5), f));
			}
			source.endFrame();
			tally.follow(source);
			// Figures are read now and then, not every frame.
			if (f % 3 === 2) {
				expect(tally.days(source, queues, frame, thresholdsOf), `frame ${f}`).toEqual(expected());
			}
		}
	});

	it('counts everything again when it missed a frame, a snapshot came, or the queues changed', () => {
		const source = new Source();
		for (let n = 0; n < 50; n++) source.set(row(n, n % 4, 1));
		source.endFrame();
		const tally = new DayTally();
		tally.days(source, queues, frame, thresholdsOf);
		source.set(row(3, 3, 2));
		source.endFrame();
		source.set(row(4, 1, 2));
		source.endFrame(); // not followed: two versions on
		expect(tally.days(source, queues, frame, thresholdsOf)).toEqual(
			aggregateDay(source.rows.values(), queues, frame, thresholdsOf)
		);
		for (let n = 0; n < 50; n++) source.set(row(n, 3, 3));
		source.replaceAll();
		source.endFrame();
		tally.follow(source);
		expect(tally.days(source, queues, frame, thresholdsOf)).toEqual(
			aggregateDay(source.rows.values(), queues, frame, thresholdsOf)
		);
		expect(tally.days(source, [1], frame, thresholdsOf)).toEqual(
			aggregateDay(source.rows.values(), [1], frame, thresholdsOf)
		);
	});
});
