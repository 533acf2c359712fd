import type { Interaction } from '$lib/interaction';
import { hourIndex, type DayFrame } from './day';
import { factsOf } from './facts';
import { levelOf, type Level, type QueueThresholds } from './thresholds';

/**
 * Per-queue figures (the wall's tiles, the summary strip), in two steps: `aggregateDay` walks every row once when rows
 * change; `queueFigures` adds what depends on the clock (longest wait, waits past the service
 * level) from the few rows still waiting, once a second.
 *
 * Definitions (inbound interactions created today, in the tenant's zone):
 * - answered: an agent took it (answered_at set), whatever its status now;
 * - abandoned: closed without an answer;
 * - average wait: mean wait of the answered ones (average speed of answer);
 * - average handle: mean talk + ACW of the closed, answered ones;
 * - service level: answered within the queue's SL seconds, over answered + abandoned + those
 *   still waiting past the SL seconds (they have already missed it);
 * - abandon rate: abandoned over answered + abandoned (those still waiting have not decided).
 */
export interface QueueDay {
	waiting: number;
	active: number;
	acw: number;
	closedToday: number;
	answered: number;
	abandoned: number;
	answeredWithinSl: number;
	waitSumSeconds: number;
	handled: number;
	handleSumSeconds: number;
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
		answered: 0,
		abandoned: 0,
		answeredWithinSl: 0,
		waitSumSeconds: 0,
		handled: 0,
		handleSumSeconds: 0,
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
		if (facts.handleSeconds !== null) {
			day.handled++;
			day.handleSumSeconds += facts.handleSeconds;
		}
		if (!facts.inbound) continue;
		if (facts.answered) {
			day.answered++;
			day.hourlyAnswered[hour]++;
			day.waitSumSeconds += facts.waitSeconds ?? 0;
			if ((facts.waitSeconds ?? 0) <= (slLimits.get(row.queueId ?? 0) ?? 0)) {
				day.answeredWithinSl++;
			}
		} else if (row.status === 'closed') {
			day.abandoned++;
			day.hourlyAbandoned[hour]++;
		}
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
	const offered = day.answered + day.abandoned + missedWhileWaiting;
	const serviceLevelPct = offered === 0 ? null : (100 * day.answeredWithinSl) / offered;
	const decided = day.answered + day.abandoned;
	return {
		longestWaitSeconds,
		avgWaitSeconds: day.answered === 0 ? null : Math.round(day.waitSumSeconds / day.answered),
		avgHandleSeconds: day.handled === 0 ? null : Math.round(day.handleSumSeconds / day.handled),
		serviceLevelPct,
		serviceLevelMet: serviceLevelPct === null ? null : serviceLevelPct >= t.serviceLevelTargetPct,
		abandonRatePct: decided === 0 ? null : (100 * day.abandoned) / decided,
		level: levelOf(longestWaitSeconds, t.waitAmberSeconds, t.waitRedSeconds)
	};
}
