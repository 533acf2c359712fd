import { describe, expect, it } from 'vitest';
import { rowAt, statusAt } from '$lib/replay/state-at';
import { DayTimeline } from '$lib/replay/timeline';
import { interaction } from './fixtures';

const DAY_START = Date.parse('2026-03-10T05:00:00Z'); // midnight in America/Chicago (CDT)
const at = (iso: string) => Date.parse(iso);

/** Answered at 10:01, ACW at 10:05, closed at 10:07, disposition SALE, transcribed at 10:09. */
const closedCall = interaction({
	id: '7',
	status: 'closed',
	createdAt: '2026-03-10T10:00:00.000Z',
	answeredAt: '2026-03-10T10:01:00.000Z',
	acwStartedAt: '2026-03-10T10:05:00.000Z',
	closedAt: '2026-03-10T10:07:00.000Z',
	agentId: 4,
	agentName: 'Ada',
	dispositionId: 2,
	dispositionCode: 'SALE',
	waitSeconds: 60,
	talkSeconds: 240,
	acwSeconds: 120,
	hasRecording: true,
	hasTranscription: true
});
const TRANSCRIBED = { '7': at('2026-03-10T10:09:00Z') };

describe('the state of a row at T, from its lifecycle times', () => {
	it('is absent before it was created', () => {
		expect(rowAt(closedCall, at('2026-03-10T09:59:59.999Z'), DAY_START)).toBeNull();
	});

	it('is New from created_at, without the agent the PBX writes only on answering', () => {
		const row = rowAt(closedCall, at('2026-03-10T10:00:00Z'), DAY_START);
		expect(row).toMatchObject({ status: 'new', agentId: null, agentName: null, answeredAt: null });
		expect(row).toMatchObject({ closedAt: null, waitSeconds: null, hasRecording: false });
	});

	it('is Active from answered_at, with its agent and the times so far only', () => {
		const row = rowAt(closedCall, at('2026-03-10T10:03:00Z'), DAY_START);
		expect(row).toMatchObject({ status: 'active', agentId: 4, agentName: 'Ada' });
		expect(row).toMatchObject({ answeredAt: closedCall.answeredAt, acwStartedAt: null });
		expect(row?.talkSeconds).toBeNull();
	});

	it('is ACW from acw_started_at, with no disposition until it closes (its moment is not kept)', () => {
		const row = rowAt(closedCall, at('2026-03-10T10:06:59Z'), DAY_START);
		expect(row).toMatchObject({ status: 'acw', acwStartedAt: closedCall.acwStartedAt });
		expect(row).toMatchObject({ dispositionId: null, dispositionCode: null });
	});

	it('is the closed row itself from closed_at, transcription shown once it was written', () => {
		const closed = rowAt(closedCall, at('2026-03-10T10:07:00Z'), DAY_START, TRANSCRIBED['7']);
		expect(closed).toMatchObject({ status: 'closed', dispositionCode: 'SALE', talkSeconds: 240 });
		expect(closed?.hasTranscription).toBe(false);
		const later = rowAt(closedCall, at('2026-03-10T10:09:00Z'), DAY_START, TRANSCRIBED['7']);
		expect(later).toBe(closedCall);
	});

	it('keeps the queue it ended in: a move during the call is not in the PBX tables', () => {
		const moved = { ...closedCall, queueId: 9, queueName: 'Billing' };
		expect(rowAt(moved, at('2026-03-10T10:00:30Z'), DAY_START)?.queueName).toBe('Billing');
	});

	it('an abandoned contact is New until it closed, then closed without an agent', () => {
		const abandoned = interaction({
			id: '8',
			status: 'closed',
			createdAt: '2026-03-10T10:00:00.000Z',
			closedAt: '2026-03-10T10:02:00.000Z',
			waitSeconds: 120
		});
		expect(statusAt(abandoned, at('2026-03-10T10:01:59Z'))).toBe('new');
		expect(statusAt(abandoned, at('2026-03-10T10:02:00Z'))).toBe('closed');
	});

	it('a row created before the day is in progress across midnight, then gone once closed', () => {
		const night = interaction({
			id: '9',
			status: 'closed',
			createdAt: '2026-03-10T04:58:00.000Z',
			answeredAt: '2026-03-10T04:59:00.000Z',
			closedAt: '2026-03-10T05:03:00.000Z'
		});
		expect(rowAt(night, at('2026-03-10T05:01:00Z'), DAY_START)?.status).toBe('active');
		expect(rowAt(night, at('2026-03-10T05:03:00Z'), DAY_START)).toBeNull();
	});

	it('a row still in progress now is derived by its times, not by its status now', () => {
		const running = interaction({
			id: '10',
			status: 'acw',
			createdAt: '2026-03-10T10:00:00.000Z',
			answeredAt: '2026-03-10T10:00:10.000Z',
			acwStartedAt: '2026-03-10T10:10:00.000Z',
			agentId: 3
		});
		expect(rowAt(running, at('2026-03-10T10:05:00Z'), DAY_START)?.status).toBe('active');
	});
});

describe('a day timeline moved from instant to instant', () => {
	const rows = Array.from({ length: 200 }, (_, i) => {
		const created = DAY_START + i * 60_000;
		return interaction({
			id: String(i),
			status: i % 5 === 0 ? 'new' : 'closed',
			createdAt: new Date(created).toISOString(),
			answeredAt: i % 7 === 0 ? null : new Date(created + 20_000).toISOString(),
			acwStartedAt: i % 7 === 0 ? null : new Date(created + 200_000).toISOString(),
			closedAt: i % 5 === 0 ? null : new Date(created + 400_000).toISOString()
		});
	});
	const fresh = (atMs: number) => {
		const timeline = new DayTimeline({ rows, transcribedAt: {}, dayStartMs: DAY_START });
		timeline.moveTo(atMs);
		return timeline.rows;
	};

	it('holds after any sequence of steps exactly what rowAt gives at the last instant', () => {
		const timeline = new DayTimeline({ rows, transcribedAt: {}, dayStartMs: DAY_START });
		const steps = [90, 91, 93, 60, 150, 149.5, 10, 230, 0, 120].map((m) => DAY_START + m * 60_000);
		for (const step of steps) {
			timeline.moveTo(step);
			const expected = fresh(step);
			expect([...timeline.rows.keys()].sort()).toEqual([...expected.keys()].sort());
			for (const [id, row] of timeline.rows) expect(row).toEqual(expected.get(id));
		}
	});

	it('reports only the rows whose state changed, and keeps the others as the same objects', () => {
		const timeline = new DayTimeline({ rows, transcribedAt: {}, dayStartMs: DAY_START });
		timeline.moveTo(DAY_START + 100 * 60_000);
		const before = new Map(timeline.rows);
		const changed = timeline.moveTo(DAY_START + 101 * 60_000);
		expect(changed?.size).toBeGreaterThan(0);
		expect(changed?.size).toBeLessThan(6);
		for (const [id, row] of timeline.rows) {
			if (!changed?.has(id)) expect(row).toBe(before.get(id));
		}
	});
});
