import * as v from 'valibot';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { ALERT_LEVELS, ALERT_METRICS, type AlertLevel, type AlertMetric } from '$lib/alerts';
import { METRICS } from '$lib/alerts/rules';
import { idField, parseFields } from '$lib/params';
import { msToSqlTime } from '../db/time';
import { csvText } from '../export/csv';
import { zonedTimestamps } from '../export/timestamps';
import { ALERT_COLUMNS, alertFromRow, type AlertRecord } from './record';

/**
 * The alerts of a tenant's last 90 days (the admin page and its CSV export): filtered by days
 * back, queue, level, metric and state, always bound to one tenant.
 */

export const HISTORY_DAYS = 90;
export const ALERT_STATES = ['open', 'acknowledged', 'cleared'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export interface HistoryFilter {
	days: number;
	queueId?: number;
	level?: AlertLevel;
	metric?: AlertMetric;
	state?: AlertState;
}

const FIELDS = {
	days: v.pipe(
		v.string(),
		v.regex(/^\d{1,2}$/, `days must be a whole number from 1 to ${HISTORY_DAYS}`),
		v.transform(Number),
		v.minValue(1, `days must be from 1 to ${HISTORY_DAYS}`),
		v.maxValue(HISTORY_DAYS, `Alerts are kept for ${HISTORY_DAYS} days`)
	),
	queue: idField('queue must be a queue id'),
	level: v.picklist(ALERT_LEVELS, 'level must be warning or critical'),
	metric: v.picklist(ALERT_METRICS, 'metric is not one of the alert metrics'),
	state: v.picklist(ALERT_STATES, 'state must be open, acknowledged or cleared')
};

/** The filter of a query string, or the message of each bad field. */
export function parseHistoryFilter(params: URLSearchParams): {
	filter: HistoryFilter;
	errors: Partial<Record<keyof typeof FIELDS, string>>;
} {
	const { values, errors } = parseFields(params, FIELDS);
	return {
		filter: {
			days: values.days ?? 7,
			queueId: values.queue,
			level: values.level,
			metric: values.metric,
			state: values.state
		},
		errors
	};
}

export async function alertHistory(
	pool: Pool,
	tenantId: number,
	filter: HistoryFilter,
	now: number,
	limit: number
): Promise<AlertRecord[]> {
	const where = ['tenant_id = ?', 'fired_at >= ?'];
	const params: unknown[] = [tenantId, msToSqlTime(now - filter.days * 86_400_000)];
	if (filter.queueId !== undefined) {
		where.push('queue_id = ?');
		params.push(filter.queueId);
	}
	if (filter.level) {
		where.push('level = ?');
		params.push(filter.level);
	}
	if (filter.metric) {
		where.push('metric = ?');
		params.push(filter.metric);
	}
	if (filter.state === 'open') where.push('open = 1 AND acknowledged_at IS NULL');
	if (filter.state === 'acknowledged') where.push('acknowledged_at IS NOT NULL');
	if (filter.state === 'cleared') where.push('cleared_at IS NOT NULL');
	params.push(limit);
	const [rows] = await pool.query<RowDataPacket[]>(
		`SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${where.join(' AND ')}
		  ORDER BY fired_at DESC, id DESC LIMIT ?`,
		params
	);
	return rows.map(alertFromRow);
}

/** The CSV of alerts: times in the tenant's zone, which the header names. */
export function alertsCsv(
	alerts: readonly AlertRecord[],
	timeZone: string,
	queueName: (queueId: number) => string
): string {
	const stamp = zonedTimestamps(timeZone);
	const header = [
		`Fired (${timeZone})`,
		`Acknowledged (${timeZone})`,
		'Acknowledged by',
		`Cleared (${timeZone})`,
		'Queue',
		'Level',
		'Metric',
		'Value',
		'Threshold',
		'Summary',
		'Interaction ID',
		'Alert ID'
	];
	const lines = alerts.map((a) =>
		[
			stamp(a.firedAt),
			stamp(a.acknowledgedAt),
			csvText(a.acknowledgedByName),
			stamp(a.clearedAt),
			csvText(queueName(a.queueId)),
			a.level,
			csvText(METRICS[a.metric].label),
			String(Math.round(a.value * 100) / 100),
			String(a.threshold),
			csvText(a.summary),
			csvText(a.subject),
			String(a.id)
		].join(',')
	);
	return [header.map(csvText).join(','), ...lines].join('\r\n') + '\r\n';
}
