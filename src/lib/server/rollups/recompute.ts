import type { Pool, RowDataPacket } from 'mysql2/promise';
import { addHistogram, addSums, emptySums, type FigureSums } from '$lib/queues/measures';
import {
	addWaitList,
	goalSecondsSql,
	sumsFromRow,
	sumsSql,
	waitListSql
} from '$lib/queues/measures-sql';
import { addDays, parseZonedDate, zonedMidnight, zoneOffsetMs } from '$lib/time/zone';
import { escapeId, msToSqlTime, timeLimited } from '../db';
import type { Goals } from '../insight/queries';
import { SLOT_MS } from '../insight/intervals';
import { packHours, packWaits, sumValues } from './pack';
import { writeDays, writeSlots } from './write';

export { packWaits } from './pack';

/**
 * Recomputes range rollups (migration 8) from closed_interactions and replaces them: the rows of
 * a span are deleted and written again in one transaction, the span marked as rolled up (an
 * empty slot or day too). Never an increment: doing it twice, or after a replayed binlog
 * interval, writes the same rows. The PBX's rows and the dashboard's rollups may live on
 * different servers (a read replica, another database), so the read is a SELECT on the rows'
 * pool and the write a DELETE + INSERT on the dashboard's, the cross-server `REPLACE … SELECT`.
 */

/** Where closed_interactions is read. */
export interface RowSource {
	pool: Pool;
	database: string;
	timeoutSeconds: number;
}

export interface RollupDeps {
	/**
	 * The PBX's own database, which wrote the binlog: a touched slot or a recent day is read
	 * there, never on a replica that may not have the change yet (a stale read marked rolled up).
	 */
	primary: RowSource;
	/** The history pool (the replica when configured): the bulk of the backfill reads there. */
	history: RowSource;
	/** Holds the range_rollup_* tables. */
	dashboard: Pool;
}

export interface RollupTenant {
	id: number;
	timezone: string;
}

export const floorSlot = (ms: number) => Math.floor(ms / SLOT_MS) * SLOT_MS;

/** A tenant's local day [start, end) in UTC milliseconds. */
export function dayBounds(date: string, timeZone: string): { startMs: number; endMs: number } {
	const day = parseZonedDate(date);
	if (!day) throw new Error(`not a date: ${date}`);
	return {
		startMs: zonedMidnight(day, timeZone),
		endMs: zonedMidnight(addDays(day, 1), timeZone)
	};
}

const id = (value: unknown) => (value === null || value === undefined ? null : Number(value));

interface SlotGroup {
	slotMs: number;
	queueId: number | null;
	channel: string;
	sums: FigureSums;
	waits: Map<number, number>;
}

/** Per 15-minute slot, queue and channel: the sums and answered waits of [from, to). */
async function readSlots(
	rows: RowSource,
	tenantId: number,
	from: number,
	to: number
): Promise<SlotGroup[]> {
	const [groups] = await rows.pool.query<RowDataPacket[]>(
		timeLimited(
			`SELECT FLOOR(TIMESTAMPDIFF(SECOND, ?, c.created_at) / ${SLOT_MS / 1000}) AS slot,
			        c.queue_id, c.channel, ${sumsSql('c', '0')}, ${waitListSql('c')}
			   FROM ${escapeId(rows.database)}.closed_interactions c
			  WHERE c.tenant_id = ? AND c.created_at >= ? AND c.created_at < ?
			  GROUP BY slot, c.queue_id, c.channel`,
			rows.timeoutSeconds,
			true
		),
		[msToSqlTime(from), tenantId, msToSqlTime(from), msToSqlTime(to)]
	);
	return groups.map((r) => {
		const waits = new Map<number, number>();
		addWaitList(waits, r.waits);
		return {
			slotMs: from + Number(r.slot) * SLOT_MS,
			queueId: id(r.queue_id),
			channel: String(r.channel),
			sums: sumsFromRow(r),
			waits
		};
	});
}

const slotValues = (tenantId: number, g: SlotGroup) => [
	tenantId,
	msToSqlTime(g.slotMs),
	g.queueId ?? 0,
	g.channel,
	g.queueId,
	...sumValues(g.sums),
	packWaits(g.waits)
];

/**
 * Replaces a tenant's slot rollups over [fromMs, toMs) (whole slots) and unmarks `staleDays`
 * (the local days those slots are in: their day and agent rollups are stale until re-rolled).
 */
