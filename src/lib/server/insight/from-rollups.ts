import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Channel } from '$lib/interaction';
import type { WaitHistogram } from '$lib/queues/measures';
import { addWaitList, sumsFromRow } from '$lib/queues/measures-sql';
import { msToSqlTime } from '../db';
import type { HistoryRequest } from '../history';
import { rolledSlots } from '../rollups/recompute';
import { scopeSql } from '../scope';
import { localTimeSql, slotSql, SLOT_MS } from './intervals';
import type { BucketPlan, Goals, RangeGroup } from './queries';

/**
 * The range's groups from range_rollups (migration 8, src/lib/server/rollups) instead of the
 * rows: the same groups as readRange (queue, channel, agent, bucket) with the same sums, waits
 * and heat-map hours, from 15-minute UTC slots. Used only when the rollups can answer exactly:
 * - the filters are at most queue and channel: agent text, DID, disposition and status are not
 *   in the rollups, so those pictures read the rows (readRange), as before;
 * - the range starts and ends on a slot (local midnights of a zone with whole-quarter offsets);
 * - every slot of the range is rolled up (range_rollup_slots); otherwise null, and the rows
 *   answer (a first start still backfilling, a range reaching past now).
 * Scope: scopeSql over the rollups' own tenant_id and queue_id, as over the rows.
 */

export async function readRollups(
	dashboard: Pool,
	request: HistoryRequest,
	goals: Goals,
	plan: BucketPlan
): Promise<RangeGroup[] | null> {
	const { filters, range, scope } = request;
	if (filters.agent || filters.did || filters.disposition || filters.status) return null;
	if (range.fromMs % SLOT_MS !== 0 || range.toMs % SLOT_MS !== 0) return null;
	const slots = (range.toMs - range.fromMs) / SLOT_MS;
	if ((await rolledSlots(dashboard, scope.tenantId, range.fromMs, range.toMs)) !== slots) {
		return null;
	}
	const params: unknown[] = [];
	const local = () => localTimeSql('r.slot_start', plan.spans, params);
	const bucket =
		plan.size === '1d' ? `DATE(${local()})` : slotSql('r.slot_start', plan.anchorMs, params);
	const hours = plan.heatmap
		? `GROUP_CONCAT(IF(r.offered > 0, CONCAT(HOUR(${local()}), ':', r.offered), NULL)) AS hours`
		: 'NULL AS hours';
	const where = [scopeSql(scope, 'r', params), 'r.slot_start >= ?', 'r.slot_start < ?'];
	params.push(msToSqlTime(range.fromMs), msToSqlTime(range.toMs));
	if (filters.queueId !== null) {
		where.push('r.queue_id = ?');
		params.push(filters.queueId);
	}
	if (filters.channel) {
		where.push('r.channel = ?');
		params.push(filters.channel);
	}
	const [rows] = await dashboard.query<RowDataPacket[]>(
		`SET STATEMENT group_concat_max_len = 1073741824 FOR
		 SELECT r.queue_id, r.channel, r.agent_id, ${bucket} AS bucket,
		        SUM(r.offered) AS offered, SUM(r.answered) AS answered,
		        SUM(r.abandoned) AS abandoned, SUM(r.wait_sum_seconds) AS wait_sum_seconds,
		        SUM(r.handled) AS handled, SUM(r.talk_sum_seconds) AS talk_sum_seconds,
		        SUM(r.acw_sum_seconds) AS acw_sum_seconds, GROUP_CONCAT(r.waits) AS waits, ${hours}
		   FROM range_rollups r
		  WHERE ${where.join(' AND ')}
		  GROUP BY r.queue_id, r.channel, r.agent_id, bucket`,
		params
	);
	return rows.map((r) => {
		const queueId = r.queue_id === null ? null : Number(r.queue_id);
		const waits: WaitHistogram = new Map();
		addWaitList(waits, r.waits);
		const sums = sumsFromRow(r);
		// Within goal against the queue's goal now, as the rows' SQL counts it (goalSecondsSql).
		const goal =
			(queueId === null ? undefined : goals.byQueue.get(queueId)) ?? goals.defaultSeconds;
		for (const [wait, count] of waits) if (wait <= goal) sums.answeredWithinGoal += count;
		return {
			queueId,
			channel: r.channel as Channel,
			agentId: r.agent_id === null ? null : Number(r.agent_id),
			bucket: r.bucket,
			sums,
			waits,
			hours: r.hours
		};
	});
}
