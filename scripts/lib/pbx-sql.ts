import mysql from 'mysql2/promise';
import type { TranscriptSegment } from '../../src/lib/transcript';
import type { Channel, Direction } from './interaction-plan';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { quoteId, tableRef, type SqlValue } from './sql';

/**
 * The SQL a PBX issues over an interaction's life, written once for the simulator, the tests and
 * the benchmarks: the insert as 'new', answer, ACW, disposition, and the close (the closed row
 * from the active one, and the active one deleted, in one transaction). Fixtures and loads insert
 * rows in a later phase, or already closed, through the same column lists.
 *
 * Statements come formatted, so a caller can run them or send many commits in one round trip.
 * A batch of rows is one statement, as a PBX's own multi-row statements are. Every write sets
 * updated_at explicitly: its column default follows the session time zone, which we do not own.
 */

/** Statements that commit together. */
export type Commit = readonly string[];

/** An active_interactions row as inserted: 'new', or in the phase its moments say. */
export interface ActiveRow {
	id: number;
	uniqueid: string;
	tenantId: number;
	queueId: number | null;
	channel: Channel;
	/** Default 'inbound', as the schema's. */
	direction?: Direction;
	agentId?: number | null;
	crmContactId?: number | null;
	phoneNumber: string | null;
	did: string | null;
	createdMs: number;
	answeredMs?: number | null;
	acwMs?: number | null;
	dispositionId?: number | null;
	messageBody?: string | null;
}

export interface ClosedRow extends ActiveRow {
	closedMs: number;
	recordingFile?: string | null;
}

export interface Answer {
	id: number;
	agentId: number;
	atMs: number;
}

export interface Moment {
	id: number;
	atMs: number;
}

export interface Closing extends Moment {
	/** Default: the one picked during wrap-up (the active row's). */
	dispositionId?: number | null;
	recordingFile?: string | null;
}

/** The columns both tables have: each table's values start with these, in this order. */
const SHARED_COLUMNS = [
	'id',
	'uniqueid',
	'tenant_id',
	'queue_id',
	'channel',
	'direction',
	'agent_id',
	'crm_contact_id',
	'phone_number',
	'did',
	'disposition_id',
	'created_at',
	'answered_at',
	'acw_started_at',
	'message_body'
];

const ACTIVE_COLUMNS = [...SHARED_COLUMNS, 'status', 'updated_at'].join(', ');

export const CLOSED_COLUMNS = [
	...SHARED_COLUMNS,
	'closed_at',
	'wait_seconds',
	'talk_seconds',
	'acw_seconds',
	'recording_file'
].join(', ');

export class PbxStatements {
	readonly #active: string;
	readonly #closed: string;
	readonly #transcriptions: string;

	/** Tables of `database`, or of the connection's own database when it is left out. */
	constructor(database?: string) {
		const table = (name: string) =>
			database === undefined ? quoteId(name) : tableRef(database, name);
		this.#active = table('active_interactions');
		this.#closed = table('closed_interactions');
		this.#transcriptions = table('transcriptions');
	}

	insertActive(rows: readonly ActiveRow[]): Commit {
		return [
			mysql.format(`INSERT INTO ${this.#active} (${ACTIVE_COLUMNS}) VALUES ?`, [
				rows.map(activeValues)
			])
		];
	}

