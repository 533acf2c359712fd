import type { PoolConnection } from 'mysql2';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { matchesFilters } from '$lib/filters';
import type { Interaction, TenantInfo } from '$lib/interaction';
import { compareRows } from '$lib/live/sort';
import { escapeId, timeLimited } from '../db';
import { keyset, type HistoryDeps, type HistoryRequest } from '../history';
import type { Cursor } from '../history/cursor';
import { historyWhere } from '../history/where';
import { toInteraction, type RawRow } from '../interactions/map';
import type { LiveState } from '../live/state';
import { canSee } from '../scope';
import type { Sink } from './slices';
import { sortInRuns, type MergedRuns } from './sorted';

/**
 * The rows of the view on screen, a batch at a time and in the view's order: history through
 * the history module's scope-first WHERE and keyset, today from the live state under canSee.
 */

export interface ExportRequest extends HistoryRequest {
	tenant: TenantInfo;
}

export const EXPORT_BATCH = 5000;

/** Pushes the next batch of rows into `sink`; resolves whether more batches may follow. */
export type Batches = (sink: Sink<Interaction>) => Promise<boolean>;

// Only what the file shows: message bodies and recording paths would be read for nothing.
const EXPORT_COLUMNS = `c.id, c.tenant_id, c.queue_id, c.channel, c.direction, c.agent_id,
	c.crm_contact_id, c.phone_number, c.did, c.disposition_id, c.created_at, c.answered_at,
	c.acw_started_at, c.closed_at, c.wait_seconds, c.talk_seconds, c.acw_seconds`;

/**
 * A query's rows one at a time as they arrive. With a whole batch in an array, V8 saw every row
 * survive and promoted them to the old heap, which grew 50+ MB between full collections; handled
 * and dropped at once, rows die young and the old heap stays within a few MB. mysql2 hands over
 * all the rows of what the socket has read in one go, a whole batch when MariaDB is ahead: when
 * `rows.push` says the slice is full, the connection is paused (the rows still to come wait in
 * mysql2 and the socket) until the event loop has had its turn.
 */
async function eachRow(
	pool: Pool,
	sql: string,
	params: unknown[],
	rows: Sink<RawRow>
): Promise<void> {
	const link = await new Promise<PoolConnection>((resolve, reject) =>
		pool.pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection)))
	);
	try {
		await new Promise<void>((resolve, reject) => {
			let failure: unknown = null;
			const stop = (error: unknown) => {
				// The rest of the result is read and dropped: the connection goes back to the pool.
				failure = error;
				link.resume();
			};
			link
				.query(sql, params)
				.on('result', (raw) => {
					if (failure !== null) return;
					let more: boolean;
					try {
						more = rows.push(raw as RawRow);
					} catch (error) {
						failure = error;
						return;
					}
					if (more) return;
					link.pause();
					rows.turn().then(() => link.resume(), stop);
				})
				.on('error', reject)
				.on('end', () => (failure === null ? resolve() : reject(failure)));
		});
	} finally {
		link.release();
	}
}

/**
 * Keyset batches over closed_interactions. The order walks an index on scope + range alone (the
 * id-only query is covering); the other filters apply to the batch's rows by primary key. In one
 * query, MariaDB 10.11 reads a non-covering keyset by `ref` on tenant_id and re-scans every row
 * before the cursor for each batch: exports were quadratic (5.8 s for 200k rows, not 0.6 s).
 * Contact names come joined, not through the shared cache, which a million-contact export would
 * only churn.
 */
export function historyBatches(history: HistoryDeps, request: ExportRequest): Batches {
	const { pool, database, lookups, timeoutSeconds } = history;
	const { scope, filters, range } = request;
	const db = escapeId(database);
	const indexed = { ...filters, agent: '', channel: null, did: '', disposition: '' };
	let cursor: Cursor | null = null;
	return async (sink) => {
		const keys = historyWhere(scope, indexed, range, lookups);
		const { after, orderBy, column, joins, cursorOf } = keyset(
			filters.sort,
			filters.dir,
			cursor,
			keys.params,
			db,
			{ lookups, tenantId: scope.tenantId }
		);
		keys.params.push(EXPORT_BATCH);
		const [page] = await pool.query<RowDataPacket[]>(
			timeLimited(
				`SELECT c.id, ${column} AS sort_value FROM ${db}.closed_interactions c${joins}
				  WHERE ${keys.sql}${after} ORDER BY ${orderBy} LIMIT ?`,
				timeoutSeconds
			),
			keys.params
		);
		const last = page[page.length - 1];
		if (!last) return false;
		cursor = cursorOf({ sort_value: last.sort_value, id: last.id });
		const where = historyWhere(scope, filters, range, lookups);
		where.params.push(page.map((row) => String(row.id)));
		const sql = `SELECT ${EXPORT_COLUMNS}, k.name AS contact_name
		  FROM ${db}.closed_interactions c${joins} LEFT JOIN ${db}.crm_contacts k ON k.id = c.crm_contact_id
		 WHERE ${where.sql} AND c.id IN (?) ORDER BY ${orderBy}`;
		await eachRow(pool, timeLimited(sql, timeoutSeconds), where.params, {
			push: (raw) => {
				const row = toInteraction(raw, 'closed', lookups);
				if (!row) return true;
				if (raw.contact_name !== null) row.clientName = String(raw.contact_name);
				return sink.push(row);
			},
			turn: () => sink.turn()
		});
		return page.length === EXPORT_BATCH;
	};
}

/** Today is the live view: in progress first, then today's closed, each in the view's order. */
export function liveBatches(
	state: Pick<LiveState, 'rows'>,
	request: ExportRequest,
	nowMs: number
): Batches {
	const { scope, filters } = request;
	const rows = state.rows(
		scope.tenantId,
		(row) => canSee(scope, row) && matchesFilters(row, filters)
	);
	const order = compareRows(filters.sort, filters.dir, nowMs);
	const closedLast = (a: Interaction, b: Interaction) =>
		Number(a.status === 'closed') - Number(b.status === 'closed') || order(a, b);
	let sorted: MergedRuns<Interaction> | null = null;
	return async (sink) => {
		sorted ??= await sortInRuns(rows, closedLast, () => sink.turn());
		for (let n = 0; n < EXPORT_BATCH; n++) {
			const row = sorted.next();
			if (row === undefined) return false;
			if (!sink.push(row)) await sink.turn();
		}
		return !sorted.done;
	};
}
