import type { Interaction } from '$lib/interaction';
import { hourIndex, type DayFrame } from './day';
import { factsOf } from './facts';
import { lowerBound } from '$lib/sorted';
import { addRow, emptySums, mean, percentOf, SUM_FIELDS, type FigureSums } from './measures';
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
		countRow(day, row, frame, slLimits.get(row.queueId ?? 0) ?? 0, 1);
	}
	return days;
}

/** One row's sums, taken away by countRow: reused, not an object per row. */
const taken = emptySums();

/**
 * One row counted into its queue's day (`sign` 1), or taken out of it (-1): the one definition
 * aggregateDay sums every row by. The live tally (DayTally) follows each change with it in
 * place, making no day, map or array per change (200 changes/s were 1,000 objects a second
 * for the collector, issue 26). waitingSince stays sorted.
 */
export function countRow(
	day: QueueDay,
	row: Interaction,
	frame: DayFrame,
	goalSeconds: number,
	sign: 1 | -1
): void {
	const facts = factsOf(row);
	if (row.status === 'new') {
		day.waiting += sign;
		if (facts.inbound) {
			const waiting = day.waitingSince;
			const since = facts.createdMs;
			if (sign === 1 && (waiting.length === 0 || waiting[waiting.length - 1] <= since)) {
				waiting.push(since);
			} else {
				const at = lowerBound(waiting, since);
				if (sign === 1) waiting.splice(at, 0, since);
				else if (waiting[at] === since) waiting.splice(at, 1);
			}
		}
		return;
	}
	if (row.status === 'active') day.active += sign;
	else if (row.status === 'acw') day.acw += sign;
	const hour = hourIndex(facts.createdMs, frame);
	if (hour < 0) return;
	if (row.status === 'closed') day.closedToday += sign;
	// The hourly chart counts what the definitions count, in the hour the row was created.
	if (sign === 1) {
		const { answered, abandoned } = day;
		addRow(day, facts, goalSeconds);
		if (day.answered > answered) day.hourlyAnswered[hour]++;
		if (day.abandoned > abandoned) day.hourlyAbandoned[hour]++;
		return;
	}
	for (const field of SUM_FIELDS) taken[field] = 0;
	addRow(taken, facts, goalSeconds);
	for (const field of SUM_FIELDS) day[field] -= taken[field];
	if (taken.answered > 0) day.hourlyAnswered[hour]--;
	if (taken.abandoned > 0) day.hourlyAbandoned[hour]--;
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
	// waitingSince is sorted: those past the SL are a prefix of it, found by binary search (the
	// strip re-derives at every frame of a busy tenant, not only at the clock's tick).
	const missedWhileWaiting = lowerBound(day.waitingSince, nowMs - t.serviceLevelSeconds * 1000);
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
