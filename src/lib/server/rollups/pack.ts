import type { FigureSums, WaitHistogram } from '$lib/queues/measures';

/**
 * How a rollup row holds what it sums: the additive sums of $lib/queues/measures as columns (all
 * but answeredWithinGoal, which depends on the queue's goal when read), and the answered waits
 * and offered local hours as "key:count" lists (addWaitList reads them; so does addHours).
 */

/** The rollup tables' sum columns, in the order of sumValues. */
export const SUM_COLUMNS = [
	'offered',
	'answered',
	'abandoned',
	'wait_sum_seconds',
	'handled',
	'talk_sum_seconds',
	'acw_sum_seconds'
] as const;

export function sumValues(sums: FigureSums): number[] {
	return [
		sums.offered,
		sums.answered,
		sums.abandoned,
		sums.waitSumSeconds,
		sums.handled,
		sums.talkSumSeconds,
		sums.acwSumSeconds
	];
}

function pack(counts: Map<number, number>): string | null {
	if (counts.size === 0) return null;
	return [...counts]
		.sort(([a], [b]) => a - b)
		.map(([key, count]) => `${key}:${count}`)
		.join(',');
}

/** A histogram as "seconds:count" pairs, ascending (what the rollups' `waits` holds). */
export function packWaits(waits: WaitHistogram): string | null {
	return pack(waits);
}

/** Offered per local hour as "hour:count" pairs (the day rollups' `hours`). */
export function packHours(hours: Map<number, number>): string | null {
	return pack(hours);
}
