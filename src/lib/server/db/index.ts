import mysql from 'mysql2/promise';
import type { DatabaseTarget } from '../config';

/**
 * Every connection reads DATETIME as text and BIGINT as exact strings: the binlog decoder is set
 * the same way, so rows from SQL and from the binlog map through one function (see sqlTimeToIso).
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

export { msToSqlTime, sqlTimeToIso } from './time';
export { withTransaction } from './transaction';
export {
	databaseTrouble,
	isStatementTimeout,
	TOO_SLOW,
	withinTimeLimit,
	type DatabaseTrouble
} from './errors';

export function escapeId(name: string): string {
	return mysql.escapeId(name);
}

/**
 * A statement MariaDB stops after `seconds` (max_statement_time): a history view over years of
 * rows must not hold a connection and the disks for minutes. It fails with isStatementTimeout.
 */
export function timeLimited(sql: string, seconds: number, longLists = false): string {
	// longLists: GROUP_CONCAT lists up to 1 GiB, never cut short at the default 1 MiB.
	const lists = longLists ? ', group_concat_max_len = 1073741824' : '';
	return `SET STATEMENT max_statement_time = ${Number(seconds)}${lists} FOR ${sql}`;
}
