import type { Pool, PoolConnection } from 'mysql2/promise';

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

/** Runs `work` in one transaction on a connection of its own; rolls back when it throws. */
export async function withTransaction<T>(
	pool: Pool,
	work: (conn: PoolConnection) => Promise<T>
): Promise<T> {
	const conn = await pool.getConnection();
	try {
		await conn.beginTransaction();
		const result = await work(conn);
		await conn.commit();
		return result;
	} catch (error) {
		// The original error matters, not a rollback on a connection that may already be gone.
		await conn.rollback().catch(() => undefined);
		throw error;
	} finally {
		conn.release();
	}
}
