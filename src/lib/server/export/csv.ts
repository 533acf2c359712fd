import type { Pool, RowDataPacket } from 'mysql2/promise';
import { matchesFilters } from '$lib/filters';
import { CHANNEL_LABELS, formatInZone, STATUS_LABELS } from '$lib/format';
import type { Interaction, TenantInfo } from '$lib/interaction';
import { acwSeconds, talkSeconds } from '$lib/live/durations';
import { compareRows } from '$lib/live/sort';
import { zoneOffsetMs } from '$lib/time/zone';
import type { App } from '../app';
import { escapeId } from '../db';
import { keyset, type HistoryRequest } from '../history';
import type { Cursor } from '../history/cursor';
import { historyWhere } from '../history/where';
import { toInteraction, type RawRow } from '../interactions/map';
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

/** The header line: the grid's columns, plus Phone and the interaction id for matching up. */
export const CSV_HEADER =
	'Created,Closed,Channel,Queue,Agent,Client,Phone,DID,Disposition,Duration (s),ACW (s),Status,' +
	'Interaction ID';

// Only what the file shows: message bodies and recording paths would be read for nothing.
const EXPORT_COLUMNS = `c.id, c.tenant_id, c.queue_id, c.channel, c.direction, c.agent_id,
	c.crm_contact_id, c.phone_number, c.did, c.disposition_id, c.created_at, c.answered_at,
	c.acw_started_at, c.closed_at, c.wait_seconds, c.talk_seconds, c.acw_seconds`;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One text field, RFC 4180 quoted, and defused against spreadsheet formula injection. */
