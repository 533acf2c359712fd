/**
 * Calendar arithmetic in a tenant's IANA time zone with nothing but Intl, for the browser and the
 * server alike. A "day" is the tenant's day: 23 or 25 hours long across a DST change.
 */

export interface ZonedDate {
	year: number;
	month: number;
	day: number;
}

export interface ZonedParts extends ZonedDate {
	hour: number;
	minute: number;
	second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
	try {
		formatterFor(timeZone);
		return true;
	} catch {
		return false;
	}
}

/**
 * A moment as the zone's wall clock. Intl's formatToParts is slow (tens of µs: a tenth of the
 * live grid's script at 200 changes/s, one per row arriving), so the zone's offset is kept per
 * quarter hour of UTC, the finest step any zone's offset changes at since 1970; a quarter whose
 * two ends differ (a change inside it, as some zones made before then) asks Intl every time.
 */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
	const seconds = Math.floor(ms / 1000) * 1000;
	const quarter = Math.floor(ms / QUARTER_MS);
	let zone = offsets.get(timeZone);
	if (!zone || zone.size > MAX_QUARTERS) offsets.set(timeZone, (zone = new Map()));
	let offset = zone.get(quarter);
	if (offset === undefined) {
		const start = quarter * QUARTER_MS;
		offset = offsetAt(start, timeZone);
		if (offsetAt(start + QUARTER_MS - 1000, timeZone) === offset) zone.set(quarter, offset);
		else return intlParts(ms, timeZone);
	}
	const wall = new Date(seconds + offset);
	return {
		year: wall.getUTCFullYear(),
		month: wall.getUTCMonth() + 1,
		day: wall.getUTCDate(),
		hour: wall.getUTCHours(),
		minute: wall.getUTCMinutes(),
		second: wall.getUTCSeconds()
	};
}

const QUARTER_MS = 15 * 60_000;
/** Quarters kept per zone (over 100 days' worth), then forgotten together. */
const MAX_QUARTERS = 10_000;
/** Per zone, its offset (ms) in each quarter hour of UTC, by the quarter's number since 1970. */
const offsets = new Map<string, Map<number, number>>();

function offsetAt(ms: number, timeZone: string): number {
	const p = intlParts(ms, timeZone);
	return utcOf(p) - Math.floor(ms / 1000) * 1000;
}

/** The wall clock's fields read as UTC, in ms (years below 100 included). */
function utcOf(p: ZonedParts): number {
	const date = new Date(0);
	date.setUTCFullYear(p.year, p.month - 1, p.day);
	date.setUTCHours(p.hour, p.minute, p.second, 0);
	return date.getTime();
}

function intlParts(ms: number, timeZone: string): ZonedParts {
	const parts: Record<string, number> = {};
	for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	return {
		year: parts.year,
		month: parts.month,
		day: parts.day,
		hour: parts.hour,
		minute: parts.minute,
		second: parts.second
	};
}

/** Offset of the zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
	const p = zonedParts(ms, timeZone);
	const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant a local calendar day starts in the zone. */
export function zonedMidnight(date: ZonedDate, timeZone: string): number {
	const naive = Date.UTC(date.year, date.month - 1, date.day);
	const first = naive - zoneOffsetMs(naive, timeZone);
	// The offset at the guess can differ from the offset at the answer when DST changes that day.
	const second = naive - zoneOffsetMs(first, timeZone);
	if (sameDate(zonedDateOf(second, timeZone), date)) return second;
	// Midnight itself was skipped (e.g. America/Santiago springs 00:00 → 01:00): the day starts at
	// the first instant that is on that date. Transitions are at most a few hours wide.
	let before = second;
	let after = second + 4 * 3_600_000;
	while (after - before > 1000) {
		const middle = Math.floor((before + after) / 2);
		if (sameDate(zonedDateOf(middle, timeZone), date)) after = middle;
		else before = middle;
	}
	return Math.floor(after / 1000) * 1000;
}

function sameDate(a: ZonedDate, b: ZonedDate): boolean {
	return a.year === b.year && a.month === b.month && a.day === b.day;
}

export function zonedDateOf(ms: number, timeZone: string): ZonedDate {
	const { year, month, day } = zonedParts(ms, timeZone);
	return { year, month, day };
}

/** Adds whole calendar days to a date (month and year carry over). */
export function addDays(date: ZonedDate, days: number): ZonedDate {
	const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function startOfZonedDay(ms: number, timeZone: string): number {
	return zonedMidnight(zonedDateOf(ms, timeZone), timeZone);
}

export function startOfNextZonedDay(ms: number, timeZone: string): number {
	return zonedMidnight(addDays(zonedDateOf(ms, timeZone), 1), timeZone);
}

export function formatZonedDate(date: ZonedDate): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

export function parseZonedDate(text: string): ZonedDate | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!match) return null;
	const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
	const check = addDays(date, 0);
	const same = check.year === date.year && check.month === date.month && check.day === date.day;
	return same ? date : null;
}
