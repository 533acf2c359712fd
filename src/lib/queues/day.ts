import { startOfNextZonedDay, zonedParts } from '$lib/time/zone';

/**
 * The tenant's "today" as the wall counts it, cut into hourly buckets. Buckets are real hours
 * from local midnight, so a DST day has 23 or 25 of them and no hour is counted twice.
 */
export interface DayFrame {
	startMs: number;
	endMs: number;
	/** Local hour (0–23) at the start of each bucket, for axis labels. */
	hourLabels: number[];
}

const HOUR_MS = 3_600_000;

/** The frame of the day that starts at `startMs` (a local midnight, see startOfZonedDay). */
export function dayFrame(startMs: number, timeZone: string): DayFrame {
	const endMs = startOfNextZonedDay(startMs, timeZone);
	const buckets = Math.ceil((endMs - startMs) / HOUR_MS);
	const hourLabels = Array.from(
		{ length: buckets },
		(_, i) => zonedParts(startMs + i * HOUR_MS, timeZone).hour
	);
	return { startMs, endMs, hourLabels };
}

/** Bucket of an instant, or -1 when it is outside the day. */
export function hourIndex(ms: number, frame: DayFrame): number {
	if (ms < frame.startMs || ms >= frame.endMs) return -1;
	return Math.floor((ms - frame.startMs) / HOUR_MS);
}