export function csvText(value: string | null): string {
	if (value === null || value === '') return '';
	// Excel and LibreOffice run a cell starting with = + - @ (or tab, CR) as a formula; a leading
	// ' keeps it text. A plain number only evaluates to itself, so "+4930…" or "-5" stay as is.
	const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
	return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const QUARTER_HOUR = 900_000;

/**
 * formatInZone for a stream of timestamps. Intl per timestamp was a third of the export's time,
 * so the zone's offset is looked up once per quarter hour (every zone transition in use falls on
 * one); a quarter hour that does contain a transition goes through formatInZone itself.
 */
export function zonedTimestamps(timeZone: string): (iso: string | null) => string {
	const offsets = new Map<number, number | null>();
	return (iso) => {
		if (!iso) return '';
		const ms = Date.parse(iso);
		const slot = Math.floor(ms / QUARTER_HOUR);
		let offset = offsets.get(slot);
		if (offset === undefined) {
			if (offsets.size > 100_000) offsets.clear();
			const first = zoneOffsetMs(slot * QUARTER_HOUR, timeZone);
			const last = zoneOffsetMs((slot + 1) * QUARTER_HOUR - 1, timeZone);
			offset = first === last ? first : null;
			offsets.set(slot, offset);
		}
		if (offset === null) return formatInZone(iso, timeZone);
		return new Date(ms + offset).toISOString().slice(0, 19).replace('T', ' ');
	};
}

const seconds = (value: number | null) => (value === null ? '' : String(value));

/** One CSV record (CRLF-terminated); in-progress durations are as of `nowMs`. */
export function csvLine(
	row: Interaction,
	timestamp: (iso: string | null) => string,
	nowMs: number
): string {
	return (
		[
			timestamp(row.createdAt),
			timestamp(row.closedAt),
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

/** Hands the next batch of rows to `emit`; resolves whether more batches may follow. */
type Batches = (emit: (row: Interaction) => void) => Promise<boolean>;

/**
 * A query's rows one at a time as they arrive. With a whole batch in an array, V8 saw every row
 * survive and promoted them to the old heap, which grew 50+ MB between full collections; handled
 * and dropped at once, rows die young and the old heap stays within a few MB.
 */
function eachRow(pool: Pool, sql: string, params: unknown[], onRow: (raw: RawRow) => void) {
	return new Promise<void>((resolve, reject) => {
		let failure: unknown = null;
		pool.pool
			.query(sql, params)
			.on('result', (raw) => {
				try {
					if (failure === null) onRow(raw as RawRow);
				} catch (error) {
					failure = error;
				}
			})
			.on('error', reject)
			.on('end', () => (failure === null ? resolve() : reject(failure)));
	});
}

/**
 * Keyset batches over closed_interactions. The order walks an index on scope + range alone (the
 * id-only query is covering); the other filters apply to the batch's rows by primary key. In one
 * query, MariaDB 10.11 reads a non-covering keyset by `ref` on tenant_id and re-scans every row
 * before the cursor for each batch: exports were quadratic (5.8 s for 200k rows, not 0.6 s).
 * Contact names come joined, not through the shared cache, which a million-contact export would
 * only churn.
 */
function historyBatches(app: App, request: ExportRequest): Batches {
	const { pool, database, lookups } = app.history;
	const { scope, filters, range } = request;
	const db = escapeId(database);
	const indexed = { ...filters, agent: '', channel: null, did: '', disposition: '' };
	let cursor: Cursor | null = null;
	return async (emit) => {
		const keys = historyWhere(scope, indexed, range, lookups);
		const { after, orderBy, column } = keyset(filters.sort, filters.dir, cursor, keys.params);
		keys.params.push(EXPORT_BATCH);
		const [page] = await pool.query<RowDataPacket[]>(
			`SELECT c.id, ${column} AS sort_value FROM ${db}.closed_interactions c
			  WHERE ${keys.sql}${after} ORDER BY ${orderBy} LIMIT ?`,
			keys.params
		);
		const last = page[page.length - 1];
		if (!last) return false;
		cursor = { value: last.sort_value as Cursor['value'], id: String(last.id) };
		const where = historyWhere(scope, filters, range, lookups);
		where.params.push(page.map((row) => String(row.id)));
		const sql = `SELECT ${EXPORT_COLUMNS}, k.name AS contact_name
		  FROM ${db}.closed_interactions c LEFT JOIN ${db}.crm_contacts k ON k.id = c.crm_contact_id
		 WHERE ${where.sql} AND c.id IN (?) ORDER BY ${orderBy}`;
		await eachRow(pool, sql, where.params, (raw) => {
			const row = toInteraction(raw, 'closed', lookups);
			if (!row) return;
			if (raw.contact_name !== null) row.clientName = String(raw.contact_name);
			emit(row);
		});
		return page.length === EXPORT_BATCH;
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
	return async (emit) => {
		const end = Math.min(offset + EXPORT_BATCH, all.length);
		for (; offset < end; offset++) emit(all[offset]);
		return offset < all.length;
	};
}

/** Encodes text straight into one buffer per batch, so no batch-sized string is ever built. */
class ChunkWriter {
	#encoder = new TextEncoder();
	#buffer = new Uint8Array(0);
	#length = 0;

	write(text: string): void {
		// UTF-16 to UTF-8 takes at most 3 bytes per code unit.
		const needed = this.#length + text.length * 3;
		if (needed > this.#buffer.length) {
			const bigger = new Uint8Array(Math.max(needed, this.#buffer.length * 2, 1 << 20));
			bigger.set(this.#buffer.subarray(0, this.#length));
			this.#buffer = bigger;
		}
		this.#length += this.#encoder.encodeInto(text, this.#buffer.subarray(this.#length)).written;
	}

	/** The bytes written since the last take, or null when there were none. */
	take(): Uint8Array | null {
		if (this.#length === 0) return null;
		const chunk = this.#buffer.subarray(0, this.#length);
		this.#buffer = new Uint8Array(0);
		this.#length = 0;
		return chunk;
	}
}

export function exportCsv(
	app: App,
	request: ExportRequest,
	viewer: Viewer
): ReadableStream<Uint8Array> {
	const nowMs = Date.now();
	const timestamp = zonedTimestamps(request.tenant.timezone);
	const next =
		request.filters.range === 'today'
			? liveBatches(app, request, nowMs)
			: historyBatches(app, request);
	const writer = new ChunkWriter();
	const log = app.log.child('export');
	const context = {
		who: viewer.kind === 'user' ? viewer.username : `wall:${viewer.label}`,
		tenantId: request.tenant.id,
		rows: 0
	};
	const emit = (row: Interaction) => {
		writer.write(csvLine(row, timestamp, nowMs));
		context.rows++;
	};
	let cancelled = false;
	return new ReadableStream<Uint8Array>({
		start(controller) {
			// The BOM tells Excel the file is UTF-8; without it names with accents turn to mojibake.
			writer.write('\uFEFF' + CSV_HEADER + '\r\n');
			controller.enqueue(writer.take()!);
		},
		async pull(controller) {
			try {
				// A pull that enqueues nothing is not called again: go on past empty batches.
				for (;;) {
					const more = await next(emit);
					if (cancelled) return;
					const chunk = writer.take();
					if (chunk) controller.enqueue(chunk);
					if (!more) {
						controller.close();
						log.info('export done', context);
						return;
					}
					if (chunk) return;
				}
			} catch (error) {
				log.error('export failed', { ...context, error });
				// Erroring the stream aborts the response: a truncated file must not look complete.
				controller.error(error);
			}
		},
		cancel() {
			cancelled = true;
			log.info('export cancelled', context);
		}
	});
}
