import type { Interaction } from '$lib/interaction';
import { hourIndex, type DayFrame } from './day';
import { factsOf } from './facts';
import { addRow, emptySums, mean, percentOf, type FigureSums } from './measures';
import { levelOf, type Level, type QueueThresholds } from './thresholds';

/**
 * Per-queue figures (the wall's tiles, the summary strip), in two steps: `aggregateDay` walks
 * every row once when rows change; `queueFigures` adds what depends on the clock (longest wait, waits past the service
 * level) from the few rows still waiting, once a second.
 *
 * The rows are the inbound and outbound interactions created today in the tenant's zone; every
 * figure follows the one definition in measures.ts (the range figures' SQL follows it too). The
 * live service level also counts as offered those still waiting past the goal: they have
 * already missed it.
 */
export interface QueueDay extends FigureSums {
	waiting: number;
	active: number;
	acw: number;
	closedToday: number;
	hourlyAnswered: number[];
	hourlyAbandoned: number[];
	/** Creation times of inbound rows waiting now, oldest first. */
	waitingSince: number[];
}

export function emptyQueueDay(hours: number): QueueDay {
	return {
		waiting: 0,
		active: 0,
		acw: 0,
		closedToday: 0,
		...emptySums(),
		hourlyAnswered: new Array<number>(hours).fill(0),
		hourlyAbandoned: new Array<number>(hours).fill(0),
		waitingSince: []
	};
}

/** One pass over the rows; rows of queues not in `queueIds` are ignored. */
export function aggregateDay(
	rows: Iterable<Interaction>,
	queueIds: readonly number[],
	frame: DayFrame,
	thresholdsOf: (queueId: number) => QueueThresholds
): Map<number, QueueDay> {
	const days = new Map<number, QueueDay>();
	const slLimits = new Map<number, number>();
	for (const id of queueIds) {
		days.set(id, emptyQueueDay(frame.hourLabels.length));
		slLimits.set(id, thresholdsOf(id).serviceLevelSeconds);
	}
	for (const row of rows) {
		const day = row.queueId === null ? undefined : days.get(row.queueId);
		if (!day) continue;
		const facts = factsOf(row);
		if (row.status === 'new') {
			day.waiting++;
			if (facts.inbound) day.waitingSince.push(facts.createdMs);
			continue;
		}
		if (row.status === 'active') day.active++;
		else if (row.status === 'acw') day.acw++;
		const hour = hourIndex(facts.createdMs, frame);
		if (hour < 0) continue;
		if (row.status === 'closed') day.closedToday++;
		// The hourly chart counts what the definitions count, in the hour the row was created.
		const { answered, abandoned } = day;
		addRow(day, facts, slLimits.get(row.queueId ?? 0) ?? 0);
		if (day.answered > answered) day.hourlyAnswered[hour]++;
		if (day.abandoned > abandoned) day.hourlyAbandoned[hour]++;
	}
	for (const day of days.values()) day.waitingSince.sort((a, b) => a - b);
	return days;
}

export interface QueueFigures {
	longestWaitSeconds: number | null;
	avgWaitSeconds: number | null;
	avgHandleSeconds: number | null;
	serviceLevelPct: number | null;
	serviceLevelMet: boolean | null;
	abandonRatePct: number | null;
	/** The tile's colour: its longest current wait against the wait thresholds. */
	level: Level;
}

export function queueFigures(day: QueueDay, nowMs: number, t: QueueThresholds): QueueFigures {
	const oldest = day.waitingSince[0];
	const longestWaitSeconds =
		oldest === undefined ? null : Math.max(0, Math.floor((nowMs - oldest) / 1000));
	// waitingSince is sorted: those past the SL are a prefix of it.
	const slDeadline = nowMs - t.serviceLevelSeconds * 1000;
	let missedWhileWaiting = 0;
	while (
		missedWhileWaiting < day.waitingSince.length &&
		day.waitingSince[missedWhileWaiting] < slDeadline
	) {
		missedWhileWaiting++;
	}
	const serviceLevelPct = percentOf(day.answeredWithinGoal, day.offered + missedWhileWaiting);
	const avgWait = mean(day.waitSumSeconds, day.answered);
	const avgHandle = mean(day.talkSumSeconds + day.acwSumSeconds, day.handled);
	return {
		longestWaitSeconds,
		avgWaitSeconds: avgWait === null ? null : Math.round(avgWait),
		avgHandleSeconds: avgHandle === null ? null : Math.round(avgHandle),
		serviceLevelPct,
		serviceLevelMet: serviceLevelPct === null ? null : serviceLevelPct >= t.serviceLevelTargetPct,
		abandonRatePct: percentOf(day.abandoned, day.offered),
		level: levelOf(longestWaitSeconds, t.waitAmberSeconds, t.waitRedSeconds)
	};
}
