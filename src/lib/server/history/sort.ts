import type { SortKey } from '$lib/filters';
import type { Lookups } from '../lookups';
import type { Cursor, CursorKind } from './cursor';
import { nameRank, type NameRank, type Named } from './rank';

/**
 * How a history view over closed_interactions `c` is ordered: every grid column but Status
 * (every history row is Closed), with the id breaking ties so pages are a strict keyset.
 *
 * The PBX schema is read, never written, so only Created has an index that delivers its order
 * ((tenant_id, created_at) and its queue/agent/… siblings). Every other order is bounded: the
 * WHERE keeps to the view's date range on that index, MariaDB sorts those rows (a filesort over
 * the range, not the table), and each statement has the history time limit, past which the
 * reader is told to narrow the range instead of waiting.
 *
 * Queue, Agent and Disposition order by their name's rank in the lookup caches (rank.ts), a
 * number computed from the row alone: no join, so no temporary table of the range's rows. Client
 * joins its contact's name (the caches hold only the contacts seen, not millions), within the
 * row's tenant.
 */

interface SortSpec {
	/** The SQL value ordered by; never NULL, so the keyset comparisons hold for every row. */
	expression: string;
	kind: CursorKind;
	/** LEFT JOINs the expression needs (alias cc). */
	joins: (db: string) => string;
	/** Ordered by the rank of this id column's name instead (the expression is unused). */
	ranked?: { column: string; names: (lookups: Lookups, tenantId: number) => Named[] };
}

const none = () => '';
const within = (table: string, alias: string, column: string) => (db: string) =>
	` LEFT JOIN ${db}.${table} ${alias} ON ${alias}.id = c.${column} AND ${alias}.tenant_id = c.tenant_id`;

/** The viewer's tenant's entries only: a rank never holds another tenant's names. */
const ofTenant = <T extends { tenantId: number }>(map: Map<number, T>, tenantId: number) =>
	[...map.values()].filter((e) => e.tenantId === tenantId);

const SORTS: Partial<Record<SortKey, SortSpec>> = {
	created: { expression: 'c.created_at', kind: 'time', joins: none },
	closed: { expression: 'c.closed_at', kind: 'time', joins: none },
	duration: { expression: 'c.talk_seconds', kind: 'number', joins: none },
	acw: { expression: 'c.acw_seconds', kind: 'number', joins: none },
	// As text: an ENUM orders by its declaration but compares as text, which would break a keyset.
	channel: { expression: 'CAST(c.channel AS CHAR)', kind: 'text', joins: none },
	did: { expression: "COALESCE(c.did, '')", kind: 'text', joins: none },
	queue: {
		expression: '',
		kind: 'text',
		joins: none,
		ranked: {
			column: 'c.queue_id',
			names: (lookups, tenantId) => ofTenant(lookups.queues, tenantId)
		}
	},
	agent: {
		expression: '',
		kind: 'text',
		joins: none,
		ranked: {
			column: 'c.agent_id',
			names: (lookups, tenantId) => ofTenant(lookups.agents, tenantId)
		}
	},
	disposition: {
		expression: '',
		kind: 'text',
		joins: none,
		ranked: {
			column: 'c.disposition_id',
			names: (lookups, tenantId) =>
				ofTenant(lookups.dispositions, tenantId).map((d) => ({ id: d.id, name: d.code }))
		}
	},
	// The grid's Client: the CRM contact's name, else the caller's number, else the DID.
	client: {
		expression: "COALESCE(cc.name, c.phone_number, c.did, '')",
		kind: 'text',
		joins: within('crm_contacts', 'cc', 'crm_contact_id')
	}
};

/** Ranks by (lookups, sort, tenant), rebuilt when the caches change (Lookups.revision). */
const rankCache = new WeakMap<Lookups, Map<string, { revision: number; rank: NameRank }>>();

