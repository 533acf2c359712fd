/**
 * DATETIME(3) as text, both ways. The PBX stores UTC, and every connection reads DATETIME as text
 * with time zone 'Z' (see connectionDefaults): times are written as explicit UTC text, never
 * through the session time zone or the driver's conversion of a JS Date. The server, the scripts that seed and simulate the
 * PBX, the tests and the benchmarks all write times with msToSqlTime.
 */

const DIGITS = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;

/** 'YYYY-MM-DD HH:MM:SS[.fff]' in UTC (how the PBX stores it) → ISO-8601. */
export function sqlTimeToIso(value: unknown): string | null {
	if (value === null || value === undefined || value === '') return null;
	if (value instanceof Date) return value.toISOString();
	const text = String(value);
	// DATETIME(3) as the driver and the binlog decode it ('2026-12-03 10:15:00.250'): the common
	// case, on every row the binlog brings, needs no regular expression.
	if (text.length === 23 && text[10] === ' ' && text[19] === '.' && DIGITS.test(text)) {
		return `${text.slice(0, 10)}T${text.slice(11)}Z`;
	}
	const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?/.exec(text);
	if (!match) return null;
	const millis = ((match[3] ?? '.000') + '000').slice(1, 4);
	return `${match[1]}T${match[2]}.${millis}Z`;
}

/**
 * Epoch milliseconds → 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, for DATETIME(3) columns and for
 * comparing with them.
 */
export function msToSqlTime(epochMillis: number): string {
	const ms = Math.round(epochMillis);
	const minute = Math.floor(ms / 60_000);
	// The history load formats millions of nearby instants: reuse the 'YYYY-MM-DD HH:MM:' part.
	let prefix = minutePrefixes.get(minute);
	if (prefix === undefined) {
		if (minutePrefixes.size > 4096) minutePrefixes.clear();
		prefix = new Date(minute * 60_000).toISOString().slice(0, 17).replace('T', ' ');
		minutePrefixes.set(minute, prefix);
	}
	const rest = ms - minute * 60_000;
	const seconds = Math.floor(rest / 1000);
	return prefix + (seconds < 10 ? '0' : '') + seconds + '.' + String(1000 + (rest % 1000)).slice(1);
}

const minutePrefixes = new Map<number, string>();
