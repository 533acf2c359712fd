import type { Pool } from 'mysql2/promise';
import type { RangePicture } from '$lib/range/picture';
import type { HistoryRequest } from '../history';
import { readAgentDays, readDays, readSlots } from './from-rollups';
import {
	readRange,
	type BucketPlan,
	type Goals,
	type InsightDeps,
	type RangeGroup
} from './queries';
import { planSources, spansOf, type DayPlan } from './sources';

/**
 * A range's groups from the range rollups where they can answer and from the rows of
 * closed_interactions where they cannot (./sources says which day comes from where):
 * - an agent, DID, disposition or status filter: the rows, the whole range (the rollups are
 *   per queue and channel only);
 * - otherwise whole rolled-up days from the day rollups (daily intervals) or the 15-minute
 *   slots, agents from the agents' day rollup; the days the rollups lack — a range's partial
 *   edge, a day touched moments ago, a first start still backfilling — from the rows.
 */
export async function readGroups(
	deps: InsightDeps,
	dashboard: Pool | null,
	request: HistoryRequest & { timeZone: string },
	goals: Goals,
	plan: BucketPlan
): Promise<{ groups: RangeGroup[]; readFrom: RangePicture['readFrom'] }> {
	const { filters } = request;
	const rowsOnly = filters.agent || filters.did || filters.disposition || filters.status;
	if (!dashboard || rowsOnly) {
		return { groups: await readRange(deps, request, goals, plan), readFrom: 'rows' };
	}
	const days = await planSources(
		dashboard,
		request.scope.tenantId,
		request.range,
		request.timeZone,
		plan
	);
	const dates = (take: (day: DayPlan) => boolean) => days.filter(take).map((d) => d.date);
	const fromRows = async (spans: [number, number][], use?: 'agents') => {
		const groups: RangeGroup[] = [];
		for (const [fromMs, toMs] of spans) {
			const part = await readRange(deps, { ...request, range: { fromMs, toMs } }, goals, plan);
			for (const group of part) if (use === undefined || group.agentId !== null) groups.push({ ...group, use }); // prettier-ignore
		}
		return groups;
	};
	const dayDates = dates((d) => d.figures === 'day');
	const slotSpans = spansOf(days, (d) => d.figures === 'slots');
	const rowSpans = spansOf(days, (d) => d.figures === 'rows');
	const agentDates = dates((d) => d.agents === 'day');
	// The sources are independent reads: one round trip's wait, not four in a row.
	const [dayGroups, slots, rowGroups, agentDays] = await Promise.all([
		readDays(dashboard, request, goals, dayDates),
		readSlots(dashboard, request, goals, plan, slotSpans),
		fromRows(rowSpans),
		readAgentDays(dashboard, request, goals, agentDates)
	]);
	const groups = [...dayGroups, ...slots, ...rowGroups];
	// A goal changed since those days were rolled up: their agents from the rows until re-rolled.
	groups.push(...(agentDays ?? []));
	const agentRows = agentDays ? (d: DayPlan) => d.agents === 'rows' : (d: DayPlan) => d.agents !== 'with-figures'; // prettier-ignore
	groups.push(...(await fromRows(spansOf(days, agentRows), 'agents')));
	const rows = days.some((d) => d.figures === 'rows' || agentRows(d));
	const rollups = days.some((d) => d.figures !== 'rows');
	return {
		groups,
		readFrom:
			rollups && rows ? 'rollups and rows' : rollups || days.length === 0 ? 'rollups' : 'rows'
	};
}
