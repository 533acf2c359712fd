import { ALERT_LEVELS, ALERT_METRICS, type AlertLevel, type AlertMetric, type AlertView } from '$lib/alerts'; // prettier-ignore
import { ALERT_CHANNELS, type AlertChannel } from '$lib/alerts/rules';
import { sqlTimeToIso } from '../db/time';

/**
 * One `alerts` row (one breach) as the server holds it, read the same way from SQL and from the
 * dashboard binlog (both decode DATETIME as UTC text and SET as 'a,b'), and what a screen is
 * sent of it. The row carries everything a screen shows, so every node turns a binlog row into
 * a message without reading the database.
 */
export interface AlertRecord {
	id: number;
	tenantId: number;
	queueId: number;
	ruleId: number;
	/** '' for a queue-wide rule; the interaction id for a per-interaction one. */
	subject: string;
	metric: AlertMetric;
	level: AlertLevel;
	/** The rule's channels when it fired: screens and walls are decided per message. */
	channels: AlertChannel[];
	summary: string;
	value: number;
	threshold: number;
	firedAt: string;
	clearedAt: string | null;
	acknowledgedAt: string | null;
	acknowledgedBy: number | null;
	acknowledgedByName: string | null;
}

/** The columns alertFromRow reads, for SELECTs. */
export const ALERT_COLUMNS =
	'id, tenant_id, queue_id, rule_id, subject, metric, level, channels, summary, value, threshold, ' +
	'fired_at, cleared_at, acknowledged_at, acknowledged_by, acknowledged_by_name';

const oneOf = <T extends string>(list: readonly T[], value: unknown, fallback: T): T =>
	list.includes(value as T) ? (value as T) : fallback;

export function channelsOf(value: unknown): AlertChannel[] {
	const text = Array.isArray(value) ? value.join(',') : String(value ?? '');
	return text
		.split(',')
		.filter((c): c is AlertChannel => (ALERT_CHANNELS as readonly string[]).includes(c));
}

export function alertFromRow(row: Record<string, unknown>): AlertRecord {
	const by = row.acknowledged_by;
	return {
		id: Number(row.id),
		tenantId: Number(row.tenant_id),
		queueId: Number(row.queue_id),
		ruleId: Number(row.rule_id),
		subject: String(row.subject ?? ''),
		metric: oneOf(ALERT_METRICS, row.metric, 'longest-wait'),
		level: oneOf(ALERT_LEVELS, row.level, 'warning'),
		channels: channelsOf(row.channels),
		summary: String(row.summary ?? ''),
		value: Number(row.value),
		threshold: Number(row.threshold),
		firedAt: sqlTimeToIso(row.fired_at) ?? new Date(0).toISOString(),
		clearedAt: sqlTimeToIso(row.cleared_at),
		acknowledgedAt: sqlTimeToIso(row.acknowledged_at),
		acknowledgedBy: by === null || by === undefined ? null : Number(by),
		acknowledgedByName: row.acknowledged_by_name ? String(row.acknowledged_by_name) : null
	};
}

/**
 * What a screen is sent. Wall displays never learn who acknowledged (a name is personal data,
 * and a wall is a screen in a room): they are told only that and when.
 */
export function alertView(alert: AlertRecord, queueName: string, forWall: boolean): AlertView {
	const perInteraction = alert.metric === 'interaction-wait' || alert.metric === 'interaction-acw';
	return {
		id: alert.id,
		tenantId: alert.tenantId,
		queueId: alert.queueId,
		queueName,
		ruleId: alert.ruleId,
		metric: alert.metric,
		level: alert.level,
		summary: alert.summary,
		value: alert.value,
		threshold: alert.threshold,
		interactionId: perInteraction && alert.subject !== '' ? alert.subject : null,
		firedAt: alert.firedAt,
		clearedAt: alert.clearedAt,
		acknowledgedAt: alert.acknowledgedAt,
		acknowledgedBy: forWall ? null : alert.acknowledgedByName
	};
}
