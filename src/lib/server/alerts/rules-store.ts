import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { ALERT_LEVELS, ALERT_METRICS } from '$lib/alerts';
import type { AlertRule, AlertRuleInput } from '$lib/alerts/rules';
import { channelsOf } from './record';

/** The `alert_rules` table. Every query but the evaluator's `enabled` is bound to a tenant. */

const COLUMNS =
	'id, tenant_id, queue_id, metric, level, threshold, min_duration_seconds, clear_threshold, ' +
	'clear_duration_seconds, channels, enabled';

function ruleFromRow(row: RowDataPacket): AlertRule | null {
	const metric = ALERT_METRICS.find((m) => m === row.metric);
	const level = ALERT_LEVELS.find((l) => l === row.level);
	// A row written by a newer version with a metric this one does not know is left alone.
	if (!metric || !level) return null;
	return {
		id: Number(row.id),
		tenantId: Number(row.tenant_id),
		queueId: row.queue_id === null ? null : Number(row.queue_id),
		metric,
		level,
		threshold: Number(row.threshold),
		minDurationSeconds: Number(row.min_duration_seconds),
		clearThreshold: Number(row.clear_threshold),
		clearDurationSeconds: Number(row.clear_duration_seconds),
		channels: channelsOf(row.channels),
		enabled: Number(row.enabled) === 1
	};
}

const valuesOf = (rule: AlertRuleInput) => [
	rule.queueId,
	rule.metric,
	rule.level,
	rule.threshold,
	rule.minDurationSeconds,
	rule.clearThreshold,
	rule.clearDurationSeconds,
	rule.channels.join(','),
	rule.enabled ? 1 : 0
];

export class AlertRuleStore {
	constructor(private readonly pool: Pool) {}

	/** Every enabled rule of every tenant: what the evaluator runs. */
	async enabled(): Promise<AlertRule[]> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT ${COLUMNS} FROM alert_rules WHERE enabled = 1`
		);
		return rows.map(ruleFromRow).filter((rule) => rule !== null);
	}

	async forTenant(tenantId: number): Promise<AlertRule[]> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT ${COLUMNS} FROM alert_rules WHERE tenant_id = ? ORDER BY queue_id IS NOT NULL, queue_id, metric, level, id`, // prettier-ignore
			[tenantId]
		);
		return rows.map(ruleFromRow).filter((rule) => rule !== null);
	}

	async get(tenantId: number, id: number): Promise<AlertRule | null> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT ${COLUMNS} FROM alert_rules WHERE tenant_id = ? AND id = ?`,
			[tenantId, id]
		);
		return rows[0] ? ruleFromRow(rows[0]) : null;
	}

	async create(tenantId: number, rule: AlertRuleInput, by: number): Promise<number> {
		const [result] = await this.pool.query<ResultSetHeader>(
			`INSERT INTO alert_rules (queue_id, metric, level, threshold, min_duration_seconds, clear_threshold,
			                          clear_duration_seconds, channels, enabled, tenant_id, updated_by)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[...valuesOf(rule), tenantId, by]
		);
		return result.insertId;
	}

	/** False when the tenant has no such rule. */
	async update(tenantId: number, id: number, rule: AlertRuleInput, by: number): Promise<boolean> {
		const [result] = await this.pool.query<ResultSetHeader>(
			`UPDATE alert_rules SET queue_id = ?, metric = ?, level = ?, threshold = ?, min_duration_seconds = ?,
			        clear_threshold = ?, clear_duration_seconds = ?, channels = ?, enabled = ?, updated_by = ?
			  WHERE tenant_id = ? AND id = ?`,
			[...valuesOf(rule), by, tenantId, id]
		);
		return result.affectedRows === 1;
	}

	async setEnabled(tenantId: number, id: number, enabled: boolean, by: number): Promise<boolean> {
		const [result] = await this.pool.query<ResultSetHeader>(
			'UPDATE alert_rules SET enabled = ?, updated_by = ? WHERE tenant_id = ? AND id = ?',
			[enabled ? 1 : 0, by, tenantId, id]
		);
		return result.affectedRows === 1;
	}

	async remove(tenantId: number, id: number): Promise<boolean> {
		const [result] = await this.pool.query<ResultSetHeader>(
			'DELETE FROM alert_rules WHERE tenant_id = ? AND id = ?',
			[tenantId, id]
		);
		return result.affectedRows === 1;
	}
}
