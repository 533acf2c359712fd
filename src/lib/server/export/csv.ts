import type { RowDataPacket } from 'mysql2/promise';
import { matchesFilters } from '$lib/filters';
import { CHANNEL_LABELS, formatInZone, STATUS_LABELS } from '$lib/format';
import type { Interaction, TenantInfo } from '$lib/interaction';
import { acwSeconds, talkSeconds } from '$lib/live/durations';
import { compareRows } from '$lib/live/sort';
import type { App } from '../app';
import { escapeId } from '../db';
import { keyset, type HistoryRequest } from '../history';
import type { Cursor } from '../history/cursor';
import { historyWhere } from '../history/where';
import { toInteraction } from '../interactions/map';
import { canSee, type Viewer } from '../scope';

/**
 * Exactly the view on screen as a CSV stream. History is read in keyset batches and a batch is
 * fetched only when the client has taken the previous one (pull), so a million-row export holds
 * one batch in memory, and a client that goes away stops the queries.
 */

export interface ExportRequest extends HistoryRequest {
	tenant: TenantInfo;
}

export const EXPORT_BATCH = 5000;

export const CSV_HEADER = [
	'Created',
	'Closed',
	'Channel',
	'Queue',
	'Agent',
	'Client',
	'Phone',
	'DID',
	'Disposition',
	'Duration (s)',
	'ACW (s)',
	'Status',
	'Interaction ID'
];

// Only what the file shows: message bodies and recording paths would be read for nothing.
const EXPORT_COLUMNS = [
	'id',
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
	'closed_at',
	'wait_seconds',
	'talk_seconds',
	'acw_seconds'
]
	.map((column) => `c.${column}`)
	.join(', ');

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One text field, RFC 4180 quoted, and defused against spreadsheet formula injection. */
export function csvText(value: string | null): string {
	if (value === null || value === '') return '';
	// Excel and LibreOffice run a cell starting with = + - @ as a formula; a leading ' keeps it
	// text. A plain number only evaluates to itself, so "+4930…" or "-5" stay untouched.
	const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
	return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const seconds = (value: number | null) => (value === null ? '' : String(value));

/** One CSV record (CRLF-terminated); in-progress durations are as of `nowMs`. */
export function csvLine(row: Interaction, timeZone: string, nowMs: number): string {
	return (
		[
			formatInZone(row.createdAt, timeZone),
			formatInZone(row.closedAt, timeZone),
			CHANNEL_LABELS[row.channel],
			csvText(row.queueName),
			csvText(row.agentName),
			csvText(row.clientName),
			csvText(row.phoneNumber),
			csvText(row.did),
			csvText(row.dispositionCode),
			seconds(talkSeconds(row, nowMs)),
			seconds(acwSeconds(row, nowMs)),
			STATUS_LABELS[row.status],
			row.id
		].join(',') + '\r\n'
	);
}

/** `interactions_<tenant-slug>_<from>_<to>.csv`, ASCII only so no RFC 5987 encoding is needed. */
export function exportFileName(tenant: TenantInfo, from: string, to: string): string {
	const slug = tenant.name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return `interactions_${slug || `tenant-${tenant.id}`}_${from}_${to}.csv`;
}

/** The next batch of rows, [] when a batch had nothing to show, null at the end. */
type Batches = () => Promise<Interaction[] | null>;

function historyBatches(app: App, request: ExportRequest): Batches {
	const { pool, database, lookups } = app.history;
	let cursor: Cursor | null = null;
	let done = false;
	return async () => {
		if (done) return null;
		const { sql, params } = historyWhere(request.scope, request.filters, request.range, lookups);
		const { filters } = request;
		const { after, orderBy, column } = keyset(filters.sort, filters.dir, cursor, params);
		params.push(EXPORT_BATCH);
		const [raws] = await pool.query<RowDataPacket[]>(
			`SELECT ${EXPORT_COLUMNS}, ${column} AS sort_value
			   FROM ${escapeId(database)}.closed_interactions c
			  WHERE ${sql}${after}
			  ORDER BY ${orderBy} LIMIT ?`,
			params
		);
		done = raws.length < EXPORT_BATCH;
		const last = raws[raws.length - 1];
		if (last) cursor = { value: last.sort_value as Cursor['value'], id: String(last.id) };
		const contactIds = raws.map((raw) =>
			raw.crm_contact_id === null ? null : String(raw.crm_contact_id)
		);
		await lookups.loadContacts(pool, lookups.missingContacts(contactIds));
		return raws
			.map((raw) => toInteraction(raw, 'closed', lookups))
			.filter((row): row is Interaction => row !== null);
	};
}

/** Today is the live view: in progress first, then today's closed, each in the view's order. */
function liveBatches(app: App, request: ExportRequest, nowMs: number): Batches {
	const { scope, filters } = request;
	const rows = app.live.state.rows(
		scope.tenantId,
		(row) => canSee(scope, row) && matchesFilters(row, filters)
	);
	const order = compareRows(filters.sort, filters.dir, nowMs);
	const all = [
		...rows.filter((row) => row.status !== 'closed').sort(order),
		...rows.filter((row) => row.status === 'closed').sort(order)
	];
	let offset = 0;
	return async () => {
		if (offset >= all.length) return null;
		offset += EXPORT_BATCH;
		return all.slice(offset - EXPORT_BATCH, offset);
	};
}

export function exportCsv(
	app: App,
	request: ExportRequest,
	viewer: Viewer
): ReadableStream<Uint8Array> {
	const nowMs = Date.now();
	const timeZone = request.tenant.timezone;
	const next =
		request.filters.range === 'today'
			? liveBatches(app, request, nowMs)
			: historyBatches(app, request);
	const encoder = new TextEncoder();
	const log = app.log.child('export');
	const who = viewer.kind === 'user' ? viewer.username : `wall:${viewer.label}`;
	let rows = 0;
	let cancelled = false;
	return new ReadableStream<Uint8Array>({
		start(controller) {
			// The BOM tells Excel the file is UTF-8; without it names with accents turn to mojibake.
			controller.enqueue(encoder.encode('\uFEFF' + CSV_HEADER.join(',') + '\r\n'));
		},
		async pull(controller) {
			try {
				// A pull that enqueues nothing is not called again: loop past empty batches.
				for (;;) {
					const batch = await next();
					if (cancelled) return;
					if (batch === null) {
						controller.close();
						log.info('export done', { who, tenantId: request.tenant.id, rows });
						return;
					}
					if (batch.length === 0) continue;
					rows += batch.length;
					let text = '';
					for (const row of batch) text += csvLine(row, timeZone, nowMs);
					controller.enqueue(encoder.encode(text));
					return;
				}
			} catch (error) {
				log.error('export failed', { who, tenantId: request.tenant.id, rows, error });
				// Erroring the stream aborts the response: a truncated file must not look complete.
				controller.error(error);
			}
		},
		cancel() {
			cancelled = true;
			log.info('export cancelled', { who, tenantId: request.tenant.id, rows });
		}
	});
}
