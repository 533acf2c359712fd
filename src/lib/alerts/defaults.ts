import type { QueueThresholds } from '$lib/queues/thresholds';
import type { AlertRuleInput } from './rules';

/**
 * The rules `/admin/thresholds` already implies, offered as a tenant's default rules: the wait
 * that turns a tile amber and red, ACW past red, and the service-level goal. Each clears with
 * some room below its mark (hysteresis), after a while.
 */
export function rulesFromThresholds(queueId: number, t: QueueThresholds): AlertRuleInput[] {
	const base = { queueId, channels: ['screens', 'walls'] as AlertRuleInput['channels'], enabled: true }; // prettier-ignore
	return [
		{
			...base,
			metric: 'longest-wait',
			level: 'warning',
			threshold: t.waitAmberSeconds,
			minDurationSeconds: 10,
			clearThreshold: Math.floor(t.waitAmberSeconds * 0.75),
			clearDurationSeconds: 30
		},
		{
			...base,
			metric: 'longest-wait',
			level: 'critical',
			threshold: t.waitRedSeconds,
			minDurationSeconds: 10,
			clearThreshold: t.waitAmberSeconds,
			clearDurationSeconds: 30
		},
		{
			...base,
			metric: 'interaction-acw',
			level: 'warning',
			threshold: t.acwRedSeconds,
			minDurationSeconds: 0,
			clearThreshold: t.acwRedSeconds,
			clearDurationSeconds: 0
		},
		{
			...base,
			metric: 'service-level',
			level: 'critical',
			threshold: t.serviceLevelTargetPct,
			minDurationSeconds: 60,
			clearThreshold: Math.min(100, t.serviceLevelTargetPct + 5),
			clearDurationSeconds: 60
		}
	];
}

/** Whether a tenant already has a rule like this one (same queue, metric and level). */
export function sameKind(a: Pick<AlertRuleInput, 'queueId' | 'metric' | 'level'>, b: typeof a) {
	return a.queueId === b.queueId && a.metric === b.metric && a.level === b.level;
}
