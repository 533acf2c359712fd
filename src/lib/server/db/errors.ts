import { error as httpError } from '@sveltejs/kit';
/**
 * Database failures that are the database's state, not the request's fault: a statement past its
 * time limit, a lock wait, no connection left, sort memory or a temporary file that failed, a full
 * disk, a server that is gone. A history, export, insight or replay request that meets one answers
 * 503 with what happened and that a retry may work (see withinTimeLimit), never a 500.
 */

export type TroubleKind = 'timeout' | 'busy' | 'connections' | 'resources' | 'unreachable';

export interface DatabaseTrouble {
	kind: TroubleKind;
	/** For the reader: what happened, and what to do. */
	message: string;
}

export const TOO_SLOW =
	'This view took too long to read: narrow the date range or the filters, or try again later.';

/** Server errors by errno (mysql2 sets errno, and code where it knows the name). */
const BY_ERRNO: Record<number, [TroubleKind, string]> = {
	1969: ['timeout', 'ER_STATEMENT_TIMEOUT'],
	3024: ['timeout', 'ER_QUERY_TIMEOUT'],
	1317: ['busy', 'the query was interrupted'],
	1205: ['busy', 'a lock wait timed out'],
	1213: ['busy', 'a deadlock'],
	1637: ['busy', 'too many transactions'],
	1040: ['connections', 'too many connections'],
	1203: ['connections', 'too many connections for this account'],
	1226: ['connections', 'a connection limit was reached'],
	1135: ['connections', 'it could not start a thread'],
	1037: ['resources', 'out of memory'],
	1041: ['resources', 'out of memory'],
	1038: ['resources', 'out of sort memory'],
	1021: ['resources', 'the disk is full'],
	1114: ['resources', 'a temporary table is full'],
	1030: ['resources', 'a storage engine error'],
	1004: ['resources', 'a temporary file could not be created'],
	1011: ['resources', 'a temporary file could not be removed'],
	1016: ['resources', 'a temporary file could not be opened'],
	1024: ['resources', 'a temporary file could not be read'],
	1026: ['resources', 'a temporary file could not be written'],
	1053: ['unreachable', 'it is shutting down']
};

/** mysys errors (errno 1–99, EE_*): the server's own file and memory operations. */
const MYSYS: Record<number, string> = {
	1: 'a temporary file could not be created',
	2: 'a temporary file could not be read',
	3: 'a temporary file could not be written',
	6: 'a temporary file could not be removed',
	20: 'the disk is full'
};

/** Client-side codes of mysql2 and Node: the server cannot be reached or went away. */
const UNREACHABLE = new Set([
	'PROTOCOL_CONNECTION_LOST',
	'PROTOCOL_SEQUENCE_TIMEOUT',
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EPIPE',
	'EHOSTUNREACH',
	'ENOTFOUND'
]);

const MESSAGES: Record<TroubleKind, (why: string) => string> = {
	timeout: () => TOO_SLOW,
	busy: (why) => `The database is busy (${why}): try again in a moment.`,
	connections: (why) =>
		`The database has no room for another request right now (${why}): try again in a moment.`,
	resources: (why) =>
		`The database ran short of resources for this view (${why}): try again in a moment, or narrow the date range or the filters.`,
	unreachable: (why) => `The database cannot be reached (${why}): try again in a moment.`
};

/** What a database error means for the reader, or null when it is not the database's state. */
export function databaseTrouble(error: unknown): DatabaseTrouble | null {
	const { errno, code, sqlMessage, message } = (error ?? {}) as {
		errno?: unknown;
		code?: unknown;
		sqlMessage?: unknown;
		message?: unknown;
	};
	const found = (kind: TroubleKind, why: string) => ({ kind, message: MESSAGES[kind](why) });
	if (typeof errno === 'number') {
		const known = BY_ERRNO[errno];
		if (known) return found(known[0], known[1]);
		// A server error below 100 is a mysys error: a file or memory operation of the server.
		if (errno > 0 && errno < 100 && typeof sqlMessage === 'string') {
			return found('resources', MYSYS[errno] ?? 'a file operation failed');
		}
	}
	if (code === 'ER_STATEMENT_TIMEOUT') return found('timeout', '');
	if (typeof code === 'string' && UNREACHABLE.has(code))
		return found('unreachable', 'connection lost');
	if (message === 'Pool is closed.') return found('unreachable', 'the server is stopping');
	return null;
}

/** ER_STATEMENT_TIMEOUT (1969): the statement ran past max_statement_time. */
export function isStatementTimeout(error: unknown): boolean {
	return databaseTrouble(error)?.kind === 'timeout';
}

/**
 * The one mapping of database failures for history, export, insight and replay requests: a
 * statement past its time limit, a lock wait, no connection left, sort memory, a temporary file
 * or the disk, a server gone (databaseTrouble) answers 503 with what happened and to retry,
 * never a 500. Anything else is thrown on.
 */
export async function withinTimeLimit<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (e) {
		const trouble = databaseTrouble(e);
		if (trouble) httpError(503, { message: trouble.message });
		throw e;
	}
}
