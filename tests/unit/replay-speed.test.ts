import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, matchesFilters, type ViewFilters } from '$lib/filters';
import type { Interaction } from '$lib/interaction';
import { compareRows } from '$lib/live/sort';
import { dayFrame } from '$lib/queues/day';
import { aggregateDay } from '$lib/queues/figures';
import { DEFAULT_THRESHOLDS } from '$lib/queues/thresholds';
import { FiguresAt } from '$lib/replay/figures-at';
import { mergeSorted, SortedAt } from '$lib/replay/sorted-at';
import { DayTimeline } from '$lib/replay/timeline';
import { decodeDay, encodeDay } from '$lib/replay/wire';
import { interaction } from './fixtures';

/**
 * The fast paths of a replay step (issue 25) against the plain definition: the grid's rows at T
 * are every row at T (DayTimeline.rows) filtered and sorted, and the strip's figures at T are
 * aggregateDay over them — whatever sequence of jumps and small steps led to T.
 */

const TZ = 'America/Chicago';
const DAY_START = Date.parse('2026-03-10T05:00:00Z');
const MINUTE = 60_000;
const CHANNELS = ['voice', 'chat', 'sms', 'whatsapp'] as const;

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
		return state / 2 ** 31;
	};
}

function dayOfRows(count: number, seed: number) {
	const next = random(seed);
	const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
	const transcribedAt: Record<string, number> = {};
	const rows: Interaction[] = [];
	for (let i = 0; i < count; i++) {
		// Some started the evening before and run across midnight.
		const created = DAY_START + Math.floor((next() * 26 - 2) * 3_600_000) + (i % 1000);
		const answered = next() < 0.2 ? null : created + Math.floor(next() * 300_000);
		const acw = answered === null || next() < 0.1 ? null : answered + Math.floor(next() * 600_000);
		const open = next() < 0.08;
		const closed = open ? null : (acw ?? answered ?? created) + Math.floor(next() * 120_000);
		const id = String(1_000_000 + i);
		const transcribed = closed !== null && next() < 0.3;
		if (transcribed) transcribedAt[id] = closed + 30_000;
		rows.push(
			interaction({
				id,
				queueId: 1 + (i % 3),
				queueName: ['Sales', 'Support', 'Billing'][i % 3],
				channel: CHANNELS[i % 4],
				direction: next() < 0.15 ? 'outbound' : 'inbound',
				status: closed === null ? (acw ? 'acw' : answered ? 'active' : 'new') : 'closed',
				agentId: answered === null ? null : 1 + (i % 7),
				agentName: answered === null ? null : `Agent ${i % 7}`,
				dispositionId: closed === null ? null : 1 + (i % 2),
				dispositionCode: closed === null ? null : ['SALE', 'NONE'][i % 2],
				createdAt: iso(created)!,
				answeredAt: iso(answered),
				acwStartedAt: iso(acw),
				closedAt: iso(closed),
				waitSeconds: answered === null ? null : Math.floor((answered - created) / 1000),
				talkSeconds: answered === null || closed === null ? null : 60 + (i % 500),
				acwSeconds: acw === null || closed === null ? null : i % 90,
				hasRecording: answered !== null && closed !== null,
				hasTranscription: transcribed
			})
		);
	}
	return { rows, transcribedAt, dayStartMs: DAY_START };
}

const day = dayOfRows(3000, 7);
const frame = dayFrame(DAY_START, TZ);
const queueIds = [1, 2, 3];
const thresholdsOf = () => ({ ...DEFAULT_THRESHOLDS, serviceLevelSeconds: 30 });

/** Small steps, a step back, and jumps across the day, in one sequence. */
const next = random(11);
const instants: number[] = [];
for (let i = 0, t = DAY_START + 9 * 3_600_000; i < 60; i++) {
	const kind = next();
	t =
		kind < 0.3 ? DAY_START + next() * 86_400_000 : t + (kind < 0.8 ? 1 : -1) * next() * 5 * MINUTE;
	instants.push(Math.round(t));
}

