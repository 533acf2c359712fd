import type { DemoTenant } from './demo-data';

/**
 * How history traffic is spread over time: hourly buckets, each tenant busy in its own business
 * hours and on its own weekdays, so reports per hour or per weekday look like a real center's.
 */

const hourMs = 3_600_000;

/** Relative traffic per local hour: a morning peak, a lunch dip, a quiet night. */
const hourWeights = [
	0.02, 0.015, 0.01, 0.01, 0.015, 0.03, 0.08, 0.25, 0.6, 0.95, 1, 0.95, 0.7, 0.8, 0.95, 0.9, 0.75,
	0.5, 0.3, 0.2, 0.13, 0.08, 0.05, 0.03
];

/** Relative traffic per local weekday, Sunday first: Monday catches the weekend's backlog. */
const dayWeights = [0.15, 1.15, 1, 1, 0.95, 0.9, 0.35];

const weekdayIndex: Record<string, number> = {
	Sun: 0,
	Mon: 1,
	Tue: 2,
	Wed: 3,
	Thu: 4,
	Fri: 5,
	Sat: 6
};

export interface HourBucket {
	startMs: number;
	/** Exclusive; shorter than an hour for the last bucket. */
	endMs: number;
	/** Rows to create in this hour, per tenant (same order as the tenants given). */
	counts: number[];
}

/**
 * `rows` spread over hourly buckets between `fromMs` and `toMs`. Counts are rounded
 * cumulatively, so they add up to exactly `rows`.
 */
export function hourBuckets(
	tenants: readonly DemoTenant[],
	rows: number,
	fromMs: number,
	toMs: number
): HourBucket[] {
	const local = tenants.map((t) => localClock(t.timezone));
	// Bigger teams take more of the traffic, as in the simulator.
	const size = tenants.map((t) => Math.max(1, t.agents.length));
	const buckets: { startMs: number; endMs: number; weights: number[] }[] = [];
	let total = 0;
	for (let start = Math.floor(fromMs / hourMs) * hourMs; start < toMs; start += hourMs) {
		const startMs = Math.max(start, fromMs);
		const endMs = Math.min(start + hourMs, toMs);
		const share = (endMs - startMs) / hourMs;
		const weights = tenants.map((_, i) => {
			const { hour, weekday } = local[i](start + hourMs / 2);
			return size[i] * hourWeights[hour] * dayWeights[weekday] * share;
		});
		total += weights.reduce((a, b) => a + b, 0);
		buckets.push({ startMs, endMs, weights });
	}
	let cumulative = 0;
	let assigned = 0;
	return buckets.map(({ startMs, endMs, weights }) => ({
		startMs,
		endMs,
		counts: weights.map((weight) => {
			cumulative += total > 0 ? (weight / total) * rows : 0;
			const target = Math.round(cumulative);
			const count = target - assigned;
			assigned = target;
			return count;
		})
	}));
}

/** Local hour and weekday of an instant, in a zone (an unknown zone falls back to UTC). */
function localClock(timezone: string): (ms: number) => { hour: number; weekday: number } {
	let format: Intl.DateTimeFormat;
	try {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone: timezone,
			hour: 'numeric',
			hourCycle: 'h23',
			weekday: 'short'
		});
	} catch {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone: 'UTC',
			hour: 'numeric',
			hourCycle: 'h23',
			weekday: 'short'
		});
	}
	return (ms) => {
		let hour = 0;
		let weekday = 0;
		for (const part of format.formatToParts(ms)) {
			if (part.type === 'hour') hour = Number(part.value) % 24;
			if (part.type === 'weekday') weekday = weekdayIndex[part.value] ?? 0;
		}
		return { hour, weekday };
	};
}
