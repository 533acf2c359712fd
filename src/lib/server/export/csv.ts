import { CHANNEL_LABELS, STATUS_LABELS } from '$lib/format';
import type { Interaction, TenantInfo } from '$lib/interaction';
import { acwSeconds, talkSeconds, waitSeconds } from '$lib/live/durations';

/** The export's file format: RFC 4180 records a spreadsheet opens safely, and the file's name. */

/**
 * The header line: the grid's columns, plus Phone, the wait and the interaction id for matching
 * up. Times are in the tenant's zone and say which (a file outlives the screen that showed the
 * zone); durations are whole seconds, the unit in the name, so a spreadsheet can add them up.
 */
export function csvHeader(timezone: string): string {
	return [
		`Created (${timezone})`,
		`Closed (${timezone})`,
		'Channel',
		'Queue',
		'Agent',
		'Client',
		'Phone',
		'DID',
		'Disposition',
		'Wait (s)',
		'Duration (s)',
		'ACW (s)',
		'Status',
		'Interaction ID'
	]
		.map(csvText)
		.join(',');
}

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
			seconds(waitSeconds(row, nowMs)),
			seconds(talkSeconds(row, nowMs)),
			seconds(acwSeconds(row, nowMs)),
			STATUS_LABELS[row.status],
			row.id
		].join(',') + '\r\n'
	);
}

/**
 * `interactions_<tenant-slug>_<from>_<to>.csv` (or `queues_…`, `agents_…` for a range's tables),
 * ASCII only so no RFC 5987 encoding is needed.
 */
export function exportFileName(
	tenant: TenantInfo,
	from: string,
	to: string,
	what = 'interactions'
): string {
	const slug = tenant.name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return `${what}_${slug || `tenant-${tenant.id}`}_${from}_${to}.csv`;
}
