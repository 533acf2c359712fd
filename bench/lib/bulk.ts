import type { Pool } from 'mysql2/promise';
import { lifecycleBurst as burst } from '../../scripts/lib/lifecycle';
import type { ActiveRow, ClosedRow, Commit, PbxStatements } from '../../scripts/lib/pbx-sql';
import { PbxWriter } from '../../scripts/lib/pbx-writes';
import { startOfZonedDay } from '../../src/lib/time/zone';
import { benchAgent, benchLifecycle, benchRow, type Target } from './writer';

/** Fast writers: many commits per round trip, and multi-row loads of in-progress or closed rows. */

/**
 * Whole lifecycles as fast as the server takes them: each interaction is 4 commits (one change
 * each), 25 interactions per round trip, `connections` round trips in flight.
 */
export function lifecycleBurst(
	pool: Pool,
	o: { idBase: number; interactions: number; targets: Target[]; connections?: number }
): Promise<{ commits: number; seconds: number }> {
	return burst(new PbxWriter(pool), {
		interactions: o.interactions,
		lifecycle: (j) => benchLifecycle(o, j, Date.now()),
		concurrency: o.connections ?? 4,
		perTrip: 25
	});
}

/** Rows 0 … count-1 as `row` makes them, through `statement`, 1,000 a statement (a commit each). */
async function load<T>(
	pool: Pool,
	count: number,
	row: (j: number) => T,
	statement: (sql: PbxStatements, rows: T[]) => Commit
): Promise<void> {
	const writer = new PbxWriter(pool);
	for (let first = 0; first < count; first += 1000) {
		const rows = Array.from({ length: Math.min(count, first + 1000) - first }, (_, i) =>
			row(first + i)
		);
		await writer.run(statement(writer.sql, rows));
	}
}

const STATUSES = ['new', 'active', 'acw'] as const;

/** `count` in-progress interactions, 1,000 rows per INSERT (one commit each). */
export async function insertActive(
	pool: Pool,
	o: { idBase: number; count: number; targets: Target[]; createdAgoMs?: number }
): Promise<void> {
	const nowMs = Date.now();
	const row = (j: number): ActiveRow => {
		const status = STATUSES[j % 3];
		const created = nowMs - (o.createdAgoMs ?? 0) - (j % 600) * 1000;
		return {
			...benchRow(o, j, created, '+1556'),
			agentId: status === 'new' ? null : benchAgent(o, j),
			answeredMs: status === 'new' ? null : created + 5000,
			acwMs: status === 'acw' ? created + 60_000 : null
		};
	};
	await load(pool, o.count, row, (sql, rows) => sql.insertActive(rows));
}

/** Answers every in-progress row of the id range again (1,000 rows per commit, all change). */
export async function reanswerActive(
	pool: Pool,
	o: { idBase: number; count: number; targets: Target[] }
): Promise<void> {
	const atMs = Date.now();
	const answer = (j: number) => ({ id: o.idBase + j, agentId: benchAgent(o, j), atMs });
	await load(pool, o.count, answer, (sql, answers) => sql.answer(answers));
}

/** `count` closed interactions created today (within the last `spanMs`), 1,000 per INSERT. */
export async function insertClosedToday(
	pool: Pool,
	o: { idBase: number; count: number; targets: Target[]; spanMs: number }
): Promise<void> {
	const nowMs = Date.now();
	const row = (j: number): ClosedRow => {
		const created = nowMs - 120_000 - Math.floor((j / o.count) * o.spanMs);
		return {
			...benchRow(o, j, created, '+1557'),
			agentId: benchAgent(o, j),
			answeredMs: created + 5000,
			acwMs: created + 65_000,
			closedMs: created + 90_000
		};
	};
	await load(pool, o.count, row, (sql, rows) => sql.insertClosed(rows));
}

/**
 * The big tenant of issue 26 at mid-day in the tenant's zone: 1,600 interactions in progress (a
 * 1,600-seat contact center) and 50,000 closed today (spread over the last hour, or what there
 * is of the day). The screens and live suites measure against it. Returns the day's start.
 */
export const MID_DAY = { inProgress: 1_600, closedToday: 50_000 } as const;

export async function seedMidDay(
	pool: Pool,
	o: { targets: Target[]; timezone: string; idBase: number }
): Promise<number> {
	const todayStartMs = startOfZonedDay(Date.now(), o.timezone);
	await insertActive(pool, { idBase: o.idBase, count: MID_DAY.inProgress, targets: o.targets });
	const spanMs = Math.max(60_000, Math.min(3_600_000, Date.now() - todayStartMs - 300_000));
	await insertClosedToday(pool, { idBase: o.idBase + 1e8, count: MID_DAY.closedToday, targets: o.targets, spanMs }); // prettier-ignore
	return todayStartMs;
}
