/**
 * Small SQL helpers shared by the seeders, the PBX writer, the tests and the benchmarks.
 * Timestamps are written with the server's msToSqlTime (src/lib/server/db/time.ts).
 */

export type SqlValue = string | number | null;

/** `database`.`table`, backtick-quoted, so a configured database name cannot break the SQL. */
export function tableRef(database: string, table: string): string {
	return `${quoteId(database)}.${quoteId(table)}`;
}

export function quoteId(name: string): string {
	return '`' + name.replace(/`/g, '``') + '`';
}

/**
 * A string literal for hand-built multi-row INSERTs, where running millions of values through a
 * generic formatter would dominate the load time. Inside single quotes MariaDB only needs the
 * quote, the backslash and NUL escaped (backslash escapes on, the default sql_mode); newlines
 * and double quotes are fine as they are.
 */
export function sqlString(value: string | null): string {
	if (value === null) return 'NULL';
	if (!needsEscape.test(value)) return "'" + value + "'";
	return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0') + "'";
}

const needsEscape = /[\\'\0]/;

/** The server's one transaction helper (src/lib/server/db/transaction.ts). */
export { withTransaction } from '../../src/lib/server/db/transaction';
