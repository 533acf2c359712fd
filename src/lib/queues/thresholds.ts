import * as v from 'valibot';
import type { Interaction } from '$lib/interaction';

/**
 * Per-queue thresholds that colour the wall: how long a contact may wait, talk or sit in
 * after-contact work before its row (and its queue's tile) turns amber, then red, and the
 * service-level goal ("80% answered within 20 s").
 */
export interface QueueThresholds {
	waitAmberSeconds: number;
	waitRedSeconds: number;
	talkAmberSeconds: number;
	talkRedSeconds: number;
	acwAmberSeconds: number;
	acwRedSeconds: number;
	serviceLevelSeconds: number;
	serviceLevelTargetPct: number;
}

/** Used for every queue an admin has not tuned: common contact-center starting points. */
export const DEFAULT_THRESHOLDS: Readonly<QueueThresholds> = Object.freeze({
	waitAmberSeconds: 60,
	waitRedSeconds: 120,
	talkAmberSeconds: 600,
	talkRedSeconds: 900,
	acwAmberSeconds: 60,
	acwRedSeconds: 120,
	serviceLevelSeconds: 20,
	serviceLevelTargetPct: 80
});

export const THRESHOLD_FIELDS = Object.keys(DEFAULT_THRESHOLDS) as (keyof QueueThresholds)[];

export type Level = 'ok' | 'amber' | 'red';

/** A lookup of each queue's thresholds; queues not listed get the defaults. */
export function thresholdsLookup(
	queues: readonly { id: number; thresholds: QueueThresholds }[]
): (queueId: number | null) => QueueThresholds {
	const byQueue = new Map(queues.map((q) => [q.id, q.thresholds]));
	return (queueId) => (queueId === null ? undefined : byQueue.get(queueId)) ?? DEFAULT_THRESHOLDS;
}

/** Strictly over the threshold changes colour: "wait > 60 s amber, > 120 s red". */
export function levelOf(seconds: number | null, amber: number, red: number): Level {
	if (seconds === null) return 'ok';
	if (seconds > red) return 'red';
	if (seconds > amber) return 'amber';
	return 'ok';
}

/** The level of an in-progress row from the time it has spent in its current status. */
export function rowLevel(
	status: Interaction['status'],
	secondsInStatus: number,
	t: QueueThresholds
): Level {
	const limits = statusLimits(status, t);
	return limits ? levelOf(secondsInStatus, ...limits) : 'ok';
}

/** A status's amber and red limits in seconds (wait, talk or ACW); null for a closed row. */
export function statusLimits(
	status: Interaction['status'],
	t: QueueThresholds
): [amber: number, red: number] | null {
	if (status === 'new') return [t.waitAmberSeconds, t.waitRedSeconds];
	if (status === 'active') return [t.talkAmberSeconds, t.talkRedSeconds];
	if (status === 'acw') return [t.acwAmberSeconds, t.acwRedSeconds];
	return null;
}

const seconds = v.pipe(
	v.number('Enter a number of seconds'),
	v.integer('Whole seconds only'),
	v.minValue(1, 'At least 1 second'),
	v.maxValue(86_400, 'At most one day (86400 s)')
);

export const ThresholdsSchema = v.strictObject({
	waitAmberSeconds: seconds,
	waitRedSeconds: seconds,
	talkAmberSeconds: seconds,
	talkRedSeconds: seconds,
	acwAmberSeconds: seconds,
	acwRedSeconds: seconds,
	serviceLevelSeconds: seconds,
	serviceLevelTargetPct: v.pipe(
		v.number('Enter a percentage'),
		v.integer('Whole percent only'),
		v.minValue(1, 'At least 1%'),
		v.maxValue(100, 'At most 100%')
	)
});

/** Amber must come before red; the message goes on the red field, the one to raise. */
const PAIRS = [
	['waitAmberSeconds', 'waitRedSeconds'],
	['talkAmberSeconds', 'talkRedSeconds'],
	['acwAmberSeconds', 'acwRedSeconds']
] as const;

export type ThresholdsResult =
	| { ok: true; value: QueueThresholds }
	| { ok: false; errors: Partial<Record<keyof QueueThresholds, string>> };

/** Validates thresholds typed into a form (strings) or read from JSON; one message per field. */
export function parseThresholds(input: Record<string, unknown>): ThresholdsResult {
	const numbers: Record<string, unknown> = {};
	for (const field of THRESHOLD_FIELDS) {
		const raw = input[field];
		const text = typeof raw === 'string' ? raw.trim() : raw;
		numbers[field] = text === '' || text === undefined || text === null ? NaN : Number(text);
	}
	const parsed = v.safeParse(ThresholdsSchema, numbers, { abortPipeEarly: true });
	const errors: Partial<Record<keyof QueueThresholds, string>> = {};
	if (!parsed.success) {
		for (const issue of parsed.issues) {
			const key = issue.path?.[0]?.key as keyof QueueThresholds | undefined;
			if (key && !errors[key]) errors[key] = issue.message;
		}
		return { ok: false, errors };
	}
	for (const [amber, red] of PAIRS) {
		if (parsed.output[amber] >= parsed.output[red]) errors[red] = 'Red must be longer than amber';
	}
	return Object.keys(errors).length > 0
		? { ok: false, errors }
		: { ok: true, value: parsed.output };
}
