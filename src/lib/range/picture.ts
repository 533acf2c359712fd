import type { Channel } from '$lib/interaction';

/**
 * The picture of a past date range (issue 24): the contract between the server's range
 * figures (`src/lib/server/insight/`) and the interactions page's charts and tables. Every
 * figure follows the definitions of `$lib/queues/` (one module, in JavaScript and in SQL).
 */

/** Chart interval: 15 minutes for a day, an hour up to a week, a day beyond. */
export type IntervalSize = '15m' | '1h' | '1d';

/** Counts, percentages 0–100 and unrounded average seconds; null where nothing was counted. */
export interface RangeFigures {
	offered: number;
	answered: number;
	abandoned: number;
	/** Answered within the queue's service-level seconds. */
	answeredWithinGoal: number;
	serviceLevelPct: number | null;
	abandonRatePct: number | null;
	avgWaitSeconds: number | null;
	p90WaitSeconds: number | null;
	avgTalkSeconds: number | null;
	avgAcwSeconds: number | null;
}

export interface QueueRangeRow {
	queueId: number;
	queueName: string;
	figures: RangeFigures;
}

export interface ChannelRangeRow {
	channel: Channel;
	figures: RangeFigures;
}

export interface AgentRangeRow {
	agentId: number;
	agentName: string;
	handled: number;
	avgTalkSeconds: number | null;
	avgAcwSeconds: number | null;
	/** Share of this agent's answers that came within the queue's goal. */
	withinGoalPct: number | null;
}

/** One bar of the volume chart: [startMs, endMs) in UTC, labelled in the tenant's zone. */
export interface VolumeInterval {
	startMs: number;
	endMs: number;
	/** Interactions offered in the interval (RangeFigures.offered), per channel. */
	byChannel: Record<Channel, number>;
	serviceLevelPct: number | null;
}

export interface RangePicture {
	timeZone: string;
	/** The range as local dates (YYYY-MM-DD, inclusive) and as UTC instants [fromMs, toMs). */
	fromDate: string;
	toDate: string;
	fromMs: number;
	toMs: number;
	interval: IntervalSize;
	/**
	 * Where the figures were read. 'rollups': the range rollups only (local days, 15-minute
	 * slots, agents per local day). 'rows': closed_interactions only — an agent, DID,
	 * disposition or status filter (not in the rollups), or no day of the range rolled up yet.
	 * 'rollups and rows': the rollups, and the rows for the days they lack (a first start still
	 * backfilling, days touched moments ago, a range edge off a 15-minute step). The same
	 * figures either way.
	 */
	readFrom: 'rollups' | 'rows' | 'rollups and rows';
	/** The filters the figures follow, as labels for "Figures for: Queue Sales, Voice". */
	follows: string[];
	totals: RangeFigures;
	byChannel: ChannelRangeRow[];
	byQueue: QueueRangeRow[];
	byAgent: AgentRangeRow[];
	volume: VolumeInterval[];
	/** Volume by weekday (0 = Monday) × local hour, for ranges of 14 days or more; else null. */
	heatmap: number[][] | null;
}
