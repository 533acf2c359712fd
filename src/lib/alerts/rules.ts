import * as v from 'valibot';
import { ALERT_LEVELS, ALERT_METRICS, type AlertLevel, type AlertMetric } from '$lib/alerts';
import { formatSeconds } from '$lib/live/durations';

/**
 * Alert rules as an admin writes them (issue 23): what a rule watches, when it fires and when it
 * clears. Browser-safe, so the admin form and the server validate with the same schema.
 */

export const ALERT_CHANNELS = ['screens', 'walls', 'webhook', 'email'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

export type MetricUnit = 'seconds' | 'count' | 'percent';

export interface MetricInfo {
	label: string;
	unit: MetricUnit;
	/** 'above': fires when the value goes over the threshold; 'below': under it (service level). */
	direction: 'above' | 'below';
	/** One interaction per alert (its id is the alert's subject), not the queue as a whole. */
	perInteraction: boolean;
	min: number;
	max: number;
}

export const METRICS: Readonly<Record<AlertMetric, MetricInfo>> = {
	'longest-wait': { label: 'Longest wait now', unit: 'seconds', direction: 'above', perInteraction: false, min: 1, max: 86_400 }, // prettier-ignore
	'waiting-count': { label: 'Contacts waiting', unit: 'count', direction: 'above', perInteraction: false, min: 0, max: 100_000 }, // prettier-ignore
	'interaction-wait': { label: 'One contact waiting longer than', unit: 'seconds', direction: 'above', perInteraction: true, min: 1, max: 86_400 }, // prettier-ignore
	'interaction-acw': { label: 'One interaction in ACW longer than', unit: 'seconds', direction: 'above', perInteraction: true, min: 1, max: 86_400 }, // prettier-ignore
	'service-level': { label: "Today's service level below", unit: 'percent', direction: 'below', perInteraction: false, min: 1, max: 100 }, // prettier-ignore
	'abandon-rate': { label: "Today's abandon rate above", unit: 'percent', direction: 'above', perInteraction: false, min: 0, max: 99 } // prettier-ignore
};

/** The longest a rule may wait before it fires or clears: an hour. */
export const MAX_DURATION_SECONDS = 3_600;

export interface AlertRuleInput {
	/** null: every queue of the tenant. */
	queueId: number | null;
	metric: AlertMetric;
	level: AlertLevel;
	/** Fires past this mark (above it, or below it for service level)… */
	threshold: number;
	/** …once the value has stayed past it this long (no alert for a two-second spike). */
	minDurationSeconds: number;
	/** Clears back at this mark (at or under it; at or over it for service level)… */
	clearThreshold: number;
	/** …once the value has stayed there this long (hysteresis: no flapping). */
	clearDurationSeconds: number;
	channels: AlertChannel[];
	enabled: boolean;
}

export interface AlertRule extends AlertRuleInput {
	id: number;
	tenantId: number;
}

export type RuleField = keyof AlertRuleInput;
export type RuleResult =
	{ ok: true; value: AlertRuleInput } | { ok: false; errors: Partial<Record<RuleField, string>> };

const duration = v.pipe(
	v.number('Enter a number of seconds'),
	v.integer('Whole seconds only'),
	v.minValue(0, 'Cannot be negative'),
	v.maxValue(MAX_DURATION_SECONDS, `At most ${MAX_DURATION_SECONDS} s`)
);

const BaseSchema = v.strictObject({
	queueId: v.nullable(
		v.pipe(v.number('Choose a queue'), v.integer('Choose a queue'), v.minValue(1, 'Choose a queue'))
	),
	metric: v.picklist(ALERT_METRICS, 'Choose a metric from the list'),
	level: v.picklist(ALERT_LEVELS, 'Choose warning or critical'),
	threshold: v.number('Enter a number'),
	minDurationSeconds: duration,
	clearThreshold: v.number('Enter a number'),
	clearDurationSeconds: duration,
	channels: v.array(v.picklist(ALERT_CHANNELS, 'Unknown channel')),
	enabled: v.boolean()
});

/** A number typed into a form: '' and anything not numeric are NaN, which the schema refuses. */
function numberOf(raw: unknown): number {
	if (typeof raw === 'number') return raw;
	if (typeof raw !== 'string' || raw.trim() === '') return NaN;
	return Number(raw.trim());
}

/** The value of one form field (the last when repeated). */
const one = (raw: unknown): unknown => (Array.isArray(raw) ? raw.at(-1) : raw);

/**
 * Validates a rule typed into the admin form (strings; `channels` repeated) or sent as JSON.
 * One message per field: a negative, NaN, unknown-metric or out-of-range value is named.
 */
export function parseRule(input: Record<string, unknown>): RuleResult {
	const queue = one(input.queueId);
	const channels = input.channels ?? [];
	const enabled = one(input.enabled);
	const candidate = {
		queueId: queue === '' || queue === 'all' || queue === null || queue === undefined ? null : numberOf(queue), // prettier-ignore
		metric: one(input.metric),
		level: one(input.level),
		threshold: numberOf(one(input.threshold)),
		minDurationSeconds: numberOf(one(input.minDurationSeconds)),
		clearThreshold: numberOf(one(input.clearThreshold)),
		clearDurationSeconds: numberOf(one(input.clearDurationSeconds)),
		channels: Array.isArray(channels) ? channels : [channels],
		enabled: enabled === true || enabled === 'on' || enabled === 'true'
	};
	const parsed = v.safeParse(BaseSchema, candidate, { abortPipeEarly: true });
	const errors: Partial<Record<RuleField, string>> = {};
	if (!parsed.success) {
		for (const issue of parsed.issues) {
			const key = issue.path?.[0]?.key as RuleField | undefined;
			if (key && !errors[key]) errors[key] = issue.message;
		}
	}
	const metric = parsed.success ? parsed.output.metric : undefined;
	if (metric) checkMarks(metric, candidate.threshold, candidate.clearThreshold, errors);
	else if (!errors.metric) errors.metric = 'Choose a metric from the list';
	if (parsed.success && Object.keys(errors).length === 0) {
		return {
			ok: true,
			value: { ...parsed.output, channels: [...new Set(parsed.output.channels)] }
		};
	}
	return { ok: false, errors };
}

/** The threshold within the metric's range, and the clear mark on the safe side of it. */
function checkMarks(
	metric: AlertMetric,
	threshold: number,
	clear: number,
	errors: Partial<Record<RuleField, string>>
): void {
	const info = METRICS[metric];
	const whole = info.unit !== 'percent';
	const inRange = (value: number) =>
		Number.isFinite(value) && value >= info.min && value <= info.max && (!whole || Number.isInteger(value)); // prettier-ignore
	const range = `${info.min}–${info.max}${info.unit === 'percent' ? ' %' : info.unit === 'seconds' ? ' s' : ''}`;
	if (!errors.threshold && !inRange(threshold)) {
		errors.threshold = `${whole ? 'A whole number' : 'A number'} from ${range}`;
	}
	if (errors.clearThreshold || errors.threshold) return;
	const clearMin = info.direction === 'above' ? 0 : threshold;
	const clearMax = info.direction === 'above' ? threshold : 100;
	if (!Number.isFinite(clear) || (whole && !Number.isInteger(clear))) {
		errors.clearThreshold = whole ? 'A whole number' : 'A number';
	} else if (clear < clearMin || clear > clearMax) {
		errors.clearThreshold =
			info.direction === 'above'
				? `Clears at or under the threshold: 0–${threshold}`
				: `Clears at or over the threshold: ${threshold}–100`;
	}
}

const PHRASES: Readonly<Record<AlertMetric, string>> = {
	'longest-wait': 'longest wait',
	'waiting-count': 'waiting',
	'interaction-wait': 'a contact waiting',
	'interaction-acw': 'an interaction in ACW',
	'service-level': 'service level today',
	'abandon-rate': 'abandon rate today'
};

/** A value in its metric's unit, as a supervisor reads it: 3:12, 7, 64.3 %. */
export function formatMetricValue(metric: AlertMetric, value: number): string {
	const unit = METRICS[metric].unit;
	if (unit === 'seconds') return formatSeconds(Math.round(value));
	if (unit === 'percent') return `${Math.round(value * 10) / 10} %`;
	return String(Math.round(value));
}

/** The sentence of an alert: "Sales: longest wait 3:12 (over 2:00)". */
export function alertSummary(
	queueName: string,
	metric: AlertMetric,
	value: number,
	threshold: number
): string {
	const side = METRICS[metric].direction === 'above' ? 'over' : 'under';
	const shown = (n: number) => formatMetricValue(metric, n);
	return `${queueName}: ${PHRASES[metric]} ${shown(value)} (${side} ${shown(threshold)})`;
}
