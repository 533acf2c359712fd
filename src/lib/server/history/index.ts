import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { SortKey, ViewFilters } from '$lib/filters';
import type { RowsPage } from '$lib/interaction';
import { escapeId, timeLimited } from '../db';
import { CLOSED_COLUMNS } from '../interactions/map';
import type { Lookups } from '../lookups';
import type { Scope } from '../scope';
import { encodeCursor, type Cursor, type CursorKind } from './cursor';
import { enrichRows } from './enrich';
import { historyWhere } from './where';

/** History over closed_interactions: one keyset-paginated page, and the total count. */

export interface HistoryDeps {
	pool: Pool;
	database: string;
	lookups: Lookups;
	recordingsRoot: string;
	/** Each history, count and export statement is stopped after this (see timeLimited). */
	timeoutSeconds: number;
}

export interface HistoryRequest {
	scope: Scope;
	filters: ViewFilters;
	range: { fromMs: number; toMs: number };
}

const SORT_COLUMNS: Partial<Record<SortKey, string>> = {
	created: 'c.created_at',
	closed: 'c.closed_at',
	duration: 'c.talk_seconds',
	acw: 'c.acw_seconds'
};

/** What a cursor of a page in this order holds (see decodeCursor). */
export function cursorKind(sort: SortKey): CursorKind {
	return sort === 'duration' || sort === 'acw' ? 'number' : 'time';
}

/** ORDER BY and the keyset condition for "strictly after the cursor" in that order. */
export function keyset(
	sort: SortKey,
	dir: 'asc' | 'desc',
	cursor: Cursor | null,
	params: unknown[]
): { after: string; orderBy: string; column: string } {
	const column = SORT_COLUMNS[sort] ?? SORT_COLUMNS.created!;
	const op = dir === 'desc' ? '<' : '>';
	const orderBy = `${column} ${dir.toUpperCase()}, c.id ${dir.toUpperCase()}`;
	if (!cursor) return { after: '', orderBy, column };
	// The leading `column <= ?` (or >=) gives MariaDB a range to seek to on the index; an OR alone
	// makes it scan from the top of the index for every page.
	params.push(cursor.value, cursor.value, cursor.id);
	return {
		after: ` AND ${column} ${op}= ? AND (${column} ${op} ? OR c.id ${op} ?)`,
		orderBy,
		column
	};
}

export async function historyPage(
	deps: HistoryDeps,
	request: HistoryRequest,
	cursor: Cursor | null,
	limit: number
): Promise<RowsPage> {
	const { sql, params } = historyWhere(request.scope, request.filters, request.range, deps.lookups);
	const { after, orderBy, column } = keyset(
		request.filters.sort,
		request.filters.dir,
		cursor,
		params
	);
	params.push(limit + 1);
	const [raws] = await deps.pool.query<RowDataPacket[]>(
		timeLimited(
			`SELECT ${CLOSED_COLUMNS}, ${column} AS sort_value
			   FROM ${escapeId(deps.database)}.closed_interactions c
			  WHERE ${sql}${after}
			  ORDER BY ${orderBy} LIMIT ?`,
			deps.timeoutSeconds
		),
		params
	);
	const more = raws.length > limit;
	const page = more ? raws.slice(0, limit) : raws;
	const last = page[page.length - 1];
	const rows = await enrichRows(
		deps.pool,
		deps.database,
		deps.lookups,
		deps.recordingsRoot,
		page.map((raw) => ({ raw, source: 'closed' as const }))
	);
	return {
		rows,
		nextCursor: more && last ? encodeCursor({ value: last.sort_value, id: String(last.id) }) : null
	};
}

export async function historyCount(deps: HistoryDeps, request: HistoryRequest): Promise<number> {
	const { sql, params } = historyWhere(request.scope, request.filters, request.range, deps.lookups);
	const [[row]] = await deps.pool.query<RowDataPacket[]>(
		timeLimited(
			`SELECT COUNT(*) AS n FROM ${escapeId(deps.database)}.closed_interactions c WHERE ${sql}`,
			deps.timeoutSeconds
		),
		params
	);
	return Number(row.n);
}
