import { addDays, formatZonedDate, zonedDateOf } from '$lib/time/zone';
import type { Goals } from '../insight/queries';
import {
	dayBounds,
	markEmptyDays,
	recomputeDay,
	type RollupDeps,
	type RollupTenant
} from './recompute';
import { firstCreatedDay, latestCreatedBefore, rolledDays } from './state';

export interface BackfillContext {
	deps: RollupDeps;
	goals: () => Promise<Goals>;
	/** Runs a write after the node's other rollup writes (one at a time). */
	serial: <T>(work: () => Promise<T>) => Promise<T | undefined>;
	/** False once the node stops or no longer maintains the rollups: stop at the next day. */
	going: () => boolean;
	pauseMs: number;
}

/**
 * Rolls up a tenant's local days that are not rolled up yet, from today back to its first row,
 * newest first (the days people look at first), from the history pool: one day a transaction,
 * with a pause after each so the live path and requests go first. A run of days without rows
 * (a quiet tenant's weekends, the weeks before its history) is found with one probe
 * (the latest row before the day's end) and marked in one write. Returns the days read.
 */
export async function backfillTenant(tenant: RollupTenant, ctx: BackfillContext): Promise<number> {
	const { deps } = ctx;
	const first = await firstCreatedDay(deps.history, tenant);
	if (first === null) return 0;
	const rolled = await rolledDays(deps.dashboard, tenant.id);
	let read = 0;
	let date = zonedDateOf(Date.now(), tenant.timezone);
	for (let day = formatZonedDate(date); day >= first; day = formatZonedDate(date)) {
		if (!ctx.going()) break;
		if (rolled.has(day)) {
			date = addDays(date, -1);
			continue;
		}
		const { endMs } = dayBounds(day, tenant.timezone);
		const latest = await latestCreatedBefore(deps.history, tenant.id, endMs);
		const latestDay = latest === null ? '' : formatZonedDate(zonedDateOf(latest, tenant.timezone));
		if (latestDay < day) {
			const empty: string[] = [];
			for (let d = day; d > latestDay && d >= first; d = formatZonedDate(date)) {
				empty.push(d);
				date = addDays(date, -1);
			}
			await ctx.serial(() => markEmptyDays(deps.dashboard, tenant, empty));
			continue;
		}
		const goals = await ctx.goals();
		await ctx.serial(() => recomputeDay(deps.history, deps.dashboard, tenant, day, goals));
		read++;
		await new Promise((resolve) => setTimeout(resolve, ctx.pauseMs));
		date = addDays(date, -1);
	}
	return read;
}