export async function recomputeSlots(
	rows: RowSource,
	dashboard: Pool,
	tenantId: number,
	fromMs: number,
	toMs: number,
	staleDays: string[] = []
): Promise<number> {
	const from = floorSlot(fromMs);
	const to = Math.ceil(toMs / SLOT_MS) * SLOT_MS;
	if (to <= from) return 0;
	const groups = await readSlots(rows, tenantId, from, to);
	const slots = groups.map((g) => slotValues(tenantId, g));
	await writeSlots(dashboard, tenantId, from, to, slots, staleDays);
	return groups.length;
}

/**
 * Replaces everything of one local day of a tenant: its slots, its day rows (per queue and
 * channel, with the offered count per local hour for the heat map) and its agent rows (per
 * queue, channel and agent, within goal against each queue's goal now), and marks the day.
 * Returns the groups read (0: the day has no rows).
 */
export async function recomputeDay(
	rows: RowSource,
	dashboard: Pool,
	tenant: RollupTenant,
	date: string,
	goals: Goals
): Promise<number> {
	const { startMs, endMs } = dayBounds(date, tenant.timezone);
	const slots = await readSlots(rows, tenant.id, startMs, endMs);
	const goalParams: unknown[] = [];
	const goalSql = goalSecondsSql('c', goals.byQueue, goals.defaultSeconds, goalParams);
	const [agents] = await rows.pool.query<RowDataPacket[]>(
		timeLimited(
			`SELECT c.queue_id, c.channel, c.agent_id, ${sumsSql('c', goalSql)}
			   FROM ${escapeId(rows.database)}.closed_interactions c
			  WHERE c.tenant_id = ? AND c.created_at >= ? AND c.created_at < ?
			    AND c.agent_id IS NOT NULL
			  GROUP BY c.queue_id, c.channel, c.agent_id`,
			rows.timeoutSeconds
		),
		[...goalParams, tenant.id, msToSqlTime(startMs), msToSqlTime(endMs)]
	);
	const days = dayGroups(slots, tenant.timezone).map((g) => [
		tenant.id,
		date,
		g.queueId ?? 0,
		g.channel,
		g.queueId,
		...sumValues(g.sums),
		packWaits(g.waits),
		packHours(g.hours)
	]);
	const agentRows = agents.map((r) => {
		const queueId = id(r.queue_id);
		const sums = sumsFromRow(r);
		const goal = (queueId === null ? undefined : goals.byQueue.get(queueId)) ?? goals.defaultSeconds; // prettier-ignore
		return [
			tenant.id,
			date,
			queueId ?? 0,
			r.channel,
			Number(r.agent_id),
			queueId,
			...sumValues(sums),
			sums.answeredWithinGoal,
			goal
		];
	});
	await writeDays(dashboard, {
		tenantId: tenant.id,
		dates: [date],
		startMs,
		endMs,
		slots: slots.map((g) => slotValues(tenant.id, g)),
		days,
		agents: agentRows
	});
	return slots.length + agents.length;
}

/** A day's slot groups summed per queue and channel, with offered per local hour. */
function dayGroups(slots: SlotGroup[], timeZone: string) {
	const byKey = new Map<
		string,
		{ queueId: number | null; channel: string; sums: FigureSums; waits: Map<number, number>; hours: Map<number, number> } // prettier-ignore
	>();
	for (const slot of slots) {
		const key = `${slot.queueId}|${slot.channel}`;
		let group = byKey.get(key);
		if (!group) {
			group = { queueId: slot.queueId, channel: slot.channel, sums: emptySums(), waits: new Map(), hours: new Map() }; // prettier-ignore
			byKey.set(key, group);
		}
		addSums(group.sums, slot.sums);
		addHistogram(group.waits, slot.waits);
		if (slot.sums.offered > 0) {
			// Every zone's offset is a whole number of quarters: a slot lies in one local hour.
			const hour = new Date(slot.slotMs + zoneOffsetMs(slot.slotMs, timeZone)).getUTCHours();
			group.hours.set(hour, (group.hours.get(hour) ?? 0) + slot.sums.offered);
		}
	}
	return [...byKey.values()];
}

/** Marks consecutive local days that have no rows as rolled up (nothing to sum), in one go. */
export async function markEmptyDays(
	dashboard: Pool,
	tenant: RollupTenant,
	dates: string[]
): Promise<void> {
	if (dates.length === 0) return;
	const sorted = [...dates].sort();
	const startMs = dayBounds(sorted[0], tenant.timezone).startMs;
	const endMs = dayBounds(sorted[sorted.length - 1], tenant.timezone).endMs;
	await writeDays(dashboard, { tenantId: tenant.id, dates: sorted, startMs, endMs, slots: [], days: [], agents: [] }); // prettier-ignore
}
