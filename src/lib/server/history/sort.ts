import type { SortKey } from '$lib/filters';
import type { Cursor, CursorKind } from './cursor';

/**
 * How a history view over closed_interactions `c` is ordered: every grid column but Status
 * (every history row is Closed), with the id breaking ties so pages are a strict keyset.
 *
 * The PBX schema is read, never written, so only Created has an index that delivers its order
 * ((tenant_id, created_at) and its queue/agent/… siblings). Every other order is bounded: the
 * WHERE keeps to the view's date range on that index, MariaDB sorts those rows (a filesort over
 * the range, not the table), and each statement has the history time limit, past which the
 * reader is told to narrow the range instead of waiting. Names come from their own tables by
 * primary key, within the row's tenant, so the order is the one the grid shows.
 */

interface SortSpec {
	/** The SQL value ordered by; never NULL, so the keyset comparisons hold for every row. */
	expression: string;
	kind: CursorKind;
	/** LEFT JOINs the expression needs (aliases q, a, d, cc). */
	joins: (db: string) => string;
}

const none = () => '';
const within = (table: string, alias: string, column: string) => (db: string) =>
	` LEFT JOIN ${db}.${table} ${alias} ON ${alias}.id = c.${column} AND ${alias}.tenant_id = c.tenant_id`;

const SORTS: Partial<Record<SortKey, SortSpec>> = {
	created: { expression: 'c.created_at', kind: 'time', joins: none },
	closed: { expression: 'c.closed_at', kind: 'time', joins: none },
	duration: { expression: 'c.talk_seconds', kind: 'number', joins: none },
	acw: { expression: 'c.acw_seconds', kind: 'number', joins: none },
	// As text: an ENUM orders by its declaration but compares as text, which would break a keyset.
	channel: { expression: 'CAST(c.channel AS CHAR)', kind: 'text', joins: none },
	did: { expression: "COALESCE(c.did, '')", kind: 'text', joins: none },
	queue: {
		expression: "COALESCE(q.name, '')",
		kind: 'text',
		joins: within('queues', 'q', 'queue_id')
	},
	agent: {
		expression: "COALESCE(a.name, '')",
		kind: 'text',
		joins: within('agents', 'a', 'agent_id')
	},
	disposition: {
		expression: "COALESCE(d.code, '')",
		kind: 'text',
		joins: within('dispositions', 'd', 'disposition_id')
	},
	// The grid's Client: the CRM contact's name, else the caller's number, else the DID.
	client: {
		expression: "COALESCE(cc.name, c.phone_number, c.did, '')",
		kind: 'text',
		joins: within('crm_contacts', 'cc', 'crm_contact_id')
	}
};

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
}

/** ORDER BY and the keyset condition for "strictly after the cursor" in that order. */
export function keyset(
	sort: SortKey,
	dir: 'asc' | 'desc',
	cursor: Cursor | null,
	params: unknown[],
	db: string
): Keyset {
	const spec = specOf(sort);
	const column = spec.expression;
	const op = dir === 'desc' ? '<' : '>';
	const orderBy = `${column} ${dir.toUpperCase()}, c.id ${dir.toUpperCase()}`;
	const joins = spec.joins(db);
	if (!cursor) return { after: '', orderBy, column, joins };
	// The leading `column <= ?` (or >=) gives MariaDB a range to seek to on the index; an OR alone
	// makes it scan from the top of the index for every page.
	params.push(cursor.value, cursor.value, cursor.id);
	return {
		after: ` AND ${column} ${op}= ? AND (${column} ${op} ? OR c.id ${op} CAST(? AS UNSIGNED))`,
		orderBy,
		column,
		joins
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
