import { zonedParts, zoneOffsetMs, type ZonedParts } from '$lib/time/zone';

/**
 * The replayed instant T as the address holds it (`?at=`): the tenant's wall-clock time,
 * `YYYY-MM-DDTHH:MM` or `…:SS`, with the UTC offset only where the wall clock alone is
 * ambiguous — the hour repeated when DST ends (America/Chicago, first Sunday of November:
 * 01:30-05:00 is the first 01:30, CDT; 01:30-06:00 the second, CST). Without an offset an
 * ambiguous time means the first. A time the clocks skipped (spring forward) is refused.
 */

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export type ParsedAt = { ms: number } | { error: string };

/** The instants at which the zone's wall clock reads `local` (0, 1 or 2 of them). */
export function instantsOf(local: ZonedParts, timeZone: string): number[] {
	const naive = Date.UTC(
		local.year,
		local.month - 1,
		local.day,
		local.hour,
		local.minute,
		local.second
	);
	const found = new Set<number>();
	// Offsets in effect half a day either side cover any transition near the wall time.
	for (const probe of [naive - 14 * HOUR_MS, naive, naive + 14 * HOUR_MS]) {
		const candidate = naive - zoneOffsetMs(probe, timeZone);
		if (sameParts(zonedParts(candidate, timeZone), local)) found.add(candidate);
	}
	return [...found].sort((a, b) => a - b);
}

export function parseAt(text: string, timeZone: string): ParsedAt {
	const match = PATTERN.exec(text);
	if (!match) {
		return { error: 'Replay time must look like 2026-11-01T10:42 (the tenant’s local time)' };
	}
	const [year, month, day, hour, minute] = match.slice(1, 6).map(Number);
	const second = match[6] === undefined ? 0 : Number(match[6]);
	const local = { year, month, day, hour, minute, second };
	const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
	if (
		check.getUTCMonth() !== month - 1 ||
		check.getUTCDate() !== day ||
		hour > 23 ||
		minute > 59 ||
		second > 59
	) {
		return { error: `${text} is not a real date and time` };
	}
	const instants = instantsOf(local, timeZone);
	if (instants.length === 0) {
		return { error: `${text} did not happen in ${timeZone}: the clocks skipped it (DST)` };
	}
	const offset = match[7];
	if (offset === undefined) return { ms: instants[0] };
	const wanted = offset === 'Z' ? 0 : offsetMinutes(offset) * MINUTE_MS;
	const ms = instants.find((instant) => zoneOffsetMs(instant, timeZone) === wanted);
	if (ms === undefined) {
		return { error: `${text}: ${timeZone} was not at UTC${offset} at that time` };
	}
	return { ms };
}

/**
 * T for the address: seconds only when not zero, the offset only when the wall time is
 * ambiguous — so parseAt(formatAt(ms)) is ms (to the second) for every instant, DST included.
 */
export function formatAt(ms: number, timeZone: string): string {
	const whole = Math.floor(ms / 1000) * 1000;
	const p = zonedParts(whole, timeZone);
	const pad = (n: number) => String(n).padStart(2, '0');
	const seconds = p.second === 0 ? '' : `:${pad(p.second)}`;
	const text = `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}${seconds}`;
	return instantsOf(p, timeZone).length > 1 ? text + formatOffset(whole, timeZone) : text;
}

/** `-05:00`: the zone's offset from UTC at an instant. */
export function formatOffset(ms: number, timeZone: string): string {
	const minutes = Math.round(zoneOffsetMs(ms, timeZone) / MINUTE_MS);
	const sign = minutes < 0 ? '-' : '+';
	const abs = Math.abs(minutes);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Whether the wall time of `ms` occurs twice that day (the repeated hour of a DST end). */
export function isRepeatedTime(ms: number, timeZone: string): boolean {
	return instantsOf(zonedParts(ms, timeZone), timeZone).length > 1;
}

function offsetMinutes(offset: string): number {
	const sign = offset.startsWith('-') ? -1 : 1;
	const [h, m] = offset.slice(1).split(':').map(Number);
	return sign * (h * 60 + m);
}

function sameParts(a: ZonedParts, b: ZonedParts): boolean {
	return (
		a.year === b.year &&
		a.month === b.month &&
		a.day === b.day &&
		a.hour === b.hour &&
		a.minute === b.minute &&
		a.second === b.second
	);
}
