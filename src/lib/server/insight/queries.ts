import type { RowDataPacket } from 'mysql2/promise';
import type { Channel } from '$lib/interaction';
import type { FigureSums } from '$lib/queues/measures';
import { goalSecondsSql, sumsFromRow, sumsSql, waitHistogramSql } from '$lib/queues/measures-sql';
import type { IntervalSize } from '$lib/range/picture';
import { escapeId, timeLimited } from '../db';
import type { HistoryDeps, HistoryRequest } from '../history';
import { historyWhere } from '../history/where';
import { localTimeSql, slotSql, type OffsetSpan } from './intervals';

/**
 * The statements behind a range's picture, each one pass over the range's rows of
 * closed_interactions with the grid's WHERE (scope first, then the filter bar: historyWhere),
 * each grouped as its part of the picture needs, the sums in the SQL form of $lib/queues/measures.
 */

export type InsightDeps = Pick<HistoryDeps, 'pool' | 'database' | 'lookups' | 'timeoutSeconds'>;

/** Each queue's service-level seconds where set; every other queue's is the default. */
export interface Goals {
	byQueue: ReadonlyMap<number, number>;
	defaultSeconds: number;
}

export interface BucketPlan {
	size: IntervalSize;
	/** The first 15-minute step (for 15m and 1h intervals). */
	anchorMs: number;
	spans: OffsetSpan[];
	heatmap: boolean;
}

export interface RangeRows {
	/** Sums per queue, channel and bucket (a 15-minute step or a local date). */
	cells: { queueId: number | null; channel: Channel; bucket: unknown; sums: FigureSums }[];
	/** Answered waits per queue and channel: wait seconds → count. */
	waits: { queueId: number | null; channel: Channel; wait: number; count: number }[];
	agents: { agentId: number; sums: FigureSums }[];
	/** Sums per local weekday (0 = Monday) and hour, when the plan asks for the heat map. */
	heat: { weekday: number; hour: number; sums: FigureSums }[] | null;
}

const queueOf = (value: unknown) => (value === null ? null : Number(value));

export async function readRange(
	deps: InsightDeps,
	request: HistoryRequest,
	goals: Goals,
	plan: BucketPlan
): Promise<RangeRows> {
	const table = `${escapeId(deps.database)}.closed_interactions c`;
	const select = async (selectList: (params: unknown[]) => string, rest = '') => {
		const params: unknown[] = [];
		const columns = selectList(params);
		const where = historyWhere(request.scope, request.filters, request.range, deps.lookups);
		const [rows] = await deps.pool.query<RowDataPacket[]>(
			timeLimited(`SELECT ${columns} FROM ${table} WHERE ${where.sql}${rest}`, deps.timeoutSeconds),
			[...params, ...where.params]
		);
		return rows;
	};
	const sums = (params: unknown[]) =>
		sumsSql('c', goalSecondsSql('c', goals.byQueue, goals.defaultSeconds, params));
	const bucket = (params: unknown[]) =>
		plan.size === '1d'
			? `DATE(${localTimeSql('c.created_at', plan.spans, params)})`
			: slotSql('c.created_at', plan.anchorMs, params);
	const histogram = waitHistogramSql('c');

	const [cells, waits, agents, heat] = await Promise.all([
		select(
			(p) => `c.queue_id, c.channel, ${bucket(p)} AS bucket, ${sums(p)}`,
			' GROUP BY c.queue_id, c.channel, bucket'
		),
		select(
			() => `c.queue_id, c.channel, ${histogram.select}`,
			` AND ${histogram.condition} GROUP BY c.queue_id, c.channel, wait`
		),
		select((p) => `c.agent_id, ${sums(p)}`, ' AND c.agent_id IS NOT NULL GROUP BY c.agent_id'),
		plan.heatmap
			? select(
					(p) =>
						`WEEKDAY(${localTimeSql('c.created_at', plan.spans, p)}) AS weekday,
						 HOUR(${localTimeSql('c.created_at', plan.spans, p)}) AS hour, ${sums(p)}`,
					' GROUP BY weekday, hour'
				)
			: null
	]);
	return {
		cells: cells.map((r) => ({
			queueId: queueOf(r.queue_id),
			channel: r.channel as Channel,
			bucket: r.bucket,
			sums: sumsFromRow(r)
		})),
		waits: waits.map((r) => ({
			queueId: queueOf(r.queue_id),
			channel: r.channel as Channel,
			wait: Number(r.wait),
			count: Number(r.n)
		})),
		agents: agents.map((r) => ({ agentId: Number(r.agent_id), sums: sumsFromRow(r) })),
		heat:
			heat?.map((r) => ({
				weekday: Number(r.weekday),
				hour: Number(r.hour),
				sums: sumsFromRow(r)
			})) ?? null
	};
}
