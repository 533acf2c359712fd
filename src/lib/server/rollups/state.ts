import type { Pool, RowDataPacket } from 'mysql2/promise';
import { formatZonedDate, zonedDateOf } from '$lib/time/zone';
import { escapeId, msToSqlTime } from '../db';
import type { Goals } from '../insight/queries';
import type { RollupTenant, RowSource } from './recompute';

/** What the maintainer asks of the rollups' bookkeeping (range_rollup_days_done) and the rows. */

const utcMs = (value: unknown) => Date.parse(`${String(value).replace(' ', 'T')}Z`);

/** The local date of a tenant's first closed row, or null when it has none. */
export async function firstCreatedDay(
	rows: RowSource,
	tenant: RollupTenant
): Promise<string | null> {
	const [[row]] = await rows.pool.query<RowDataPacket[]>(
		`SELECT MIN(created_at) AS at FROM ${escapeId(rows.database)}.closed_interactions
		  WHERE tenant_id = ?`,
		[tenant.id]
	);
	if (row.at === null) return null;
	const at = row.at instanceof Date ? row.at.getTime() : utcMs(row.at);
	return formatZonedDate(zonedDateOf(at, tenant.timezone));
}

/** The local dates rolled up and not stale since. */
export async function rolledDays(dashboard: Pool, tenantId: number): Promise<Set<string>> {
	const [rows] = await dashboard.query<RowDataPacket[]>(
		`SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day FROM range_rollup_days_done WHERE tenant_id = ?`,
		[tenantId]
	);
	return new Set(rows.map((r) => String(r.day)));
}

/** Rolled days whose agent rows counted within goal against a goal that is no longer the queue's. */
export async function staleGoalDays(
	dashboard: Pool,
	tenantId: number,
	goals: Goals
): Promise<string[]> {
	const params: unknown[] = [];
	const special = [...goals.byQueue].filter(([, seconds]) => seconds !== goals.defaultSeconds);
	const goalSql =
		special.length === 0
			? '?'
			: `CASE a.queue_key ${special.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ? END`;
	params.push(...special.flat(), goals.defaultSeconds, tenantId);
	const [rows] = await dashboard.query<RowDataPacket[]>(
		`SELECT DISTINCT DATE_FORMAT(d.day, '%Y-%m-%d') AS day
		   FROM range_rollup_days_done d
		   JOIN range_rollup_agents a ON a.tenant_id = d.tenant_id AND a.day = d.day
		  WHERE a.goal_seconds <> ${goalSql} AND d.tenant_id = ?`,
		params
	);
	return rows.map((r) => String(r.day));
}

export async function unmarkDays(dashboard: Pool, tenantId: number, days: string[]): Promise<void> {
	if (days.length === 0) return;
	await dashboard.query('DELETE FROM range_rollup_days_done WHERE tenant_id = ? AND day IN (?)', [
		tenantId,
		days
	]);
}

/** The latest created_at of a tenant's rows before `beforeMs`, or null when none. */
export async function latestCreatedBefore(
	rows: RowSource,
	tenantId: number,
	beforeMs: number
): Promise<number | null> {
	const [[row]] = await rows.pool.query<RowDataPacket[]>(
		`SELECT MAX(created_at) AS at FROM ${escapeId(rows.database)}.closed_interactions
		  WHERE tenant_id = ? AND created_at < ?`,
		[tenantId, msToSqlTime(beforeMs)]
	);
	if (row.at === null) return null;
	return row.at instanceof Date ? row.at.getTime() : utcMs(row.at);
}
