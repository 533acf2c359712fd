import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { databaseTrouble, TOO_SLOW } from '../../src/lib/server/db/errors';
import { withinTimeLimit } from '../../src/lib/server/db';

/**
 * Database failures that are the database's state answer 503 with what happened and to retry
 * (issue 26: a temporary file removed under a sort answered 500). Errors as mysql2 builds them
 * from a server's error packet: errno, code (where mysql2 knows the name), sqlState, sqlMessage.
 */

const serverError = (errno: number, code: string | undefined, sqlMessage: string) =>
	Object.assign(new Error(sqlMessage), {
		errno,
		code,
		sqlState: 'HY000',
		sqlMessage,
		fatal: false
	});

const CASES: [string, Error, string, RegExp][] = [
	['statement time limit', serverError(1969, undefined, 'Query execution was interrupted (max_statement_time exceeded)'), 'timeout', /took too long/], // prettier-ignore
	['temp file removed under a sort', serverError(6, 'EE_DELETE', "Error on delete of '/tmp/#sql-temptable-2b6f-5-1a.MAI' (Errcode: 2 \"No such file or directory\")"), 'resources', /temporary file could not be removed.*try again/], // prettier-ignore
	['temp file write', serverError(3, 'EE_WRITE', "Error writing file '/tmp/MYfd=42' (Errcode: 28)"), 'resources', /temporary file could not be written/], // prettier-ignore
	['an unnamed mysys error', serverError(29, undefined, "File '/tmp/x' not found (Errcode: 2)"), 'resources', /a file operation failed/], // prettier-ignore
	['lock wait', serverError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction'), 'busy', /busy \(a lock wait timed out\): try again/], // prettier-ignore
	['deadlock', serverError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found when trying to get lock'), 'busy', /deadlock/], // prettier-ignore
	['query killed', serverError(1317, 'ER_QUERY_INTERRUPTED', 'Query execution was interrupted'), 'busy', /interrupted/], // prettier-ignore
	['too many connections', serverError(1040, 'ER_CON_COUNT_ERROR', 'Too many connections'), 'connections', /too many connections\): try again/], // prettier-ignore
	['user connection limit', serverError(1226, 'ER_USER_LIMIT_REACHED', "User 'app' has exceeded the 'max_user_connections' resource"), 'connections', /connection limit/], // prettier-ignore
	['out of sort memory', serverError(1038, 'ER_OUT_OF_SORTMEMORY', 'Out of sort memory, consider increasing server sort buffer size'), 'resources', /out of sort memory/], // prettier-ignore
	['disk full', serverError(1021, 'ER_DISK_FULL', 'Disk full (/tmp/#sql_1); waiting for someone to free some space...'), 'resources', /disk is full/], // prettier-ignore
	['temp table full', serverError(1114, 'ER_RECORD_FILE_FULL', "The table '/tmp/#sql_1' is full"), 'resources', /table is full/], // prettier-ignore
	['storage engine errno 28', serverError(1030, 'ER_GET_ERRNO', 'Got error 28 "No space left on device" from storage engine Aria'), 'resources', /storage engine/], // prettier-ignore
	['server shutting down', serverError(1053, 'ER_SERVER_SHUTDOWN', 'Server shutdown in progress'), 'unreachable', /shutting down/], // prettier-ignore
	['connection lost', Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), 'unreachable', /cannot be reached/], // prettier-ignore
	['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', errno: -111 }), 'unreachable', /cannot be reached/] // prettier-ignore
];

describe('database trouble', () => {
	it.each(CASES)('%s: %s', (_name, error, kind, message) => {
		const trouble = databaseTrouble(error);
		expect(trouble?.kind).toBe(kind);
		expect(trouble?.message).toMatch(message);
		expect(trouble?.message).toMatch(/try again/);
	});

	it('is null for errors that are not the database state: bad SQL, a duplicate, a program error', () => {
		expect(databaseTrouble(serverError(1064, 'ER_PARSE_ERROR', 'You have an error in your SQL syntax'))).toBeNull(); // prettier-ignore
		expect(databaseTrouble(serverError(1062, 'ER_DUP_ENTRY', "Duplicate entry '1' for key 'PRIMARY'"))).toBeNull(); // prettier-ignore
		expect(databaseTrouble(serverError(1146, 'ER_NO_SUCH_TABLE', "Table 'x.y' doesn't exist"))).toBeNull(); // prettier-ignore
		expect(databaseTrouble(new TypeError('x is undefined'))).toBeNull();
		// A mysys-range errno without a server message is not a server error.
		expect(databaseTrouble(Object.assign(new Error('odd'), { errno: 6 }))).toBeNull();
		expect(databaseTrouble(null)).toBeNull();
	});

	it('withinTimeLimit answers 503 with the message, and throws anything else on', async () => {
		for (const [name, error, , message] of CASES) {
			const thrown = await withinTimeLimit(() => Promise.reject(error)).catch((e: unknown) => e);
			expect(isHttpError(thrown), name).toBe(true);
			if (!isHttpError(thrown)) continue;
			expect(thrown.status, name).toBe(503);
			expect(thrown.body.message, name).toMatch(message);
		}
		const parse = serverError(1064, 'ER_PARSE_ERROR', 'syntax');
		await expect(withinTimeLimit(() => Promise.reject(parse))).rejects.toBe(parse);
		await expect(withinTimeLimit(() => Promise.resolve(7))).resolves.toBe(7);
		expect(databaseTrouble(CASES[0][1])?.message).toBe(TOO_SLOW);
	});
});
