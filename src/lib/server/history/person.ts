import type { RowDataPacket } from 'mysql2/promise';
import type { PersonKey } from '$lib/history/person';
import type { RowsPage, Source } from '$lib/interaction';
import { escapeId, timeLimited } from '../db';
import { ACTIVE_COLUMNS, CLOSED_COLUMNS, type RawRow } from '../interactions/map';
import { scopeSql, type Scope } from '../scope';
import { encodeCursor, type Cursor } from './cursor';
import { enrichRows } from './enrich';
import type { HistoryDeps } from './index';

/**
 * Everything of one client (by CRM contact, else by phone number) or one agent, across the
 * active and closed tables and all time, newest first, within the viewer's scope. In-progress
 * rows come with the first page; closed ones page by (created_at, id) on the reporting indexes.
 */

const KEY_COLUMN: Record<PersonKey['param'], string> = {
	contact: 'c.crm_contact_id',
	phone: 'c.phone_number',
	agent: 'c.agent_id'
};

function keySql(key: PersonKey, params: unknown[]): string {
	params.push(key.param === 'agent' ? Number(key.value) : key.value);
	return `${KEY_COLUMN[key.param]} = ?`;
}

export async function personHistoryPage(
	deps: HistoryDeps,
	scope: Scope,
	key: PersonKey,
	cursor: Cursor | null,
	limit: number
): Promise<RowsPage> {
	const db = escapeId(deps.database);
	const raws: { raw: RawRow; source: Source }[] = [];
	if (!cursor) {
		const params: unknown[] = [];
		const where = `${scopeSql(scope, 'c', params)} AND ${keySql(key, params)}`;
		const [active] = await deps.pool.query<RowDataPacket[]>(
			timeLimited(
				`SELECT ${ACTIVE_COLUMNS} FROM ${db}.active_interactions c WHERE ${where}
				  ORDER BY c.created_at DESC, c.id DESC`,
				deps.timeoutSeconds
			),
			params
		);
		for (const raw of active) raws.push({ raw, source: 'active' });
	}
	const params: unknown[] = [];
	let where = `${scopeSql(scope, 'c', params)} AND ${keySql(key, params)}`;
	if (cursor) {
		where += ' AND c.created_at <= ? AND (c.created_at < ? OR c.id < ?)';
		params.push(cursor.value, cursor.value, cursor.id);
	}
	params.push(limit + 1);
	const [closed] = await deps.pool.query<RowDataPacket[]>(
		timeLimited(
			`SELECT ${CLOSED_COLUMNS}, c.created_at AS sort_value FROM ${db}.closed_interactions c
			  WHERE ${where} ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
			deps.timeoutSeconds
		),
		params
	);
	const more = closed.length > limit;
	const page = more ? closed.slice(0, limit) : closed;
	for (const raw of page) raws.push({ raw, source: 'closed' });
	const last = page[page.length - 1];
	return {
		rows: await enrichRows(deps.pool, deps.database, deps.lookups, deps.recordingsRoot, raws),
		nextCursor: more && last ? encodeCursor({ value: last.sort_value, id: String(last.id) }) : null
	};
}