	answer(answers: readonly Answer[]): Commit {
		const at = perRow(answers, (a) => msToSqlTime(a.atMs));
		const agent = perRow(answers, (a) => a.agentId);
		return this.#update(
			answers,
			`status = 'active', agent_id = ${agent}, answered_at = ${at}, updated_at = ${at}`
		);
	}

	startAcw(moments: readonly Moment[]): Commit {
		const at = perRow(moments, (m) => msToSqlTime(m.atMs));
		return this.#update(moments, `status = 'acw', acw_started_at = ${at}, updated_at = ${at}`);
	}

	setDisposition(id: number, dispositionId: number | null, atMs: number): Commit {
		return this.#set(id, atMs, 'disposition_id = ?', [dispositionId]);
	}

	moveQueue(id: number, queueId: number, atMs: number): Commit {
		return this.#set(id, atMs, 'queue_id = ?', [queueId]);
	}

	/** Appends one "Speaker: text" line to the conversation so far. */
	appendMessage(id: number, line: string, atMs: number): Commit {
		return this.#set(
			id,
			atMs,
			`message_body = CONCAT(COALESCE(CONCAT(message_body, '\n'), ''), ?)`,
			[line]
		);
	}

	close(closings: readonly Closing[]): Commit {
		return this.#closeFromActive(
			mysql.format('id IN (?)', [closings.map((c) => c.id)]),
			`CAST(${perRow(closings, (c) => msToSqlTime(c.atMs))} AS DATETIME(3))`,
			perRow(closings, (c) => c.dispositionId ?? null),
			perRow(closings, (c) => c.recordingFile ?? null)
		);
	}

	/**
	 * Closes rows at or above `idFloor` idle for `idleMinutes`: what a simulator killed mid-call
	 * leaves behind, which would otherwise tick on the dashboard forever. They close at their
	 * last update, with the phase they reached.
	 */
	closeIdle(idFloor: number, idleMinutes: number): Commit {
		const idle = mysql.format('id >= ? AND updated_at < UTC_TIMESTAMP(3) - INTERVAL ? MINUTE', [
			idFloor,
			idleMinutes
		]);
		return this.#closeFromActive(idle, 'updated_at', 'NULL', 'NULL');
	}

	/** Closed rows written directly (fixtures, loads), seconds from their moments. */
	insertClosed(rows: readonly ClosedRow[]): Commit {
		return [
			mysql.format(`INSERT INTO ${this.#closed} (${CLOSED_COLUMNS}) VALUES ?`, [
				rows.map(closedValues)
			])
		];
	}

	insertTranscription(id: number, segments: readonly TranscriptSegment[], atMs: number): Commit {
		return [
			mysql.format(
				`INSERT INTO ${this.#transcriptions} (interaction_id, language, segments, created_at)
				VALUES (?, 'en', ?, ?)`,
				[id, JSON.stringify(segments), msToSqlTime(atMs)]
			)
		];
	}

	/**
	 * `assignments` come formatted, and are not formatted again: that would take a `?` inside a
	 * value (a chat line's question) for a placeholder.
	 */
	#update(rows: readonly { id: number }[], assignments: string): Commit {
		const where = mysql.format('id IN (?)', [rows.map((r) => r.id)]);
		return [`UPDATE ${this.#active} SET ${assignments} WHERE ${where}`];
	}

	#set(id: number, atMs: number, assignment: string, values: SqlValue[]): Commit {
		const assignments = mysql.format(`${assignment}, updated_at = ?`, [
			...values,
			msToSqlTime(atMs)
		]);
		return this.#update([{ id }], assignments);
	}

	/** The closed row made from the active one, as of `end`, then the active one deleted. */
	#closeFromActive(where: string, end: string, disposition: string, recording: string): Commit {
		return [
			`INSERT INTO ${this.#closed} (${CLOSED_COLUMNS})
			SELECT id, uniqueid, tenant_id, queue_id, channel, direction, agent_id, crm_contact_id,
				phone_number, did, COALESCE(${disposition}, disposition_id), created_at, answered_at,
				acw_started_at, message_body, ${end},
				${seconds('created_at', `COALESCE(answered_at, ${end})`)},
				COALESCE(${seconds('answered_at', `COALESCE(acw_started_at, ${end})`)}, 0),
				COALESCE(${seconds('acw_started_at', end)}, 0), ${recording}
			FROM ${this.#active} WHERE ${where} FOR UPDATE`,
			`DELETE FROM ${this.#active} WHERE ${where}`
		];
	}
}

/** One commit as text: the statement alone, or BEGIN … COMMIT around several. */
export function commitText(commit: Commit): string {
	return commit.length === 1 ? commit[0] : ['BEGIN', ...commit, 'COMMIT'].join(';\n');
}

/** Whole seconds from one instant to another, never negative: what the closed columns hold. */
function seconds(from: string, to: string): string {
	return `GREATEST(0, ROUND(TIMESTAMPDIFF(MICROSECOND, ${from}, ${to}) / 1000000))`;
}

function secondsBetween(fromMs: number, toMs: number): number {
	return Math.max(0, Math.round((toMs - fromMs) / 1000));
}

/**
 * The SQL of a value per row: the literal when the rows share it (one row always does), else
 * `CASE id WHEN … END`, so that a batch with its own value per row is still one statement.
 */
function perRow<T extends { id: number }>(rows: readonly T[], value: (row: T) => SqlValue): string {
	const values = rows.map(value);
	if (values.every((v) => v === values[0])) return mysql.escape(values[0]);
	const cases = rows.map((row, i) => mysql.format('WHEN ? THEN ?', [row.id, values[i]]));
	return `CASE id ${cases.join(' ')} END`;
}

function optionalTime(ms: number | null | undefined): string | null {
	return ms === undefined || ms === null ? null : msToSqlTime(ms);
}

/** The values of SHARED_COLUMNS. */
function sharedValues(row: ActiveRow): SqlValue[] {
	return [
		row.id,
		row.uniqueid,
		row.tenantId,
		row.queueId,
		row.channel,
		row.direction ?? 'inbound',
		row.agentId ?? null,
		row.crmContactId ?? null,
		row.phoneNumber,
		row.did,
		row.dispositionId ?? null,
		msToSqlTime(row.createdMs),
		optionalTime(row.answeredMs),
		optionalTime(row.acwMs),
		row.messageBody ?? null
	];
}

function activeValues(row: ActiveRow): SqlValue[] {
	const answeredMs = row.answeredMs ?? null;
	const acwMs = row.acwMs ?? null;
	const status = acwMs !== null ? 'acw' : answeredMs !== null ? 'active' : 'new';
	return [...sharedValues(row), status, msToSqlTime(acwMs ?? answeredMs ?? row.createdMs)];
}

/** A closed row's values in CLOSED_COLUMNS order; wait, talk and ACW as the close computes them. */
export function closedValues(row: ClosedRow): SqlValue[] {
	const { createdMs, closedMs } = row;
	const answeredMs = row.answeredMs ?? null;
	const acwMs = row.acwMs ?? null;
	return [
		...sharedValues(row),
		msToSqlTime(closedMs),
		secondsBetween(createdMs, answeredMs ?? closedMs),
		answeredMs === null ? 0 : secondsBetween(answeredMs, acwMs ?? closedMs),
		acwMs === null ? 0 : secondsBetween(acwMs, closedMs),
		row.recordingFile ?? null
	];
}
