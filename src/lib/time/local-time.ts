import { formatZonedDate, zonedParts, zoneOffsetMs, type ZonedDate } from './zone';

/**
 * A wall-clock time in a tenant's zone as the URL spells it: `YYYY-MM-DDTHH:MM`, with the
 * zone's offset (`-05:00`) only when the clock reads that time twice (the hour repeated when
 * DST ends), so a chart bar in that hour narrows the grid to exactly its own instants.
 */

export interface LocalTime extends ZonedDate {
	hour: number;
	minute: number;
	/** Given only to tell the two instants of a repeated hour apart. */
	offsetMinutes: number | null;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?:([+-])(\d{2}):(\d{2}))?$/;
const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

export function parseLocalTime(text: string): LocalTime | null {
	const m = LOCAL_TIME.exec(text);
	if (!m) return null;
	const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
	const naive = new Date(Date.UTC(year, month - 1, day, hour, minute));
	const valid =
		naive.getUTCFullYear() === year &&
		naive.getUTCMonth() === month - 1 &&
		naive.getUTCDate() === day &&
		hour < 24 &&
		minute < 60;
	if (!valid) return null;
	let offsetMinutes: number | null = null;
	if (m[6]) {
		const [oh, om] = [Number(m[7]), Number(m[8])];
		if (oh > 18 || om > 59) return null;
		offsetMinutes = (m[6] === '-' ? -1 : 1) * (oh * 60 + om);
	}
	return { year, month, day, hour, minute, offsetMinutes };
}

function naiveMs(t: Omit<LocalTime, 'offsetMinutes'>): number {
	return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
}

function reads(ms: number, t: Omit<LocalTime, 'offsetMinutes'>, timeZone: string): boolean {
	const p = zonedParts(ms, timeZone);
	return (
		p.year === t.year &&
		p.month === t.month &&
		p.day === t.day &&
		p.hour === t.hour &&
		p.minute === t.minute
	);
}

/** Every instant (at most two) at which the zone's clock reads this time, earliest first. */
function instantsOf(t: Omit<LocalTime, 'offsetMinutes'>, timeZone: string): number[] {
	const naive = naiveMs(t);
	// A transition's offsets are the ones a day either side: try each.
	const offsets = new Set([
		zoneOffsetMs(naive - DAY_MS, timeZone),
		zoneOffsetMs(naive, timeZone),
		zoneOffsetMs(naive + DAY_MS, timeZone)
	]);
	const found = [...offsets].map((o) => naive - o).filter((ms) => reads(ms, t, timeZone));
	return [...new Set(found)].sort((a, b) => a - b);
}

/**
 * The instant a local time names in the zone: the earlier of a repeated time unless an offset
 * says which; null for a time the clocks skipped or an offset the zone does not have then.
 */
export function localTimeInstant(t: LocalTime, timeZone: string): number | null {
	const instants = instantsOf(t, timeZone);
	if (t.offsetMinutes === null) return instants[0] ?? null;
	return instants.find((ms) => zoneOffsetMs(ms, timeZone) === t.offsetMinutes! * 60_000) ?? null;
}

/** The URL's spelling of an instant as the zone's clock, with the offset only where needed. */
export function formatLocalTime(ms: number, timeZone: string): string {
	const p = zonedParts(ms, timeZone);
	const text = `${formatZonedDate(p)}T${pad(p.hour)}:${pad(p.minute)}`;
	if (instantsOf(p, timeZone).length < 2) return text;
	const offset = Math.round(zoneOffsetMs(ms, timeZone) / 60_000);
	const abs = Math.abs(offset);
	return `${text}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
