import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Interaction } from '$lib/interaction';
import { escapeId, msToSqlTime, sqlTimeToIso, timeLimited } from '../db';
import { ACTIVE_COLUMNS, CLOSED_COLUMNS, toInteraction, type RawRow } from '../interactions/map';
import type { Lookups } from '../lookups';
import { scopeSql, type Scope } from '../scope';

/**
 * One day of a scope, read once for a replay: every row the live state held at some instant of
 * the day, in its final form (closed) or its present one (still in progress). The browser
 * derives the state at any T of the day from these ($lib/replay): bench/RESULTS.md ("replay")
 * has why that beats one query per step.
 *
 * - closed rows created on the day (the day's closed list), and those created up to
 *   LOOKBACK_HOURS before it that closed on or after its start (in progress across midnight);
 * - rows in progress now that were created before the day ended;
 * - for each, when its transcription was written, so the flag appears when it did.
 */

export interface ReplayDeps {
	pool: Pool;
	database: string;
	lookups: Lookups;
	timeoutSeconds: number;
}

export interface LoadedDay {
	rows: Interaction[];
	transcribedAt: Record<string, number>;
}

/**
 * An interaction in progress across midnight is found if it started at most this long before:
 * bounds the index range read for the previous day. Longer ones are not shown before they close.
 */
export const LOOKBACK_HOURS = 12;

export async function loadReplayDay(
	deps: ReplayDeps,
	scope: Scope,
	day: { startMs: number; endMs: number }
): Promise<LoadedDay> {
	const db = escapeId(deps.database);
	const closedParams: unknown[] = [];
	const closedScope = scopeSql(scope, 'c', closedParams);
	const start = msToSqlTime(day.startMs);
	closedParams.push(
		msToSqlTime(day.startMs - LOOKBACK_HOURS * 3_600_000),
		msToSqlTime(day.endMs),
		start,
		start
	);
	const closedSql = `SELECT ${prefixed(CLOSED_COLUMNS)}, t.created_at AS transcribed_at
		FROM ${db}.closed_interactions c
		LEFT JOIN ${db}.transcriptions t ON t.interaction_id = c.id
		WHERE ${closedScope} AND c.created_at >= ? AND c.created_at < ?
		  AND (c.created_at >= ? OR c.closed_at >= ?)`;
	const activeParams: unknown[] = [];
	const activeScope = scopeSql(scope, 'c', activeParams);
	activeParams.push(msToSqlTime(day.endMs));
	const activeSql = `SELECT ${prefixed(ACTIVE_COLUMNS)} FROM ${db}.active_interactions c
		WHERE ${activeScope} AND c.created_at < ?`;
	const limit = (sql: string) => timeLimited(sql, deps.timeoutSeconds);
	const [[closed], [active]] = await Promise.all([
		deps.pool.query<RowDataPacket[]>(limit(closedSql), closedParams),
		deps.pool.query<RowDataPacket[]>(limit(activeSql), activeParams)
	]);
	const contactIds = [...closed, ...active].map((raw) =>
		raw.crm_contact_id === null ? null : String(raw.crm_contact_id)
	);
	await deps.lookups.loadContacts(deps.pool, deps.lookups.missingContacts(contactIds));
	const rows: Interaction[] = [];
	const transcribedAt: Record<string, number> = {};
	const closedIds = new Set<string>();
	for (const raw of closed as RawRow[]) {
		const transcribed = sqlTimeToIso(raw.transcribed_at);
		const row = toInteraction(raw, 'closed', deps.lookups, transcribed !== null);
		if (!row) continue;
		rows.push(row);
		closedIds.add(row.id);
		if (transcribed) transcribedAt[row.id] = Date.parse(transcribed);
	}
	for (const raw of active as RawRow[]) {
		const row = toInteraction(raw, 'active', deps.lookups);
		// Read between the PBX's insert of the closed row and its delete of the active one: closed wins.
		if (row && !closedIds.has(row.id)) rows.push(row);
	}
	return { rows, transcribedAt };
}

/** The shared column list with each plain column qualified by `c.` (the join names two tables). */
function prefixed(columns: string): string {
	return columns
		.split(', ')
		.map((column) => (/^[a-z_]+$/.test(column) ? `c.${column}` : column.replace('(', '(c.')))
		.join(', ');
}