function rankFor(spec: SortSpec, sort: SortKey, names: SortNames): NameRank | null {
	if (!spec.ranked) return null;
	const { lookups, tenantId } = names;
	let byKey = rankCache.get(lookups);
	if (!byKey) rankCache.set(lookups, (byKey = new Map()));
	const key = `${sort}:${tenantId}`;
	const cached = byKey.get(key);
	if (cached && cached.revision === lookups.revision) return cached.rank;
	const rank = nameRank(spec.ranked.names(lookups, tenantId), spec.ranked.column);
	byKey.set(key, { revision: lookups.revision, rank });
	return rank;
}

/** Where a name order finds its names: the lookup caches, for the viewer's tenant only. */
export interface SortNames {
	lookups: Lookups;
	tenantId: number;
}

function specOf(sort: SortKey): SortSpec {
	return SORTS[sort] ?? SORTS.created!;
}

/** What a cursor of a page in this order holds (see decodeCursor). */
export function cursorKind(sort: SortKey): CursorKind {
	return specOf(sort).kind;
}

/** The orders a jump to a time of day applies to: those of a time column. */
export function jumpable(sort: SortKey): boolean {
	return specOf(sort).kind === 'time';
}

export interface Keyset {
	/** ` AND …`: strictly after the cursor in this order (empty on the first page). */
	after: string;
	orderBy: string;
	/** The sort value, to select AS sort_value for the next cursor. */
	column: string;
	/** Joins the column needs, after `FROM closed_interactions c`. */
	joins: string;
	/** The cursor after a row selected with `column AS sort_value` (a name order: its name). */
	cursorOf(row: { sort_value: unknown; id: unknown }): Cursor;
}

/** ORDER BY and the keyset condition for "strictly after the cursor" in that order. */
export function keyset(
	sort: SortKey,
	dir: 'asc' | 'desc',
	cursor: Cursor | null,
	params: unknown[],
	db: string,
	names: SortNames
): Keyset {
	const spec = specOf(sort);
	const rank = rankFor(spec, sort, names);
	const column = rank ? rank.sql : spec.expression;
	const op = dir === 'desc' ? '<' : '>';
	const orderBy = `${column} ${dir.toUpperCase()}, c.id ${dir.toUpperCase()}`;
	const joins = spec.joins(db);
	const cursorOf = (row: { sort_value: unknown; id: unknown }): Cursor => ({
		value: rank ? rank.nameOfRank(Number(row.sort_value)) : (row.sort_value as Cursor['value']),
		id: String(row.id)
	});
	if (!cursor) return { after: '', orderBy, column, joins, cursorOf };
	if (rank) {
		// No index serves a rank: one row comparison, the rank written once.
		params.push(rank.rankOfName(String(cursor.value ?? '')), cursor.id);
		const after = ` AND (${column}, c.id) ${op} (?, CAST(? AS UNSIGNED))`;
		return { after, orderBy, column, joins, cursorOf };
	}
	// The leading `column <= ?` (or >=) gives MariaDB a range to seek to on the index; an OR alone
	// makes it scan from the top of the index for every page.
	params.push(cursor.value, cursor.value, cursor.id);
	return {
		after: ` AND ${column} ${op}= ? AND (${column} ${op} ? OR c.id ${op} CAST(? AS UNSIGNED))`,
		orderBy,
		column,
		joins,
		cursorOf
	};
}

/**
 * A jump to a minute in a time order: the rows from that minute on in reading order (newest
 * first: those before its end, so the minute's own rows lead; oldest first: those from its
 * start), and the condition of the rows the jump passes over, so the grid can number the first
 * row it shows. `minuteMs` is the minute's start.
 */
export function jumpConditions(
	sort: SortKey,
	dir: 'asc' | 'desc',
	minuteMs: number,
	toSqlTime: (ms: number) => string
): { from: string; before: string; param: string } {
	const column = specOf(sort).expression;
	return dir === 'desc'
		? { from: `${column} < ?`, before: `${column} >= ?`, param: toSqlTime(minuteMs + 60_000) }
		: { from: `${column} >= ?`, before: `${column} < ?`, param: toSqlTime(minuteMs) };
}
