import type { Pool } from 'mysql2/promise';
import type { RangePicture } from '$lib/range/picture';
import type { HistoryRequest } from '../history';
import { agentGroups, figureGroup, readRolledUp, readSlots, slotGroup } from './from-rollups';
import {
	readRange,
	type BucketPlan,
	type Goals,
	type InsightDeps,
	type RangeGroup
} from './queries';
import { localDays, planSources, spansOf, type DayPlan } from './sources';

/**
 * A range's groups from the range rollups where they can answer and from the rows of
 * closed_interactions where they cannot (./sources says which day comes from where):
 * - an agent, DID, disposition or status filter: the rows, the whole range (the rollups are
 *   per queue and channel only);
 * - otherwise whole rolled-up days from the day rollups (daily intervals) or the 15-minute
 *   slots, agents from the agents' day rollup; the days the rollups lack — a range's partial
 *   edge, a day touched moments ago, a first start still backfilling — from the rows.
 * A range of whole days rolled up is one statement on the dashboard database (readRolledUp),
 * with the goals read beside it: one round trip.
 */
export async function readGroups(
	deps: InsightDeps,
	dashboard: Pool | null,
	request: HistoryRequest & { timeZone: string },
	goalsOrPending: Goals | Promise<Goals>,
	plan: BucketPlan
): Promise<{ groups: RangeGroup[]; readFrom: RangePicture['readFrom'] }> {
	const { filters } = request;
	const rowsOnly = filters.agent || filters.did || filters.disposition || filters.status;
	if (!dashboard || rowsOnly) {
		const goals = await goalsOrPending;
		return { groups: await readRange(deps, request, goals, plan), readFrom: 'rows' };
	}
	const local = localDays(request.range.fromMs, request.range.toMs, request.timeZone);
	if (local.length === 0) return { groups: [], readFrom: 'rollups' };
	// One statement: the marks, and the rollups they may vouch for (a day or slot not marked is
	// read from the rows below). A range of whole days rolled up needs nothing else.
	const rolled = await readRolledUp(
		dashboard,
		request,
		plan,
		{
			fromMs: local[0].startMs,
			toMs: local[local.length - 1].endMs,
			firstDate: local[0].date,
			lastDate: local[local.length - 1].date
		},
		local.filter((d) => d.whole).map((d) => d.date)
	);
	const goals = await goalsOrPending;
	const days = await planSources(
		dashboard,
		request.scope.tenantId,
		local,
		plan,
		rolled.days,
		rolled.slots
	);
	const fromRows = async (spans: [number, number][], use?: 'agents') => {
		const groups: RangeGroup[] = [];
		for (const [fromMs, toMs] of spans) {
			const part = await readRange(deps, { ...request, range: { fromMs, toMs } }, goals, plan);
			for (const group of part) if (use === undefined || group.agentId !== null) groups.push({ ...group, use }); // prettier-ignore
		}
		return groups;
	};
	const dayDates = new Set(days.filter((d) => d.figures === 'day').map((d) => d.date));
	const slotDays = days.filter((d) => d.figures === 'slots');
	const inSlotDays = (ms: number) => slotDays.some((d) => ms >= d.startMs && ms < d.endMs);
	const groups: RangeGroup[] = [];
	for (const r of rolled.dayRows) {
		if (dayDates.has(String(r.b))) groups.push(figureGroup(r, goals, r.b, r.hours));
	}
	// Slots read with the marks (finer intervals); for daily ones, a day not rolled up whole.
	if (rolled.slots !== null) {
		for (const r of rolled.slotRows) {
			const ms = Number(r.s) * 1000;
			if (inSlotDays(ms)) groups.push(slotGroup(r, ms, goals, plan));
		}
	}
	const slotSpans = rolled.slots === null ? spansOf(days, (d) => d.figures === 'slots') : [];
	const rowSpans = spansOf(days, (d) => d.figures === 'rows');
	const [slots, rowGroups] = await Promise.all([
		readSlots(dashboard, request, goals, plan, slotSpans),
		fromRows(rowSpans)
	]);
	groups.push(...slots, ...rowGroups);
	// Agents of the whole days rolled up (the statement summed those the marks vouch for), unless
	// a goal changed since those days were rolled up: their agents from the rows until re-rolled.
	const agentDays = agentGroups(rolled.agentRows, goals);
	groups.push(...(agentDays ?? []));
	const agentRows = agentDays ? (d: DayPlan) => d.agents === 'rows' : (d: DayPlan) => d.agents !== 'with-figures'; // prettier-ignore
	groups.push(...(await fromRows(spansOf(days, agentRows), 'agents')));
	const rows = days.some((d) => d.figures === 'rows' || agentRows(d));
	const rollups = days.some((d) => d.figures !== 'rows');
	return {
		groups,
		readFrom: rollups && rows ? 'rollups and rows' : rollups ? 'rollups' : 'rows'
	};
}
