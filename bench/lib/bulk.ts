import mysql, { type Pool } from 'mysql2/promise';
import { sqlTime } from '../../scripts/lib/sql';
import { stepSql, type Target } from './writer';

/** Fast writers: many commits per round trip, and multi-row loads of in-progress or closed rows. */

/**
 * Whole lifecycles as fast as the server takes them: each interaction is 4 commits (one change
 * each), `perBatch` interactions per round trip, `connections` round trips in flight.
 */
export async function lifecycleBurst(
	pool: Pool,
	o: { idBase: number; interactions: number; targets: Target[]; connections?: number }
): Promise<{ commits: number; seconds: number }> {
	const perBatch = 25;
	const started = performance.now();
	const options = { idBase: o.idBase, rate: 1, seconds: 1, targets: o.targets };
	let next = 0;
	const worker = async () => {
		while (next < o.interactions) {
			const first = next;
			next = Math.min(o.interactions, next + perBatch);
			const statements: string[] = [];
			for (let step = 0; step < 4; step++) {
				for (let j = first; j < next; j++)
					statements.push(stepSql(options, j, step, Date.now())[0]);
			}
			await pool.query(statements.join(';\n'));
		}
	};
	await Promise.all(Array.from({ length: o.connections ?? 4 }, worker));
	return { commits: o.interactions * 4, seconds: (performance.now() - started) / 1000 };
}

const STATUSES = ['new', 'active', 'acw'] as const;

/** `count` in-progress interactions, 1,000 rows per INSERT (one commit each). */
export async function insertActive(
	pool: Pool,
	o: { idBase: number; count: number; targets: Target[]; createdAgoMs?: number }
): Promise<void> {
	const nowMs = Date.now();
	for (let first = 0; first < o.count; first += 1000) {
		const rows: (string | number | null)[][] = [];
		for (let j = first; j < Math.min(o.count, first + 1000); j++) {
			const t = o.targets[j % o.targets.length];
			const status = STATUSES[j % 3];
			const created = nowMs - (o.createdAgoMs ?? 0) - (j % 600) * 1000;
			rows.push([
				o.idBase + j,
				`bench-${o.idBase + j}`,
				t.tenantId,
				t.queueId,
				['voice', 'chat', 'sms', 'whatsapp'][j % 4],
				status,
				status === 'new' ? null : t.agentIds[j % t.agentIds.length],
				`+1556${String(j % 1e7).padStart(7, '0')}`,
				`+1800555${t.queueId % 10000}`,
				sqlTime(created),
				status === 'new' ? null : sqlTime(created + 5000),
				status === 'acw' ? sqlTime(created + 60_000) : null
			]);
		}
		await pool.query(
			mysql.format(
				`INSERT INTO active_interactions (id, uniqueid, tenant_id, queue_id, channel, status,
				   agent_id, phone_number, did, created_at, answered_at, acw_started_at) VALUES ?`,
				[rows]
			)
		);
	}
}

/** Answers every in-progress row of the id range again (1,000 rows per commit, all change). */
export async function reanswerActive(
	pool: Pool,
	o: { idBase: number; count: number }
): Promise<void> {
	for (let first = 0; first < o.count; first += 1000) {
		const last = Math.min(o.count, first + 1000) - 1;
		await pool.query(
			mysql.format(
				"UPDATE active_interactions SET status = 'active', answered_at = ?, acw_started_at = NULL WHERE id BETWEEN ? AND ?",
				[sqlTime(Date.now()), o.idBase + first, o.idBase + last]
			)
		);
	}
}

/** `count` closed interactions created today (within the last `spanMs`), 1,000 per INSERT. */
export async function insertClosedToday(
	pool: Pool,
	o: { idBase: number; count: number; targets: Target[]; spanMs: number }
): Promise<void> {
	const nowMs = Date.now();
	for (let first = 0; first < o.count; first += 1000) {
		const rows: (string | number | null)[][] = [];
		for (let j = first; j < Math.min(o.count, first + 1000); j++) {
			const t = o.targets[j % o.targets.length];
			const created = nowMs - 120_000 - Math.floor((j / o.count) * o.spanMs);
			rows.push([
				o.idBase + j,
				`bench-${o.idBase + j}`,
				t.tenantId,
				t.queueId,
				['voice', 'chat', 'sms', 'whatsapp'][j % 4],
				t.agentIds[j % t.agentIds.length],
				`+1557${String(j % 1e7).padStart(7, '0')}`,
				`+1800555${t.queueId % 10000}`,
				sqlTime(created),
				sqlTime(created + 5000),
				sqlTime(created + 65_000),
				sqlTime(created + 90_000),
				5,
				60,
				25
			]);
		}
		await pool.query(
			mysql.format(
				`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
				   phone_number, did, created_at, answered_at, acw_started_at, closed_at,
				   wait_seconds, talk_seconds, acw_seconds) VALUES ?`,
				[rows]
			)
		);
	}
}
