import type { Pool, RowDataPacket } from 'mysql2/promise';
import { addDays, formatZonedDate, zonedDateOf, zonedMidnight } from '$lib/time/zone';
import { msToSqlTime } from '../db';
import { SLOT_MS } from './intervals';
import type { BucketPlan } from './queries';

/**
 * Where each local day of a range is read, so a picture reads as little as it can and never a
 * figure that is not equal to the rows':
 * - figures: the day rollup for a whole day rolled up (daily intervals only: the day rollup has
 *   no finer time), else the 15-minute slots when every slot of the day's part of the range is
 *   rolled up, else the rows;
 * - agents: the agents' day rollup for a whole day rolled up, else the rows (with the figures
 *   when those are read from the rows too).
 * A day stops being rolled up when the binlog touches it (until recomputed: see ../rollups).
 */

export type FigureSource = 'day' | 'slots' | 'rows';
export type AgentSource = 'day' | 'rows' | 'with-figures';

export interface DayPlan {
	date: string;
	/** The day's part of the range, [startMs, endMs). */
	startMs: number;
	endMs: number;
	figures: FigureSource;
	agents: AgentSource;
}

/**
 * Each day's sources from the marks: `rolled` the rolled-up dates, `slots` the rolled-up slot
 * starts (null when not read yet: then read here for the days that need them, which daily
 * intervals do only for a day not rolled up whole).
 */
export async function planSources(
	dashboard: Pool,
	tenantId: number,
	days: LocalDay[],
	plan: Pick<BucketPlan, 'size'>,
	rolled: Set<string>,
	slotMarks: Set<number> | null
): Promise<DayPlan[]> {
	const wholeRolled = (d: LocalDay) => d.whole && rolled.has(d.date);
	const needSlots = days.filter((d) => !(plan.size === '1d' && wholeRolled(d)));
	const slots = slotMarks ?? (await rolledSlots(dashboard, tenantId, needSlots));
	return days.map((d) => {
		const figures: FigureSource =
			plan.size === '1d' && wholeRolled(d) ? 'day' : allRolled(d, slots) ? 'slots' : 'rows';
		const agents: AgentSource = wholeRolled(d)
			? 'day'
			: figures === 'rows'
				? 'with-figures'
				: 'rows';
		return { date: d.date, startMs: d.startMs, endMs: d.endMs, figures, agents };
	});
}

export interface LocalDay {
	date: string;
	startMs: number;
	endMs: number;
	/** The range holds the whole local day. */
	whole: boolean;
}

/** The local days of a range in a zone, each with its part of the range. */
export function localDays(fromMs: number, toMs: number, timeZone: string): LocalDay[] {
	const days: LocalDay[] = [];
	let day = zonedDateOf(fromMs, timeZone);
	for (let start = zonedMidnight(day, timeZone); start < toMs;) {
		const next = addDays(day, 1);
		const end = zonedMidnight(next, timeZone);
		const part = { startMs: Math.max(start, fromMs), endMs: Math.min(end, toMs) };
		const whole = part.startMs === start && part.endMs === end;
		if (part.startMs < part.endMs) days.push({ date: formatZonedDate(day), ...part, whole });
		day = next;
		start = end;
	}
	return days;
}

/** The rolled-up slot starts within the days' parts of the range. */
async function rolledSlots(dashboard: Pool, tenantId: number, days: LocalDay[]) {
	if (days.length === 0) return new Set<number>();
	const [rows] = await dashboard.query<RowDataPacket[]>(
		`SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', slot_start) AS s FROM range_rollup_slots_done
		  WHERE tenant_id = ? AND slot_start >= ? AND slot_start < ?`,
		[tenantId, msToSqlTime(days[0].startMs), msToSqlTime(days[days.length - 1].endMs)]
	);
	return new Set(rows.map((r) => Number(r.s) * 1000));
}

function allRolled(day: LocalDay, slots: Set<number>): boolean {
	if (day.startMs % SLOT_MS !== 0 || day.endMs % SLOT_MS !== 0) return false;
	for (let slot = day.startMs; slot < day.endMs; slot += SLOT_MS) {
		if (!slots.has(slot)) return false;
	}
	return true;
}

/** Consecutive days of one source as spans [fromMs, toMs). */
export function spansOf(days: DayPlan[], take: (day: DayPlan) => boolean): [number, number][] {
	const spans: [number, number][] = [];
	for (const day of days.filter(take)) {
		const last = spans[spans.length - 1];
		if (last && last[1] === day.startMs) last[1] = day.endMs;
		else spans.push([day.startMs, day.endMs]);
	}
	return spans;
}
