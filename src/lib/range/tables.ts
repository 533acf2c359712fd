import { CHANNEL_LABELS, formatCount } from '$lib/format';
import { formatSeconds } from '$lib/live/durations';
import type { AgentRangeRow, ChannelRangeRow, QueueRangeRow, RangeFigures } from './picture';

/**
 * The columns of a range's tables, defined once for the screen (sortable, formatted) and the
 * CSV export (raw values, units in the header), so the file has exactly the table's columns.
 */

export type CellValue = string | number | null;

export interface Column<Row> {
	key: string;
	label: string;
	/** The header's unit in a CSV file, where values are raw ("Avg wait (s)"). */
	unit?: 's' | '%';
	value: (row: Row) => CellValue;
	/** The screen's text for the value; numbers as counts when absent. */
	format?: (value: number) => string;
	/** Text columns sort ascending first; figures descending (the biggest first). */
	text?: boolean;
}

export const formatPct = (value: number) => `${value.toFixed(1)}%`;
export const formatDuration = (value: number) => formatSeconds(Math.round(value));

export function cellText<Row>(column: Column<Row>, row: Row): string {
	const value = column.value(row);
	if (value === null) return '—';
	if (typeof value === 'string') return value;
	return (column.format ?? formatCount)(value);
}

/** The figures every queue, channel and the totals show, in this order. */
export const FIGURE_COLUMNS: Column<{ figures: RangeFigures }>[] = [
	{ key: 'offered', label: 'Offered', value: (r) => r.figures.offered },
	{ key: 'answered', label: 'Answered', value: (r) => r.figures.answered },
	{ key: 'abandoned', label: 'Abandoned', value: (r) => r.figures.abandoned },
	{
		key: 'serviceLevel',
		label: 'Service level',
		unit: '%',
		value: (r) => r.figures.serviceLevelPct,
		format: formatPct
	},
	{
		key: 'abandonRate',
		label: 'Abandon rate',
		unit: '%',
		value: (r) => r.figures.abandonRatePct,
		format: formatPct
	},
	{
		key: 'avgWait',
		label: 'Avg wait',
		unit: 's',
		value: (r) => r.figures.avgWaitSeconds,
		format: formatDuration
	},
	{
		key: 'p90Wait',
		label: '90th pct wait',
		unit: 's',
		value: (r) => r.figures.p90WaitSeconds,
		format: formatDuration
	},
	{
		key: 'avgTalk',
		label: 'Avg talk',
		unit: 's',
		value: (r) => r.figures.avgTalkSeconds,
		format: formatDuration
	},
	{
		key: 'avgAcw',
		label: 'Avg ACW',
		unit: 's',
		value: (r) => r.figures.avgAcwSeconds,
		format: formatDuration
	}
];

export const QUEUE_COLUMNS: Column<QueueRangeRow>[] = [
	{ key: 'queue', label: 'Queue', value: (r) => r.queueName, text: true },
	...FIGURE_COLUMNS
];

export const CHANNEL_COLUMNS: Column<ChannelRangeRow>[] = [
	{ key: 'channel', label: 'Channel', value: (r) => CHANNEL_LABELS[r.channel], text: true },
	...FIGURE_COLUMNS
];

export const AGENT_COLUMNS: Column<AgentRangeRow>[] = [
	{ key: 'agent', label: 'Agent', value: (r) => r.agentName, text: true },
	{ key: 'handled', label: 'Handled', value: (r) => r.handled },
	{
		key: 'avgTalk',
		label: 'Avg talk',
		unit: 's',
		value: (r) => r.avgTalkSeconds,
		format: formatDuration
	},
	{
		key: 'avgAcw',
		label: 'Avg ACW',
		unit: 's',
		value: (r) => r.avgAcwSeconds,
		format: formatDuration
	},
	{
		key: 'withinGoal',
		label: 'Answered within goal',
		unit: '%',
		value: (r) => r.withinGoalPct,
		format: formatPct
	}
];

export type SortDir = 'asc' | 'desc';

/** Rows in a column's order; empty figures (—) last either way, ties by the first column. */
export function sortRows<Row>(
	rows: readonly Row[],
	columns: readonly Column<Row>[],
	key: string,
	dir: SortDir
): Row[] {
	const column = columns.find((c) => c.key === key) ?? columns[0];
	const name = columns[0];
	const sign = dir === 'asc' ? 1 : -1;
	const compare = (a: CellValue, b: CellValue) =>
		typeof a === 'number' && typeof b === 'number'
			? a - b
			: String(a).localeCompare(String(b), 'en', { numeric: true });
	return [...rows].sort((a, b) => {
		const va = column.value(a);
		const vb = column.value(b);
		if (va === null || vb === null) {
			if (va !== vb) return va === null ? 1 : -1;
		} else {
			const order = compare(va, vb);
			if (order !== 0) return sign * order;
		}
		return compare(name.value(a), name.value(b));
	});
}
