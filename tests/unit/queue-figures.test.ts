import { describe, expect, it } from 'vitest';
import type { Interaction } from '$lib/interaction';
import { startOfZonedDay } from '$lib/time/zone';
import { dayFrame } from '$lib/queues/day';
import { aggregateDay, queueFigures } from '$lib/queues/figures';
import { DEFAULT_THRESHOLDS } from '$lib/queues/thresholds';
import { interaction } from './fixtures';

const TZ = 'America/Chicago';
// 2026-03-10 10:00 in Chicago (CDT, UTC-5).
const NOW = Date.parse('2026-03-10T15:00:00Z');
const frame = dayFrame(startOfZonedDay(NOW, TZ), TZ);
const iso = (secondsBeforeNow: number) => new Date(NOW - secondsBeforeNow * 1000).toISOString();
let nextId = 1;
const row = (overrides: Partial<Interaction>) =>
	interaction({ id: String(nextId++), queueId: 1, ...overrides });

const answeredClosed = (waitSeconds: number, createdAgo = 3600) =>
	row({
		status: 'closed',
		createdAt: iso(createdAgo),
		answeredAt: iso(createdAgo - waitSeconds),
		acwStartedAt: iso(createdAgo - waitSeconds - 100),
		closedAt: iso(createdAgo - waitSeconds - 130),
		agentId: 7,
		waitSeconds,
		talkSeconds: 100,
		acwSeconds: 30
	});
const abandoned = (createdAgo = 3600) =>
	row({
		status: 'closed',
		createdAt: iso(createdAgo),
		closedAt: iso(createdAgo - 40),
		waitSeconds: 40,
		talkSeconds: 0,
		acwSeconds: 0
	});
const waiting = (secondsAgo: number) => row({ status: 'new', createdAt: iso(secondsAgo) });

const thresholds = () => DEFAULT_THRESHOLDS;

describe('aggregateDay', () => {
	it('counts statuses now and what closed today, per queue', () => {
		const rows = [
			waiting(5),
			waiting(70),
			row({ status: 'active', createdAt: iso(300), answeredAt: iso(290), agentId: 1 }),
			row({ status: 'acw', createdAt: iso(300), answeredAt: iso(295), acwStartedAt: iso(10) }),
			answeredClosed(10),
			abandoned(),
			row({ queueId: 2, status: 'new', createdAt: iso(1) })
		];
		const day = aggregateDay(rows, [1, 2], frame, thresholds).get(1)!;
		expect([day.waiting, day.active, day.acw, day.closedToday]).toEqual([2, 1, 1, 2]);
		expect(aggregateDay(rows, [1, 2], frame, thresholds).get(2)!.waiting).toBe(1);
	});

	it('leaves out rows of queues not on the board and closed rows of another day', () => {
		const yesterday = answeredClosed(10, 11 * 3600);
		const days = aggregateDay([yesterday, row({ queueId: 9 })], [1], frame, thresholds);
		expect(days.get(1)!.closedToday).toBe(0);
		expect(days.has(9)).toBe(false);
	});

	it('still counts a call in progress that started before midnight, but not in today’s chart', () => {
		const lateCall = row({
			status: 'active',
			createdAt: iso(11 * 3600),
			answeredAt: iso(11 * 3600 - 5)
		});
		const day = aggregateDay([lateCall], [1], frame, thresholds).get(1)!;
		expect(day.active).toBe(1);
		expect(day.answered).toBe(0);
		expect(day.hourlyAnswered.reduce((a, b) => a + b)).toBe(0);
	});

	it('puts answered and abandoned in the hour they were created, in the tenant zone', () => {
		// Created 09:30 local: bucket 9.
		const day = aggregateDay([answeredClosed(10, 1800), abandoned(1800)], [1], frame, thresholds);
		expect(day.get(1)!.hourlyAnswered[9]).toBe(1);
		expect(day.get(1)!.hourlyAbandoned[9]).toBe(1);
	});

	it('keeps outbound interactions out of waits, abandons and service level', () => {
		const outbound = row({ ...abandoned(), direction: 'outbound' });
		const day = aggregateDay([outbound], [1], frame, thresholds).get(1)!;
		expect(day.closedToday).toBe(1);
		expect(day.abandoned).toBe(0);
	});
});

describe('queueFigures', () => {
	it('averages wait over answered and handle time over closed answered contacts', () => {
		const rows = [
			answeredClosed(10),
			answeredClosed(30),
			row({ status: 'active', createdAt: iso(100), answeredAt: iso(50), agentId: 1 })
		];
		const day = aggregateDay(rows, [1], frame, thresholds).get(1)!;
		const figures = queueFigures(day, NOW, DEFAULT_THRESHOLDS);
		expect(figures.avgWaitSeconds).toBe(30); // (10 + 30 + 50) / 3
		expect(figures.avgHandleSeconds).toBe(130); // talk 100 + ACW 30
	});

	it('counts a contact still waiting past the service level as already missed', () => {
		const rows = [answeredClosed(10), answeredClosed(30), abandoned(), waiting(25), waiting(5)];
		const day = aggregateDay(rows, [1], frame, thresholds).get(1)!;
		const figures = queueFigures(day, NOW, DEFAULT_THRESHOLDS);
		// Within 20 s: 1 of answered 2 + abandoned 1 + waiting past 20 s 1.
		expect(figures.serviceLevelPct).toBe(25);
		expect(figures.serviceLevelMet).toBe(false);
	});

	it('rates abandons over the answered and abandoned, not over those still waiting', () => {
		const rows = [answeredClosed(10), answeredClosed(30), abandoned(), waiting(25), waiting(5)];
		const day = aggregateDay(rows, [1], frame, thresholds).get(1)!;
		// 1 abandoned of 3 decided; the two still waiting count for neither side.
		expect(queueFigures(day, NOW, DEFAULT_THRESHOLDS).abandonRatePct).toBeCloseTo(100 / 3);
	});

	it('colours the tile by its longest current wait, as the clock moves', () => {
		const day = aggregateDay([waiting(50), waiting(10)], [1], frame, thresholds).get(1)!;
		expect(queueFigures(day, NOW, DEFAULT_THRESHOLDS)).toMatchObject({
			longestWaitSeconds: 50,
			level: 'ok'
		});
		expect(queueFigures(day, NOW + 11_000, DEFAULT_THRESHOLDS).level).toBe('amber');
		expect(queueFigures(day, NOW + 71_000, DEFAULT_THRESHOLDS).level).toBe('red');
	});

	it('shows nothing rather than zero when there is nothing to average', () => {
		const day = aggregateDay([], [1], frame, thresholds).get(1)!;
		expect(queueFigures(day, NOW, DEFAULT_THRESHOLDS)).toEqual({
			longestWaitSeconds: null,
			avgWaitSeconds: null,
			avgHandleSeconds: null,
			serviceLevelPct: null,
			serviceLevelMet: null,
			abandonRatePct: null,
			level: 'ok'
		});
	});
});
