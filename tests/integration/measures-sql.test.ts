import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Rng } from '../../scripts/lib/random';
import { Sandbox } from '../../scripts/lib/sandbox';
import { CHANNELS } from '../../src/lib/interaction';
import { factsOf } from '../../src/lib/queues/facts';
import {
	addHistogram,
	addRow,
	addSums,
	emptySums,
	figuresOf,
	type FigureSums,
	type WaitHistogram
} from '../../src/lib/queues/measures';
import {
	addWaitList,
	goalSecondsSql,
	sumsFromRow,
	sumsSql,
	waitListSql
} from '../../src/lib/queues/measures-sql';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { CLOSED_COLUMNS, toInteraction } from '../../src/lib/server/interactions/map';
import { Lookups } from '../../src/lib/server/lookups';

/**
 * The one definition of the queue figures, in its two forms: the JavaScript form (addRow, what
 * the live strip and the wall run) and the SQL form (sumsSql and the wait histogram, what range
 * figures run) over the same random rows in MariaDB give the same sums, histograms and figures,
 * per queue and channel and in total. Rows are read back through the product's row mapping.
 */

let sandbox: Sandbox;
const DEFAULT_GOAL = 20;
let goals: Map<number, number>;

beforeAll(async () => {
	sandbox = await new Sandbox({ mariadbPort: inject('mariadb').port }).prepare();
	const tenant = sandbox.lookups.tenants[0];
	const queueIds = tenant.queues.map((q) => q.id);
	// Two queues with their own goal (one equal to the default, which the SQL CASE leaves out).
	goals = new Map([
		[queueIds[0], 10],
		[queueIds[1], 45],
		[queueIds[2], DEFAULT_GOAL]
	]);
	const rng = new Rng(24);
	const start = Date.parse('2026-03-01T00:00:00Z');
	const values: unknown[][] = [];
	for (let i = 1; i <= 4000; i++) {
		const created = start + rng.int(0, 20 * 86_400) * 1000;
		const answered = rng.chance(0.75);
		// Waits cluster around the goals, so "≤ goal" is tested at its edge.
		const wait = rng.chance(0.3) ? rng.pick([9, 10, 11, 19, 20, 21, 44, 45, 46]) : rng.int(0, 400);
		const talk = answered ? rng.int(0, 900) : 0;
		const acw = answered ? rng.int(0, 120) : 0;
		values.push([
			i,
			`m-${i}`,
			tenant.id,
			rng.chance(0.05) ? null : rng.pick(queueIds),
			rng.pick([...CHANNELS]),
			rng.chance(0.2) ? 'outbound' : 'inbound',
			answered ? rng.pick(tenant.agents).id : null,
			msToSqlTime(created),
			answered ? msToSqlTime(created + wait * 1000 + rng.int(0, 999)) : null,
			msToSqlTime(created + (wait + talk + acw + 1) * 1000),
			wait,
			talk,
			acw
		]);
	}
	await sandbox.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, direction,
		   agent_id, created_at, answered_at, closed_at, wait_seconds, talk_seconds, acw_seconds)
		 VALUES ?`,
		[values]
	);
});

afterAll(async () => {
	await sandbox?.destroy();
});

interface Group {
	sums: FigureSums;
	waits: WaitHistogram;
}
const groupOf = (groups: Map<string, Group>, key: string): Group => {
	let group = groups.get(key);
	if (!group) groups.set(key, (group = { sums: emptySums(), waits: new Map() }));
	return group;
};
const keyOf = (queueId: unknown, channel: unknown) => `${queueId ?? 'none'}/${String(channel)}`;

async function bySql(): Promise<Map<string, Group>> {
	const groups = new Map<string, Group>();
	const params: unknown[] = [];
	const goal = goalSecondsSql('c', goals, DEFAULT_GOAL, params);
	const rows = await sandbox.pbxRows(
		`SELECT c.queue_id, c.channel, ${sumsSql('c', goal)}, ${waitListSql('c')}
		   FROM closed_interactions c GROUP BY c.queue_id, c.channel`,
		params
	);
	for (const row of rows) {
		const group = groupOf(groups, keyOf(row.queue_id, row.channel));
		group.sums = sumsFromRow(row);
		addWaitList(group.waits, row.waits);
	}
	return groups;
}

async function byJavaScript(): Promise<Map<string, Group>> {
	const groups = new Map<string, Group>();
	const raws = await sandbox.pbxRows(`SELECT ${CLOSED_COLUMNS} FROM closed_interactions`);
	const lookups = new Lookups();
	for (const raw of raws) {
		const row = toInteraction(raw, 'closed', lookups)!;
		const group = groupOf(groups, keyOf(row.queueId, row.channel));
		const goal = (row.queueId === null ? undefined : goals.get(row.queueId)) ?? DEFAULT_GOAL;
		addRow(group.sums, factsOf(row), goal, group.waits);
	}
	return groups;
}

function total(groups: Map<string, Group>): Group {
	const all: Group = { sums: emptySums(), waits: new Map() };
	for (const group of groups.values()) {
		addSums(all.sums, group.sums);
		addHistogram(all.waits, group.waits);
	}
	return all;
}

const sorted = (histogram: WaitHistogram) => [...histogram].sort((a, b) => a[0] - b[0]);

describe('the queue figures in JavaScript and in SQL', () => {
	it('give equal sums, wait histograms and figures per queue and channel and in total', async () => {
		const [sql, js] = await Promise.all([bySql(), byJavaScript()]);
		expect([...sql.keys()].sort()).toEqual([...js.keys()].sort());
		expect(sql.size).toBeGreaterThan(20);
		for (const [key, group] of js) {
			const other = sql.get(key)!;
			expect(other.sums, key).toEqual(group.sums);
			expect(sorted(other.waits), key).toEqual(sorted(group.waits));
			expect(figuresOf(other.sums, other.waits), key).toEqual(figuresOf(group.sums, group.waits));
		}
		const all = total(js);
		expect(figuresOf(total(sql).sums, total(sql).waits)).toEqual(figuresOf(all.sums, all.waits));
		// The rows are varied enough for every figure to mean something.
		expect(all.sums.abandoned).toBeGreaterThan(500);
		expect(all.sums.answeredWithinGoal).toBeGreaterThan(200);
		expect(all.sums.handled).toBeGreaterThan(all.sums.answered);
	});

	it('count the goal per queue at its edge: a wait equal to the goal is within it', async () => {
		const rows = await sandbox.pbxRows<{ queue_id: string; wait_seconds: number }>(
			`SELECT queue_id, wait_seconds FROM closed_interactions
			  WHERE direction = 'inbound' AND answered_at IS NOT NULL AND queue_id IS NOT NULL`
		);
		const sql = await bySql();
		for (const [queueId, goal] of goals) {
			const expected = rows.filter(
				(r) => Number(r.queue_id) === queueId && Number(r.wait_seconds) <= goal
			).length;
			const counted = CHANNELS.reduce(
				(sum, channel) => sum + (sql.get(`${queueId}/${channel}`)?.sums.answeredWithinGoal ?? 0),
				0
			);
			expect(counted, `queue ${queueId}`).toBe(expected);
		}
	});

	it('take the nearest-rank 90th percentile of the answered waits', async () => {
		const waits = (
			await sandbox.pbxRows<{ wait_seconds: number }>(
				`SELECT wait_seconds FROM closed_interactions
				  WHERE direction = 'inbound' AND answered_at IS NOT NULL`
			)
		)
			.map((r) => Number(r.wait_seconds))
			.sort((a, b) => a - b);
		const nearestRank = waits[Math.ceil(0.9 * waits.length) - 1];
		const all = total(await bySql());
		expect(figuresOf(all.sums, all.waits).p90WaitSeconds).toBe(nearestRank);
	});
});
