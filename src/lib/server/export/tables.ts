import { spanText, type RangeSpan } from '$lib/filters';
import type { RangePicture } from '$lib/range/picture';
import {
	AGENT_COLUMNS,
	QUEUE_COLUMNS,
	sortRows,
	type CellValue,
	type Column,
	type SortDir
} from '$lib/range/tables';
import { csvText } from './csv';

/**
 * A range picture's per-queue or per-agent table as CSV: the screen's columns (one definition,
 * $lib/range/tables) in the order the screen shows, raw values a spreadsheet can add up (seconds
 * and percentages with one decimal, units in the header), and the range first with the time
 * zone in its header, as the grid's export names the zone of its times.
 */

export const RANGE_TABLES = ['queues', 'agents'] as const;
export type RangeTable = (typeof RANGE_TABLES)[number];

interface TableOf<Row> {
	columns: readonly Column<Row>[];
	rows: (picture: RangePicture) => readonly Row[];
}

const TABLES = {
	queues: { columns: QUEUE_COLUMNS, rows: (p) => p.byQueue } satisfies TableOf<
		RangePicture['byQueue'][number]
	>,
	agents: { columns: AGENT_COLUMNS, rows: (p) => p.byAgent } satisfies TableOf<
		RangePicture['byAgent'][number]
	>
};

/** The column keys a table can be ordered by, for the request's validation. */
export function tableColumnKeys(table: RangeTable): string[] {
	return TABLES[table].columns.map((c) => c.key);
}

function cell(value: CellValue): string {
	if (value === null) return '';
	if (typeof value === 'string') return csvText(value);
	return String(Math.round(value * 10) / 10);
}

function header<Row>(column: Column<Row>): string {
	return csvText(column.unit ? `${column.label} (${column.unit})` : column.label);
}

function tableText<Row>(
	table: TableOf<Row>,
	picture: RangePicture,
	span: Omit<RangeSpan, 'fromMs' | 'toMs'>,
	order: { key: string; dir: SortDir }
): string {
	const range = csvText(spanText(span));
	const lines = [[csvText(`Range (${picture.timeZone})`), ...table.columns.map(header)].join(',')];
	for (const row of sortRows(table.rows(picture), table.columns, order.key, order.dir)) {
		lines.push([range, ...table.columns.map((c) => cell(c.value(row)))].join(','));
	}
	// The BOM tells Excel the file is UTF-8, as the grid's export does.
	return '\uFEFF' + lines.map((line) => line + '\r\n').join('');
}

export function rangeTableCsv(
	table: RangeTable,
	picture: RangePicture,
	span: Omit<RangeSpan, 'fromMs' | 'toMs'>,
	order: { key: string; dir: SortDir }
): string {
	return table === 'queues'
		? tableText(TABLES.queues, picture, span, order)
		: tableText(TABLES.agents, picture, span, order);
}
