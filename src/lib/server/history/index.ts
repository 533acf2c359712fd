import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { ViewFilters } from '$lib/filters';
import type { RowsPage } from '$lib/interaction';
import { escapeId, msToSqlTime, timeLimited } from '../db';
import { CLOSED_COLUMNS_OF_C } from '../interactions/map';
import type { Lookups } from '../lookups';
import type { Scope } from '../scope';
import { encodeCursor, type Cursor } from './cursor';
import { enrichRows } from './enrich';
import { jumpConditions, keyset } from './sort';
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
	/** A jump to this minute (its start, ms) of a time order; null to read from the top. */
	jumpMs?: number | null;
}

export { cursorKind, jumpable, keyset } from './sort';

export async function historyPage(
	deps: HistoryDeps,
	request: HistoryRequest,
	cursor: Cursor | null,
	limit: number
): Promise<RowsPage> {
	const db = escapeId(deps.database);
	const { filters } = request;
	const where = historyWhere(request.scope, filters, request.range, deps.lookups);
	const jump =
		request.jumpMs === null || request.jumpMs === undefined
			? null
			: jumpConditions(filters.sort, filters.dir, request.jumpMs, msToSqlTime);
	const params = [...where.params];
	const from = jump ? ` AND ${jump.from}` : '';
	if (jump) params.push(jump.param);
	const { after, orderBy, column, joins, cursorOf } = keyset(
		filters.sort,
		filters.dir,
		cursor,
		params,
		db,
		{ lookups: deps.lookups, tenantId: request.scope.tenantId }
	);
	params.push(limit + 1);
	const [raws] = await deps.pool.query<RowDataPacket[]>(
		timeLimited(
			`SELECT ${CLOSED_COLUMNS_OF_C}, ${column} AS sort_value
			   FROM ${db}.closed_interactions c${joins}
			  WHERE ${where.sql}${from}${after}
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
	// The rows a jump passed over, once, with its first page: the grid numbers its rows from there.
	let skipped: number | undefined;
	if (jump && !cursor) {
		const [[row]] = await deps.pool.query<RowDataPacket[]>(
			timeLimited(
				`SELECT COUNT(*) AS n FROM ${db}.closed_interactions c WHERE ${where.sql} AND ${jump.before}`,
				deps.timeoutSeconds
			),
			[...where.params, jump.param]
		);
		skipped = Number(row.n);
	}
	return {
		rows,
		nextCursor:
			more && last ? encodeCursor(cursorOf({ sort_value: last.sort_value, id: last.id })) : null,
		...(skipped === undefined ? {} : { skipped })
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
