import type { Pool } from 'mysql2/promise';
import { lifecycleBurst as burst } from '../../scripts/lib/lifecycle';
import { PbxWriter } from '../../scripts/lib/pbx-writes';
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

/** Writes interactions 0 … count-1 in chunks of 1,000: one statement, one commit each. */
async function inChunks(count: number, write: (js: number[]) => Promise<unknown>): Promise<void> {
	for (let first = 0; first < count; first += 1000) {
		await write(Array.from({ length: Math.min(count, first + 1000) - first }, (_, i) => first + i));
	}
}

const STATUSES = ['new', 'active', 'acw'] as const;

/** `count` in-progress interactions, 1,000 rows per INSERT (one commit each). */
export async function insertActive(
	pool: Pool,
	o: { idBase: number; count: number; targets: Target[]; createdAgoMs?: number }
): Promise<void> {
	const writer = new PbxWriter(pool);
	const nowMs = Date.now();
	await inChunks(o.count, (js) =>
		writer.insertActive(
			js.map((j) => {
				const status = STATUSES[j % 3];
				const created = nowMs - (o.createdAgoMs ?? 0) - (j % 600) * 1000;
				return {
					...benchRow(o, j, created, '+1556'),
					agentId: status === 'new' ? null : benchAgent(o, j),
					answeredMs: status === 'new' ? null : created + 5000,
					acwMs: status === 'acw' ? created + 60_000 : null
				};
			})
		)
	);
}

/** Answers every in-progress row of the id range again (1,000 rows per commit, all change). */
export async function reanswerActive(
	pool: Pool,
	o: { idBase: number; count: number; targets: Target[] }
): Promise<void> {
	const writer = new PbxWriter(pool);
	await inChunks(o.count, (js) => {
		const atMs = Date.now();
		const answers = js.map((j) => ({ id: o.idBase + j, agentId: benchAgent(o, j), atMs }));
		return writer.run(writer.sql.answer(answers));
	});
}

/** `count` closed interactions created today (within the last `spanMs`), 1,000 per INSERT. */
export async function insertClosedToday(
	pool: Pool,
	o: { idBase: number; count: number; targets: Target[]; spanMs: number }
): Promise<void> {
	const writer = new PbxWriter(pool);
	const nowMs = Date.now();
	await inChunks(o.count, (js) =>
		writer.insertClosed(
			js.map((j) => {
				const created = nowMs - 120_000 - Math.floor((j / o.count) * o.spanMs);
				return {
					...benchRow(o, j, created, '+1557'),
					agentId: benchAgent(o, j),
					answeredMs: created + 5000,
					acwMs: created + 65_000,
					closedMs: created + 90_000
				};
			})
		)
	);
}
