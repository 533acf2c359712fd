import mysql from 'mysql2/promise';
import type { DatabaseTarget } from '../config';

/**
 * Every connection reads DATETIME as text and BIGINT as exact strings: the binlog decoder is set
 * the same way, so rows from SQL and from the binlog map through one function (see sqlTime).
 */
export const connectionDefaults = {
	timezone: 'Z',
	dateStrings: true,
	supportBigNumbers: true,
	bigNumberStrings: true,
	charset: 'utf8mb4'
} as const;

export function createPool(target: DatabaseTarget, connectionLimit = 10): mysql.Pool {
	return mysql.createPool({
		...target,
		...connectionDefaults,
		connectionLimit,
		enableKeepAlive: true,
		keepAliveInitialDelay: 10_000
	});
}

export function createConnection(target: DatabaseTarget): Promise<mysql.Connection> {
	return mysql.createConnection({ ...target, ...connectionDefaults });
}

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

/** Epoch milliseconds → 'YYYY-MM-DD HH:MM:SS.fff' for comparing with DATETIME(3) columns in UTC. */
export function msToSqlTime(ms: number): string {
	return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function escapeId(name: string): string {
	return mysql.escapeId(name);
}

/**
 * A statement MariaDB stops after `seconds` (max_statement_time): a history view over years of
 * rows must not hold a connection and the disks for minutes. It fails with isStatementTimeout.
 */
export function timeLimited(sql: string, seconds: number): string {
	return `SET STATEMENT max_statement_time = ${Number(seconds)} FOR ${sql}`;
}

/** ER_STATEMENT_TIMEOUT (1969): the statement ran past max_statement_time. */
export function isStatementTimeout(error: unknown): boolean {
	const { errno, code } = (error ?? {}) as { errno?: unknown; code?: unknown };
	return errno === 1969 || code === 'ER_STATEMENT_TIMEOUT';
}
