import type { Pool } from 'mysql2/promise';
import { CHANNELS, type Channel } from '$lib/interaction';
import {
	addHistogram,
	addSums,
	emptySums,
	figuresOf,
	percentOf,
	mean,
	type FigureSums,
	type WaitHistogram
} from '$lib/queues/measures';
import { addWaitList } from '$lib/queues/measures-sql';
import type { RangePicture } from '$lib/range/picture';
import type { HistoryRequest } from '../history';
import { visibleQueues } from '../scope';
import { followedFilters } from './follows';
import {
	bucketIndex,
	intervalsOf,
	intervalSizeFor,
	offsetSpans,
	slotAnchor,
	wantsHeatmap
} from './intervals';
import { readGroups } from './groups';
import type { Goals, InsightDeps } from './queries';

export type { Goals, InsightDeps } from './queries';

/**
 * The picture of a past range (issue 24) for a viewer's scope and the grid's filters: figures
 * in total, per channel and per queue, per agent, volume per interval with its service level,
 * and the weekday × hour heat map for ranges of two weeks or more. Every figure comes from the
 * sums of $lib/queues/measures (figuresOf), read in SQL by ./queries.
 */
export interface InsightRequest extends HistoryRequest {
	timeZone: string;
	/** Pending while the rollups are read (both in one round trip's wait). */
	goals: Goals | Promise<Goals>;
	/** The range as local dates, for the picture's labels. */
	fromDate: string;
	toDate: string;
}

interface Group {
	sums: FigureSums;
	waits: WaitHistogram;
}

class Groups<K> extends Map<K, Group> {
	of(key: K): Group {
		let group = this.get(key);
		if (!group) this.set(key, (group = { sums: emptySums(), waits: new Map() }));
		return group;
	}
	figures(key: K) {
		const group = this.get(key);
		return figuresOf(group?.sums ?? emptySums(), group?.waits ?? new Map());
	}
}

export async function rangePicture(
	deps: InsightDeps,
	request: InsightRequest,
	/** The dashboard pool holding the range rollups; without it, the rows answer every picture. */
	rollups: Pool | null = null
): Promise<RangePicture> {
	const { fromMs, toMs } = request.range;
	const size = intervalSizeFor(fromMs, toMs);
	const intervals = intervalsOf(fromMs, toMs, size, request.timeZone);
	const anchorMs = slotAnchor(fromMs);
	// Two weeks or more are daily intervals: a group's bucket is its local date, hence its weekday.
	const heatmap = wantsHeatmap(fromMs, toMs) && size === '1d';
	const spans = offsetSpans(fromMs, toMs, request.timeZone);
	const plan = { size, anchorMs, spans, heatmap };
	const { groups: rows, readFrom } = await readGroups(deps, rollups, request, request.goals, plan);

	const total = new Groups<'all'>();
	const byChannel = new Groups<Channel>();
	const byQueue = new Groups<number | null>();
	const byAgent = new Groups<number>();
	const byInterval = new Groups<number>();
	const volume = intervals.map(({ startMs, endMs }) => ({
		startMs,
		endMs,
		byChannel: Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>,
		serviceLevelPct: null as number | null
	}));
	const heat = heatmap ? Array.from({ length: 7 }, () => new Array<number>(24).fill(0)) : null;
	const indexOf = bucketIndex(intervals, size, anchorMs);
	for (const row of rows) {
		const waits: WaitHistogram = row.waits instanceof Map ? row.waits : new Map();
		if (!(row.waits instanceof Map)) addWaitList(waits, row.waits);
		// A group of the rows counts toward both; the rollups' figure and agent groups apart.
		const figures = row.use !== 'agents';
		const groups = figures ? [total.of('all'), byChannel.of(row.channel), byQueue.of(row.queueId)] : []; // prettier-ignore
		if (row.use !== 'figures' && row.agentId !== null) groups.push(byAgent.of(row.agentId));
		for (const group of groups) {
			addSums(group.sums, row.sums);
			addHistogram(group.waits, waits);
		}
		if (!figures) continue;
		const index = indexOf(row.bucket);
		if (index >= 0) {
			addSums(byInterval.of(index).sums, row.sums);
			volume[index].byChannel[row.channel] += row.sums.offered;
		}
		if (heat) addHours(heat, String(row.bucket).slice(0, 10), row.hours);
	}
	for (const [index, group] of byInterval) {
		volume[index].serviceLevelPct = percentOf(group.sums.answeredWithinGoal, group.sums.offered);
	}

	const { filters, scope } = request;
	const queues = visibleQueues(scope, deps.lookups).filter(
		(q) => filters.queueId === null || q.id === filters.queueId
	);
	return {
		timeZone: request.timeZone,
		fromDate: request.fromDate,
		toDate: request.toDate,
		fromMs,
		toMs,
		interval: size,
		readFrom,
		follows: followedFilters(filters, scope, deps.lookups),
		totals: total.figures('all'),
		byChannel: CHANNELS.filter((c) => !filters.channel || c === filters.channel).map((channel) => ({
			channel,
			figures: byChannel.figures(channel)
		})),
		byQueue: queues.map((q) => ({
			queueId: q.id,
			queueName: q.name,
			figures: byQueue.figures(q.id)
		})),
		byAgent: agentRows(byAgent, deps),
		volume,
		heatmap: heat
	};
}

/** Agents with interactions in the range, the scope and the filters: none other is listed. */
function agentRows(byAgent: Groups<number>, deps: InsightDeps): RangePicture['byAgent'] {
	return [...byAgent]
		.map(([agentId, { sums }]) => ({
			agentId,
			agentName: deps.lookups.agents.get(agentId)?.name ?? `Agent ${agentId}`,
			handled: sums.handled,
			avgTalkSeconds: mean(sums.talkSumSeconds, sums.handled),
			avgAcwSeconds: mean(sums.acwSumSeconds, sums.handled),
			withinGoalPct: percentOf(sums.answeredWithinGoal, sums.answered)
		}))
		.sort((a, b) => a.agentName.localeCompare(b.agentName) || a.agentId - b.agentId);
}

/** Offered per weekday (0 = Monday) × local hour: a daily group's hours on its date's weekday. */
function addHours(heat: number[][], date: string, hours: unknown): void {
	if (hours === null || hours === undefined || hours === '') return;
	const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
	for (const item of String(hours).split(',')) {
		const [hour, count = '1'] = item.split(':');
		heat[weekday][Number(hour)] += Number(count);
	}
}
