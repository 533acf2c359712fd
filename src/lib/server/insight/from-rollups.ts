import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Channel } from '$lib/interaction';
import type { FigureSums, WaitHistogram } from '$lib/queues/measures';
import { addWaitList, sumsFromRow } from '$lib/queues/measures-sql';
import { msToSqlTime } from '../db';
import type { HistoryRequest } from '../history';
import { scopeSql } from '../scope';
import { SLOT_MS, type OffsetSpan } from './intervals';
import type { BucketPlan, Goals, RangeGroup } from './queries';

/**
 * Reads of the range rollups (migration 8, src/lib/server/rollups) as the groups readRange
 * makes from the rows: the same sums, waits and heat-map hours per queue, channel and bucket.
 * Within goal is counted here from each group's wait histogram against its queue's goal now,
 * as the rows' SQL counts it (goalSecondsSql). Scope: scopeSql over the rollups' own tenant_id
 * and queue_id, as over the rows; then the queue and channel filters (the only filters the
 * rollups can answer: the caller leaves the others to the rows).
 */

const SUMS = `SUM(r.offered) AS offered, SUM(r.answered) AS answered,
	SUM(r.abandoned) AS abandoned, SUM(r.wait_sum_seconds) AS wait_sum_seconds,
	SUM(r.handled) AS handled, SUM(r.talk_sum_seconds) AS talk_sum_seconds,
	SUM(r.acw_sum_seconds) AS acw_sum_seconds`;
const COLUMNS = `r.offered, r.answered, r.abandoned, r.wait_sum_seconds, r.handled,
	r.talk_sum_seconds, r.acw_sum_seconds`;

/** The scope, then the queue and channel filters, over rollup rows `r`. */
function rollupWhere(request: HistoryRequest, params: unknown[]): string[] {
	const { filters, scope } = request;
	const where = [scopeSql(scope, 'r', params)];
	if (filters.queueId !== null) {
		where.push('r.queue_id = ?');
		params.push(filters.queueId);
	}
	if (filters.channel) {
		where.push('r.channel = ?');
		params.push(filters.channel);
	}
	return where;
}

const idOf = (value: unknown) => (value === null ? null : Number(value));

function figureGroup(r: RowDataPacket, goals: Goals, bucket: unknown, hours: unknown): RangeGroup {
	const queueId = idOf(r.queue_id);
	const waits: WaitHistogram = new Map();
	addWaitList(waits, r.waits);
	const sums = sumsFromRow(r);
	const goal = (queueId === null ? undefined : goals.byQueue.get(queueId)) ?? goals.defaultSeconds;
	for (const [wait, count] of waits) if (wait <= goal) sums.answeredWithinGoal += count;
	return { queueId, channel: r.channel as Channel, agentId: null, bucket, sums, waits, hours, use: 'figures' }; // prettier-ignore
}

/** Whole local days from range_rollup_days: bucket is the date, hours the offered per local hour. */
export async function readDays(
	dashboard: Pool,
	request: HistoryRequest,
	goals: Goals,
	dates: string[]
): Promise<RangeGroup[]> {
	if (dates.length === 0) return [];
	const params: unknown[] = [];
	const where = rollupWhere(request, params);
	const [rows] = await dashboard.query<RowDataPacket[]>(
		`SELECT r.queue_id, r.channel, DATE_FORMAT(r.day, '%Y-%m-%d') AS bucket, ${COLUMNS},
		        r.waits, r.hours
		   FROM range_rollup_days r
		  WHERE ${where.join(' AND ')} AND r.day IN (?)`,
		[...params, dates]
	);
	return rows.map((r) => figureGroup(r, goals, r.bucket, r.hours));
}

/** Spans of 15-minute slots from range_rollup_slots, bucketed as the plan asks. */
export async function readSlots(
	dashboard: Pool,
	request: HistoryRequest,
	goals: Goals,
	plan: BucketPlan,
	spans: [number, number][]
): Promise<RangeGroup[]> {
	if (spans.length === 0) return [];
	const params: unknown[] = [];
	const where = rollupWhere(request, params);
	const within = spans.map(([from, to]) => {
		params.push(msToSqlTime(from), msToSqlTime(to));
		return '(r.slot_start >= ? AND r.slot_start < ?)';
	});
	const [rows] = await dashboard.query<RowDataPacket[]>(
		`SELECT r.queue_id, r.channel, TIMESTAMPDIFF(SECOND, '1970-01-01', r.slot_start) AS s,
		        ${COLUMNS}, r.waits
		   FROM range_rollup_slots r
		  WHERE ${where.join(' AND ')} AND (${within.join(' OR ')})`,
		params
	);
	return rows.map((r) => {
		const slotMs = Number(r.s) * 1000;
		// Local time: UTC plus the zone's offset at that instant (a slot is in one local hour).
		const local = new Date(slotMs + offsetAt(plan.spans, slotMs) * 1000);
		const bucket =
			plan.size === '1d' ? local.toISOString().slice(0, 10) : (slotMs - plan.anchorMs) / SLOT_MS;
		const offered = Number(r.offered);
		const hours = plan.heatmap && offered > 0 ? `${local.getUTCHours()}:${offered}` : null;
		return figureGroup(r, goals, bucket, hours);
	});
}

function offsetAt(spans: OffsetSpan[], ms: number): number {
	for (const span of spans) if (ms < span.untilMs) return span.offsetSeconds;
	return spans[spans.length - 1].offsetSeconds;
}

/**
 * Agents of whole local days from range_rollup_agents, or null when a queue's goal changed
 * since those days were rolled up (their within-goal counts are stale: the rows answer).
 */
export async function readAgentDays(
	dashboard: Pool,
	request: HistoryRequest,
	goals: Goals,
	dates: string[]
): Promise<RangeGroup[] | null> {
	if (dates.length === 0) return [];
	const params: unknown[] = [];
	const where = rollupWhere(request, params);
	const [rows] = await dashboard.query<RowDataPacket[]>(
		`SELECT r.queue_id, r.channel, r.agent_id, r.goal_seconds, ${SUMS},
		        SUM(r.answered_within_goal) AS answered_within_goal
		   FROM range_rollup_agents r
		  WHERE ${where.join(' AND ')} AND r.day IN (?)
		  GROUP BY r.queue_id, r.channel, r.agent_id, r.goal_seconds`,
		[...params, dates]
	);
	const groups: RangeGroup[] = [];
	for (const r of rows) {
		const queueId = idOf(r.queue_id);
		const goal = (queueId === null ? undefined : goals.byQueue.get(queueId)) ?? goals.defaultSeconds; // prettier-ignore
		if (Number(r.goal_seconds) !== goal) return null;
		const sums: FigureSums = sumsFromRow(r);
		groups.push({ queueId, channel: r.channel as Channel, agentId: Number(r.agent_id), bucket: null, sums, waits: new Map(), hours: null, use: 'agents' }); // prettier-ignore
	}
	return groups;
}
