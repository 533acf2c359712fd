import type { RowDataPacket } from 'mysql2/promise';
import type { Channel } from '$lib/interaction';
import type { FigureSums } from '$lib/queues/measures';
import {
	goalSecondsSql,
	offeredSql,
	sumsFromRow,
	sumsSql,
	waitListSql
} from '$lib/queues/measures-sql';
import type { IntervalSize } from '$lib/range/picture';
import { escapeId, timeLimited } from '../db';
import type { HistoryDeps, HistoryRequest } from '../history';
import { historyWhere } from '../history/where';
import { localTimeSql, slotSql, type OffsetSpan } from './intervals';

/**
 * The one statement behind a range's picture: a single pass over the range's rows of
 * closed_interactions with the grid's WHERE (scope first, then the filter bar: historyWhere),
 * grouped by queue, channel, agent and interval, with the sums of $lib/queues/measures in SQL
 * and each group's answered waits (and, for the heat map, offered local hours) as lists. One
 * pass, because reading the rows is the cost: four statements grouped four ways read them four
 * times, in four index orders that evict each other's pages (see bench/range.ts).
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
	/** Also list each group's offered local hours (for the weekday × hour heat map). */
	heatmap: boolean;
}

export interface RangeGroup {
	queueId: number | null;
	channel: Channel;
	agentId: number | null;
	/** A 15-minute step from the anchor, or a local date (YYYY-MM-DD) for daily intervals. */
	bucket: unknown;
	sums: FigureSums;
	/** Answered waits: comma-separated (waitListSql; null when none), or read from the rollups. */
	waits: unknown;
	/** Local hours of the offered rows, comma-separated, an item "hour:count" or one row; null when none or not asked. */
	hours: unknown;
	/**
	 * What the group counts toward: the figures (totals, channels, queues, intervals, heat map),
	 * the agents, or both (undefined: a group of the rows). The rollups keep the agents apart.
	 */
	use?: 'figures' | 'agents';
}

const idOf = (value: unknown) => (value === null ? null : Number(value));

export async function readRange(
	deps: InsightDeps,
	request: HistoryRequest,
	goals: Goals,
	plan: BucketPlan
): Promise<RangeGroup[]> {
	const params: unknown[] = [];
	const local = () => localTimeSql('c.created_at', plan.spans, params);
	const bucket =
		plan.size === '1d' ? `DATE(${local()})` : slotSql('c.created_at', plan.anchorMs, params);
	const sums = sumsSql('c', goalSecondsSql('c', goals.byQueue, goals.defaultSeconds, params));
	const hours = plan.heatmap
		? `GROUP_CONCAT(IF(${offeredSql('c')}, HOUR(${local()}), NULL)) AS hours`
		: 'NULL AS hours';
	const where = historyWhere(request.scope, request.filters, request.range, deps.lookups);
	const [rows] = await deps.pool.query<RowDataPacket[]>(
		timeLimited(
			`SELECT c.queue_id, c.channel, c.agent_id, ${bucket} AS bucket, ${sums},
			        ${waitListSql('c')}, ${hours}
			   FROM ${escapeId(deps.database)}.closed_interactions c
			  WHERE ${where.sql}
			  GROUP BY c.queue_id, c.channel, c.agent_id, bucket`,
			deps.timeoutSeconds,
			true
		),
		[...params, ...where.params]
	);
	return rows.map((r) => ({
		queueId: idOf(r.queue_id),
		channel: r.channel as Channel,
		agentId: idOf(r.agent_id),
		bucket: r.bucket,
		sums: sumsFromRow(r),
		waits: r.waits,
		hours: r.hours
	}));
}
