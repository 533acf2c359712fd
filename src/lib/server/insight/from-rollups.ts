import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Channel } from '$lib/interaction';
import type { FigureSums, WaitHistogram } from '$lib/queues/measures';
import { addWaitList, sumsFromRow } from '$lib/queues/measures-sql';
import { msToSqlTime } from '../db';
import type { HistoryRequest } from '../history';
import { SUM_COLUMNS } from '../rollups/pack';
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

const SUMS = SUM_COLUMNS.map((name) => `SUM(r.${name}) AS ${name}`).join(', ');
const COLUMNS = SUM_COLUMNS.map((name) => `r.${name}`).join(', ');

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

export function figureGroup(
	r: RowDataPacket,
	goals: Goals,
	bucket: unknown,
	hours: unknown
): RangeGroup {
	const queueId = idOf(r.queue_id);
	const waits: WaitHistogram = new Map();
	addWaitList(waits, r.waits);
	const sums = sumsFromRow(r);
	const goal = (queueId === null ? undefined : goals.byQueue.get(queueId)) ?? goals.defaultSeconds;
	for (const [wait, count] of waits) if (wait <= goal) sums.answeredWithinGoal += count;
	return { queueId, channel: r.channel as Channel, agentId: null, bucket, sums, waits, hours, use: 'figures' }; // prettier-ignore
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
	return rows.map((r) => slotGroup(r, Number(r.s) * 1000, goals, plan));
}

/** A slot rollup row as a group, bucketed as the plan asks. */
export function slotGroup(
	r: RowDataPacket,
	slotMs: number,
	goals: Goals,
	plan: BucketPlan
): RangeGroup {
	// Local time: UTC plus the zone's offset at that instant (a slot is in one local hour).
	const local = new Date(slotMs + offsetAt(plan.spans, slotMs) * 1000);
	const bucket =
		plan.size === '1d' ? local.toISOString().slice(0, 10) : (slotMs - plan.anchorMs) / SLOT_MS;
	const offered = Number(r.offered);
	const hours = plan.heatmap && offered > 0 ? `${local.getUTCHours()}:${offered}` : null;
	return figureGroup(r, goals, bucket, hours);
}

function offsetAt(spans: OffsetSpan[], ms: number): number {
	for (const span of spans) if (ms < span.untilMs) return span.offsetSeconds;
	return spans[spans.length - 1].offsetSeconds;
}

/** Summed agent rollup rows as groups, or null when one was counted against another goal. */
export function agentGroups(rows: RowDataPacket[], goals: Goals): RangeGroup[] | null {
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

/**
 * Everything a picture can take from the rollups, in one statement (one round trip, and one
 * consistent read: the marks and the rows they vouch for are of the same moment):
 * - the marks: which of the range's local dates are rolled up (range_rollup_days_done) and, for
 *   15-minute and hourly intervals, which of its slots (range_rollup_slots_done);
 * - the day rollups of `wholeDates` (daily intervals) or the slot rollups of the range (finer);
 * - the agents of `wholeDates` that are rolled up, summed over them (a semi-join on the marks).
 * The caller keeps what the marks vouch for and reads the rest from the rows.
 */
export interface RolledUp {
	days: Set<string>;
	/** Null when not read (daily intervals: the day rollups answer whole days). */
	slots: Set<number> | null;
	dayRows: RowDataPacket[];
	/** With `s`, the slot's start in seconds since the epoch. */
	slotRows: RowDataPacket[];
	agentRows: RowDataPacket[];
}

type Part = 'day-done' | 'slot-done' | 'day' | 'slot' | 'agent';
const NO_SUMS = SUM_COLUMNS.map((name) => `NULL AS ${name}`).join(', ');

export async function readRolledUp(
	dashboard: Pool,
	request: HistoryRequest,
	plan: Pick<BucketPlan, 'size'>,
	span: { fromMs: number; toMs: number; firstDate: string; lastDate: string },
	wholeDates: string[]
): Promise<RolledUp> {
	const tenantId = request.scope.tenantId;
	const from = msToSqlTime(span.fromMs);
	const to = msToSqlTime(span.toMs);
	const daily = plan.size === '1d';
	const selects: string[] = [];
	const params: unknown[] = [];
	// Every part has the same columns: what it is (k), the keys, the sums, the lists.
	selects.push(
		`SELECT 'day-done' AS k, NULL AS queue_id, NULL AS channel, NULL AS agent_id,
		        DATE_FORMAT(day, '%Y-%m-%d') AS b, NULL AS goal_seconds, ${NO_SUMS},
		        NULL AS answered_within_goal, NULL AS waits, NULL AS hours
		   FROM range_rollup_days_done WHERE tenant_id = ? AND day >= ? AND day <= ?`
	);
	params.push(tenantId, span.firstDate, span.lastDate);
	if (!daily) {
		selects.push(
			`SELECT 'slot-done', NULL, NULL, NULL, TIMESTAMPDIFF(SECOND, '1970-01-01', slot_start),
			        NULL, ${NO_SUMS}, NULL, NULL, NULL
			   FROM range_rollup_slots_done WHERE tenant_id = ? AND slot_start >= ? AND slot_start < ?`
		);
		params.push(tenantId, from, to);
		const where = rollupWhere(request, params);
		selects.push(
			`SELECT 'slot', r.queue_id, r.channel, NULL,
			        TIMESTAMPDIFF(SECOND, '1970-01-01', r.slot_start), NULL, ${COLUMNS}, NULL, r.waits, NULL
			   FROM range_rollup_slots r
			  WHERE ${where.join(' AND ')} AND r.slot_start >= ? AND r.slot_start < ?`
		);
		params.push(from, to);
	} else if (wholeDates.length > 0) {
		const where = rollupWhere(request, params);
		selects.push(
			`SELECT 'day', r.queue_id, r.channel, NULL, DATE_FORMAT(r.day, '%Y-%m-%d'), NULL,
			        ${COLUMNS}, NULL, r.waits, r.hours
			   FROM range_rollup_days r
			  WHERE ${where.join(' AND ')} AND r.day IN (?)`
		);
		params.push(wholeDates);
	}
	if (wholeDates.length > 0) {
		const where = rollupWhere(request, params);
		selects.push(
			`SELECT 'agent', r.queue_id, r.channel, r.agent_id, NULL, r.goal_seconds, ${SUMS},
			        SUM(r.answered_within_goal), NULL, NULL
			   FROM range_rollup_agents r
			  WHERE ${where.join(' AND ')} AND r.day IN (?)
			    AND r.day IN (SELECT d.day FROM range_rollup_days_done d
			                   WHERE d.tenant_id = ? AND d.day IN (?))
			  GROUP BY r.queue_id, r.channel, r.agent_id, r.goal_seconds`
		);
		params.push(wholeDates, tenantId, wholeDates);
	}
	const [rows] = await dashboard.query<RowDataPacket[]>(
		selects.map((s) => `(${s})`).join('\n UNION ALL '),
		params
	);
	const read: RolledUp = {
		days: new Set(),
		slots: daily ? null : new Set(),
		dayRows: [],
		slotRows: [],
		agentRows: []
	};
	for (const r of rows) {
		switch (r.k as Part) {
			case 'day-done':
				read.days.add(String(r.b));
				break;
			case 'slot-done':
				read.slots?.add(Number(r.b) * 1000);
				break;
			case 'day':
				read.dayRows.push(r);
				break;
			case 'slot':
				r.s = Number(r.b);
				read.slotRows.push(r);
				break;
			case 'agent':
				read.agentRows.push(r);
				break;
		}
	}
	return read;
}
