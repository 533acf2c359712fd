import type { Delivery, SendOutcome } from './types';

const LONGEST_WAIT_MS = 5 * 60_000;

/**
 * When a failed attempt is tried again: `base`, then doubling, up to five minutes, with ±20 %
 * jitter so a recovering endpoint is not hit by every waiting row at once. Null when the failure
 * is final or the next try would fall past the retry window (the row is then marked failed).
 */
export function nextAttemptInMs(
	delivery: Pick<Delivery, 'attempts' | 'ageMs'>,
	outcome: Exclude<SendOutcome, { ok: true }>,
	retryForMs: number,
	baseMs: number,
	random: () => number = Math.random
): number | null {
	if (!outcome.retry) return null;
	const exponent = Math.min(Math.max(delivery.attempts - 1, 0), 20);
	const delay = Math.min(baseMs * 2 ** exponent, LONGEST_WAIT_MS);
	const jittered = Math.round(delay * (0.8 + 0.4 * random()));
	return delivery.ageMs + jittered > retryForMs ? null : jittered;
}