describe('the grid rows at T (SortedAt)', () => {
	const views: Partial<ViewFilters>[] = [
		{ sort: 'created', dir: 'desc' },
		{ sort: 'status', dir: 'asc', channel: 'voice' },
		{ sort: 'duration', dir: 'desc', queueId: 2 },
		{ sort: 'agent', dir: 'asc', status: 'active' }
	];
	for (const view of views) {
		it(`are every row at T filtered and sorted (${JSON.stringify(view)})`, () => {
			const filters = { ...DEFAULT_FILTERS, ...view };
			const matches = (row: Interaction) => matchesFilters(row, filters);
			const timeline = new DayTimeline(day);
			const sorted = new SortedAt();
			// As ReplayPlayer tells it: a version per move, and the ids the last move changed.
			let version = 0;
			let changed: ReadonlySet<string> | null = null;
			const step = {
				get version() {
					return version;
				},
				changedSince: (v: number) => (v === version - 1 ? changed : null)
			};
			const fixed = compareRows(filters.sort, filters.dir, 0);
			for (const t of instants) {
				changed = timeline.moveTo(t);
				version++;
				// Durations order by the clock: a new order at each T; the others keep theirs.
				const order = filters.sort === 'duration' ? compareRows(filters.sort, filters.dir, t) : fixed; // prettier-ignore
				const expected = [...timeline.rows.values()].filter(matches).sort(order);
				const got = sorted.rows(timeline, matches, order, `${filters.sort} ${filters.dir}`, step);
				expect(got.map((row) => row.id)).toEqual(expected.map((row) => row.id));
				expect(got).toEqual(expected);
			}
		});
	}

	it('merges a few sorted rows into many (before, between and after)', () => {
		const order = (a: number, b: number) => a - b;
		expect(mergeSorted([2, 4, 6], [1, 4, 5, 9], order)).toEqual([1, 2, 4, 4, 5, 6, 9]);
		expect(mergeSorted([], [3], order)).toEqual([3]);
	});
});

describe('the day figures at T (FiguresAt)', () => {
	for (const channel of ['', 'chat'] as const) {
		it(`equal aggregateDay over every row at T (channel "${channel}")`, () => {
			const matches = (row: Interaction) => !channel || row.channel === channel;
			const timeline = new DayTimeline(day);
			const figures = new FiguresAt();
			const request = { matches, matchesKey: channel, queueIds, frame, thresholdsOf };
			let compared = 0;
			for (const t of instants) {
				timeline.moveTo(t);
				const rows = [...timeline.rows.values()].filter(matches);
				const expected = aggregateDay(rows, queueIds, frame, thresholdsOf);
				expect(figures.days(timeline, request)).toEqual(expected);
				compared += expected.get(1)!.closedToday;
			}
			// The instants reach far enough into the day for closed rows past several checkpoints.
			expect(compared).toBeGreaterThan(1000);
		});
	}
});

describe('the rows in progress at T', () => {
	it('are the rows at T that are not closed, after jumps and steps alike', () => {
		const timeline = new DayTimeline(day);
		for (const t of instants) {
			timeline.moveTo(t);
			const expected = [...timeline.rows.values()].filter((row) => row.status !== 'closed');
			expect(new Set(timeline.inProgress.values())).toEqual(new Set(expected));
		}
	});
});

describe('the day on the wire (by column)', () => {
	it('decodes to exactly the rows and transcription times it encoded', () => {
		const wire = encodeDay(
			{
				tenant: { id: 1, name: 'Acme', timezone: TZ },
				date: '2026-03-10',
				dayStartMs: DAY_START,
				dayEndMs: DAY_START + 86_400_000,
				loadedAtMs: DAY_START + 86_400_000,
				breaches: []
			},
			[...day.rows, interaction({ id: '9', contentPreview: 'Hi', crmContactId: '42', clientName: null, did: null, queueId: null, queueName: null })], // prettier-ignore
			day.transcribedAt
		);
		const decoded = decodeDay(JSON.parse(JSON.stringify(wire)));
		expect(decoded.rows).toEqual([...day.rows, expect.objectContaining({ id: '9' })]);
		expect(decoded.rows.at(-1)).toEqual(
			interaction({ id: '9', contentPreview: 'Hi', crmContactId: '42', clientName: null, did: null, queueId: null, queueName: null }) // prettier-ignore
		);
		expect(decoded.transcribedAt).toEqual(day.transcribedAt);
		// Repeated text travels once.
		expect(wire.strings.filter((s) => s === 'Support')).toHaveLength(1);
	});
});
