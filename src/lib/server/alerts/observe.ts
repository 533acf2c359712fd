import type { Interaction } from '$lib/interaction';
import { dayFrame, type DayFrame } from '$lib/queues/day';
import { factsOf } from '$lib/queues/facts';
import { aggregateDay, queueFigures, type QueueDay } from '$lib/queues/figures';
import { DEFAULT_THRESHOLDS, type QueueThresholds } from '$lib/queues/thresholds';
import type { AlertMetric } from '$lib/alerts';
import type { AlertRule } from '$lib/alerts/rules';
import type { Observation } from './engine';

/**
 * What each rule of a tenant measures now, from the live rows, through the one definition of
 * each figure ($lib/queues/figures.ts: the wall's tiles and the summary strip use the same).
 * Pure: the rows, the day and the clock are passed in.
 */

export interface TenantInput {
	tenantId: number;
	timeZone: string;
	/** Local midnight of the tenant's today (the live state's own). */
	todayStartMs: number;
	/** Every queue of the tenant: a rule for all queues watches each of them. */
	queueIds: readonly number[];
	rows: readonly Interaction[];
	thresholds: ReadonlyMap<number, QueueThresholds>;
}

const frames = new Map<string, DayFrame>();

/** The day frame of a tenant's today, computed once per day and zone. */
function frameOf(startMs: number, timeZone: string): DayFrame {
	const key = `${startMs}:${timeZone}`;
	let frame = frames.get(key);
	if (!frame) {
		if (frames.size > 1_000) frames.clear();
		frame = dayFrame(startMs, timeZone);
		frames.set(key, frame);
	}
	return frame;
}

/** The queues a rule watches: its own, or every queue of its tenant. */
export function queuesOf(rule: AlertRule, tenantQueues: readonly number[]): readonly number[] {
	return rule.queueId === null ? tenantQueues : [rule.queueId];
}

export function observeTenant(
	input: TenantInput,
	rules: readonly AlertRule[],
	now: number
): Observation[] {
	const watched = new Set<number>();
	for (const rule of rules) for (const id of queuesOf(rule, input.queueIds)) watched.add(id);
	const thresholdsOf = (queueId: number) => input.thresholds.get(queueId) ?? DEFAULT_THRESHOLDS;
	const frame = frameOf(input.todayStartMs, input.timeZone);
	const days = aggregateDay(input.rows, [...watched], frame, thresholdsOf);
	const observations: Observation[] = [];
	// Rows waiting or in ACW by queue, built once: a per-interaction rule reads only its queue's.
	const inStatus = new Map<string, Interaction[]>();
	for (const row of input.rows) {
		if (row.status !== 'new' && row.status !== 'acw') continue;
		const key = `${row.status}:${row.queueId}`;
		const list = inStatus.get(key);
		if (list) list.push(row);
		else inStatus.set(key, [row]);
	}
	for (const rule of rules) {
		for (const queueId of queuesOf(rule, input.queueIds)) {
			const day = days.get(queueId);
			if (!day) continue;
			if (rule.metric === 'interaction-wait' || rule.metric === 'interaction-acw') {
				const status = rule.metric === 'interaction-wait' ? 'new' : 'acw';
				for (const row of inStatus.get(`${status}:${queueId}`) ?? []) {
					const seconds = Math.max(0, Math.floor((now - factsOf(row).sinceMs) / 1000));
					observations.push({ ruleId: rule.id, queueId, subject: row.id, value: seconds });
				}
				continue;
			}
			const value = queueValue(rule.metric, day, now, thresholdsOf(queueId));
			observations.push({ ruleId: rule.id, queueId, subject: '', value });
		}
	}
	return observations;
}

/** A queue-wide metric's value now. */
export function queueValue(
	metric: AlertMetric,
	day: QueueDay,
	now: number,
	thresholds: QueueThresholds
): number | null {
	if (metric === 'waiting-count') return day.waiting;
	const figures = queueFigures(day, now, thresholds);
	if (metric === 'longest-wait') return figures.longestWaitSeconds ?? 0;
	if (metric === 'service-level') return figures.serviceLevelPct;
	if (metric === 'abandon-rate') return figures.abandonRatePct;
	return null;
}
