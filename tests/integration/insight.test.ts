import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Rng } from '../../scripts/lib/random';
import { adminPool } from '../../scripts/lib/sandbox';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { CHANNELS } from '../../src/lib/interaction';
import { DEFAULT_THRESHOLDS } from '../../src/lib/queues/thresholds';
import type { RangeFigures, RangePicture } from '../../src/lib/range/picture';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { QueueThresholdStore } from '../../src/lib/server/thresholds';
import { Stack, waitFor } from '../support/stack';

/**
 * GET /api/insight against an oracle written here in plain SQL over the same seeded rows: the
 * figures, the volume per interval and the heat map of Chicago across its spring DST change
 * (a 23-hour day) and of Kolkata (+5:30, local hours start at :30 UTC), a custom goal on one
 * queue, the grid's filters, and a supervisor's picture covering its queues only. The pictures
 * without an agent, DID, disposition or status filter are read from the range rollups
 * (rollups.test.ts holds them equal to the rows' pictures too).
 */

let stack: Stack;
let dashboard: Pool;
let chicago: DemoTenant;
let kolkata: DemoTenant;
const cookies: Record<string, string> = {};
const FAST_GOAL = 7;
const HOUR = 3_600_000;

// Local midnights written out by hand: Chicago is UTC-6 until 2026-03-08 08:00 UTC, then UTC-5.
const chicagoMidnight = (day: number) =>
	Date.parse(`2026-03-${String(day).padStart(2, '0')}T0${day <= 8 ? 6 : 5}:00:00Z`);
const kolkataMidnight = (day: number) =>
	Date.parse(`2026-03-${String(day).padStart(2, '0')}T00:00:00Z`) - 5.5 * HOUR;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	chicago = stack.lookups.tenants.find((t) => t.timezone === 'America/Chicago')!;
	kolkata = stack.lookups.tenants.find((t) => t.timezone === 'Asia/Kolkata')!;
	const rng = new Rng(2024);
	const values: unknown[][] = [];
	let id = 0;
	for (const tenant of [chicago, kolkata]) {
		for (let i = 0; i < 4000; i++) {
			// A third of the rows in the hours around Chicago's DST change.
			const created = rng.chance(0.33)
				? Date.parse('2026-03-08T04:00:00Z') + rng.int(0, 6 * 3600) * 1000
				: Date.parse('2026-02-28T00:00:00Z') + rng.int(0, 22 * 86_400) * 1000;
			const answered = rng.chance(0.8);
			const wait = rng.int(0, 60);
			const talk = answered ? rng.int(1, 600) : 0;
			const acw = answered ? rng.int(0, 90) : 0;
			values.push([
				++id,
				`i-${id}`,
				tenant.id,
				rng.pick(tenant.queues).id,
				rng.pick([...CHANNELS]),
				rng.chance(0.15) ? 'outbound' : 'inbound',
				answered ? rng.pick(tenant.agents.slice(0, 12)).id : null,
				msToSqlTime(created),
				answered ? msToSqlTime(created + wait * 1000) : null,
				msToSqlTime(created + (wait + talk + acw) * 1000),
				wait,
				talk,
				acw
			]);
		}
	}
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, direction,
		   agent_id, created_at, answered_at, closed_at, wait_seconds, talk_seconds, acw_seconds)
		 VALUES ?`,
		[values]
	);
	await stack.startServer();
	dashboard = adminPool(inject('mariadb').port, { database: stack.dashDb, connectionLimit: 2 });
	for (const tenant of [chicago, kolkata]) {
		await new QueueThresholdStore(dashboard).save(
			tenant.id,
			tenant.queues[0].id,
			{ ...DEFAULT_THRESHOLDS, serviceLevelSeconds: FAST_GOAL },
			null
		);
	}
	const users = [
		{ username: 'chicago.admin', role: 'cc_admin', tenantId: chicago.id },
		{ username: 'kolkata.admin', role: 'cc_admin', tenantId: kolkata.id },
		{
			username: 'chicago.sup',
			role: 'cc_supervisor',
			tenantId: chicago.id,
			queueIds: [chicago.queues[1].id, chicago.queues[2].id]
		}
	] as const;
	for (const user of users) {
		await stack.createUser({ ...user, queueIds: 'queueIds' in user ? [...user.queueIds] : [] });
		cookies[user.username] = await stack.signIn(user.username);
	}
	// The server rolls the seeded days up at start, in the background, and re-rolls the agents'
	// days after the goals saved above: wait until the pictures below are read from the range
	// rollups, as in production (the filters the rollups lack still read the rows).
	await waitFor(
		async () => {
			const range = custom('2026-02-28', '2026-03-21');
			const [c, k] = await Promise.all(
				['chicago.admin', 'kolkata.admin'].map((who) => picture(who, range))
			);
			return c.readFrom === 'rollups' && k.readFrom === 'rollups';
		},
		120_000,
		'the range rollups to answer'
	);
}, 180_000);

afterAll(async () => {
	await dashboard?.end();
	await stack?.destroy();
});

async function picture(who: string, query: string): Promise<RangePicture> {
	const response = await stack.get(`/api/insight?${query}`, cookies[who]);
	expect(response.status, await response.clone().text()).toBe(200);
	return (await response.json()) as RangePicture;
}

interface OracleScope {
	tenant: DemoTenant;
	fromMs: number;
	toMs: number;
	/** Extra conditions (queue, channel) with their parameters. */
	where?: string;
	params?: unknown[];
}

function base(scope: OracleScope) {
	return {
		where: `tenant_id = ? AND created_at >= ? AND created_at < ?${scope.where ? ` AND ${scope.where}` : ''}`,
		params: [
			scope.tenant.id,
			msToSqlTime(scope.fromMs),
			msToSqlTime(scope.toMs),
			...(scope.params ?? [])
		]
	};
}

/** Every figure in plain SQL; the goal is FAST_GOAL on the tenant's first queue, else 20. */
async function oracleFigures(scope: OracleScope): Promise<RangeFigures> {
	const { where, params } = base(scope);
	const [row] = await stack.pbxRows<Record<string, string | null>>(
		`SELECT COUNT(*) AS n_all,
		        SUM(direction = 'inbound') AS offered,
		        SUM(direction = 'inbound' AND answered_at IS NOT NULL) AS answered,
		        SUM(direction = 'inbound' AND answered_at IS NULL) AS abandoned,
		        SUM(direction = 'inbound' AND answered_at IS NOT NULL
		            AND wait_seconds <= IF(queue_id = ?, ?, 20)) AS within_goal,
		        AVG(IF(direction = 'inbound' AND answered_at IS NOT NULL, wait_seconds, NULL)) AS avg_wait,
		        AVG(IF(answered_at IS NOT NULL, talk_seconds, NULL)) AS avg_talk,
		        AVG(IF(answered_at IS NOT NULL, acw_seconds, NULL)) AS avg_acw
		   FROM closed_interactions WHERE ${where}`,
		[scope.tenant.queues[0].id, FAST_GOAL, ...params]
	);
	const answered = Number(row.answered ?? 0);
	const offered = Number(row.offered ?? 0);
	let p90: number | null = null;
	if (answered > 0) {
		const [rank] = await stack.pbxRows<{ wait_seconds: number }>(
			`SELECT wait_seconds FROM closed_interactions
			  WHERE ${where} AND direction = 'inbound' AND answered_at IS NOT NULL
			  ORDER BY wait_seconds LIMIT 1 OFFSET ?`,
			[...params, Math.ceil((9 * answered) / 10) - 1]
		);
		p90 = Number(rank.wait_seconds);
	}
	const num = (v: string | null) => (v === null ? null : Number(v));
	return {
		offered,
		answered,
		abandoned: Number(row.abandoned ?? 0),
		answeredWithinGoal: Number(row.within_goal ?? 0),
		serviceLevelPct: offered ? (100 * Number(row.within_goal)) / offered : null,
		abandonRatePct: offered ? (100 * Number(row.abandoned)) / offered : null,
		avgWaitSeconds: num(row.avg_wait),
		p90WaitSeconds: p90,
		avgTalkSeconds: num(row.avg_talk),
		avgAcwSeconds: num(row.avg_acw)
	};
}

function expectFigures(actual: RangeFigures, expected: RangeFigures, label: string) {
	for (const key of Object.keys(expected) as (keyof RangeFigures)[]) {
		if (expected[key] === null) expect(actual[key], `${label} ${key}`).toBeNull();
		else expect(actual[key], `${label} ${key}`).toBeCloseTo(expected[key]!, 3);
	}
}

/** Offered per bucket and channel, the bucket an SQL expression of created_at written here. */
async function oracleVolume(scope: OracleScope, bucketSql: string, bucketParams: unknown[] = []) {
	const { where, params } = base(scope);
	const rows = await stack.pbxRows<{ bucket: number; channel: string; offered: string }>(
		`SELECT ${bucketSql} AS bucket, channel, SUM(direction = 'inbound') AS offered
		   FROM closed_interactions WHERE ${where} GROUP BY bucket, channel`,
		[...bucketParams, ...params]
	);
	const volume = new Map<string, number>();
	for (const row of rows) {
		const offered = Number(row.offered);
		if (offered > 0) volume.set(`${Number(row.bucket)}/${row.channel}`, offered);
	}
	return volume;
}

function pictureVolume(p: RangePicture) {
	const volume = new Map<string, number>();
	p.volume.forEach((interval, i) => {
		for (const [channel, offered] of Object.entries(interval.byChannel)) {
			if (offered > 0) volume.set(`${i}/${channel}`, offered);
		}
	});
	return volume;
}

/** A CASE giving the index of the local day a row was created on, from midnights in UTC. */
function dayCase(midnights: number[]): { sql: string; params: string[] } {
	const whens = midnights.slice(1).map((_, i) => `WHEN created_at < ? THEN ${i}`);
	return {
		sql: `CASE ${whens.join(' ')} END`,
		params: midnights.slice(1).map(msToSqlTime)
	};
}

const custom = (from: string, to: string, extra = '') =>
	`range=custom&from=${from}&to=${to}${extra}`;

describe('GET /api/insight in Chicago across the DST change', () => {
	it('gives the 23-hour day 92 quarters whose volume equals SQL', async () => {
		const p = await picture('chicago.admin', custom('2026-03-08', '2026-03-08'));
		const scope = { tenant: chicago, fromMs: chicagoMidnight(8), toMs: chicagoMidnight(9) };
		expect(p.interval).toBe('15m');
		expect(p.timeZone).toBe('America/Chicago');
		expect([p.fromMs, p.toMs]).toEqual([scope.fromMs, scope.toMs]);
		expect(p.volume).toHaveLength(92);
		expect(p.volume.every((v) => v.endMs - v.startMs === 15 * 60_000)).toBe(true);
		const expected = await oracleVolume(scope, 'FLOOR(TIMESTAMPDIFF(MINUTE, ?, created_at) / 15)', [
			msToSqlTime(scope.fromMs)
		]);
		expect(pictureVolume(p)).toEqual(expected);
		expectFigures(p.totals, await oracleFigures(scope), 'totals');
		expect(p.heatmap).toBeNull();
	});

	it('gives two days 47 hours, the figures per queue and channel equal to SQL', async () => {
		const p = await picture('chicago.admin', custom('2026-03-07', '2026-03-08'));
		const scope = { tenant: chicago, fromMs: chicagoMidnight(7), toMs: chicagoMidnight(9) };
		expect(p.interval).toBe('1h');
		expect(p.volume).toHaveLength(47);
		const expected = await oracleVolume(scope, 'FLOOR(TIMESTAMPDIFF(MINUTE, ?, created_at) / 60)', [
			msToSqlTime(scope.fromMs)
		]);
		expect(pictureVolume(p)).toEqual(expected);
		expect(p.byQueue.map((q) => q.queueId)).toEqual(
			[...chicago.queues].sort((a, b) => a.name.localeCompare(b.name)).map((q) => q.id)
		);
		for (const row of p.byQueue) {
			const oracle = await oracleFigures({
				...scope,
				where: 'queue_id = ?',
				params: [row.queueId]
			});
			expectFigures(row.figures, oracle, `queue ${row.queueName}`);
		}
		for (const row of p.byChannel) {
			const oracle = await oracleFigures({ ...scope, where: 'channel = ?', params: [row.channel] });
			expectFigures(row.figures, oracle, row.channel);
		}
	});

	it('gives 20 days by local day (one of 23 hours) and a heat map in local hours', async () => {
		const p = await picture('chicago.admin', custom('2026-03-01', '2026-03-20'));
		const midnights = Array.from({ length: 21 }, (_, i) => chicagoMidnight(i + 1));
		const scope = { tenant: chicago, fromMs: midnights[0], toMs: midnights[20] };
		expect(p.interval).toBe('1d');
		expect(p.volume.map((v) => v.startMs)).toEqual(midnights.slice(0, 20));
		expect(p.volume[7].endMs - p.volume[7].startMs).toBe(23 * HOUR);
		const days = dayCase(midnights);
		expect(pictureVolume(p)).toEqual(await oracleVolume(scope, days.sql, days.params));
		expectFigures(p.totals, await oracleFigures(scope), 'totals');
		const { where, params } = base(scope);
		const heat = await stack.pbxRows<{ weekday: number; hour: number; offered: string }>(
			`SELECT WEEKDAY(l) AS weekday, HOUR(l) AS hour, SUM(inbound) AS offered FROM (
			   SELECT created_at + INTERVAL IF(created_at < '2026-03-08 08:00:00', -6, -5) HOUR AS l,
			          direction = 'inbound' AS inbound
			     FROM closed_interactions WHERE ${where}) local GROUP BY weekday, hour`,
			params
		);
		const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
		for (const cell of heat) grid[cell.weekday][cell.hour] = Number(cell.offered);
		expect(p.heatmap).toEqual(grid);
	});

	it('follows the grid filters: queue and channel', async () => {
		const queue = chicago.queues[0];
		const p = await picture(
			'chicago.admin',
			custom('2026-03-01', '2026-03-20', `&queue=${queue.id}&channel=voice`)
		);
		const scope = {
			tenant: chicago,
			fromMs: chicagoMidnight(1),
			toMs: chicagoMidnight(21),
			where: 'queue_id = ? AND channel = ?',
			params: [queue.id, 'voice']
		};
		expectFigures(p.totals, await oracleFigures(scope), 'filtered totals');
		expect(p.byQueue.map((q) => q.queueId)).toEqual([queue.id]);
		expect(p.byChannel.map((c) => c.channel)).toEqual(['voice']);
		expect(p.follows).toEqual([`Queue ${queue.name}`, 'Voice']);
	});
});

describe('GET /api/insight in Kolkata (+5:30)', () => {
	it('starts local hours at :30 UTC and counts days from 18:30 UTC', async () => {
		const day = await picture('kolkata.admin', custom('2026-03-10', '2026-03-10'));
		const oneDay = { tenant: kolkata, fromMs: kolkataMidnight(10), toMs: kolkataMidnight(11) };
		expect(new Date(day.fromMs).toISOString()).toBe('2026-03-09T18:30:00.000Z');
		expect(day.volume).toHaveLength(96);
		expect(pictureVolume(day)).toEqual(
			await oracleVolume(oneDay, 'FLOOR(TIMESTAMPDIFF(MINUTE, ?, created_at) / 15)', [
				msToSqlTime(oneDay.fromMs)
			])
		);
		const week = await picture('kolkata.admin', custom('2026-03-05', '2026-03-11'));
		const weekScope = { tenant: kolkata, fromMs: kolkataMidnight(5), toMs: kolkataMidnight(12) };
		expect(week.volume).toHaveLength(7 * 24);
		expect(new Date(week.volume[1].startMs).toISOString()).toBe('2026-03-04T19:30:00.000Z');
		expect(pictureVolume(week)).toEqual(
			await oracleVolume(weekScope, 'FLOOR(TIMESTAMPDIFF(MINUTE, ?, created_at) / 60)', [
				msToSqlTime(weekScope.fromMs)
			])
		);
		expectFigures(week.totals, await oracleFigures(weekScope), 'week totals');
		const month = await picture('kolkata.admin', custom('2026-03-01', '2026-03-20'));
		const midnights = Array.from({ length: 21 }, (_, i) => kolkataMidnight(i + 1));
		const days = dayCase(midnights);
		const monthScope = { tenant: kolkata, fromMs: midnights[0], toMs: midnights[20] };
		expect(pictureVolume(month)).toEqual(await oracleVolume(monthScope, days.sql, days.params));
		expectFigures(month.totals, await oracleFigures(monthScope), 'month totals');
	});
});

describe('GET /api/insight scope and input', () => {
	it("gives a supervisor its queues' figures, queues and agents only", async () => {
		const mine = [chicago.queues[1].id, chicago.queues[2].id];
		const p = await picture('chicago.sup', custom('2026-03-01', '2026-03-20'));
		const scope = {
			tenant: chicago,
			fromMs: chicagoMidnight(1),
			toMs: chicagoMidnight(21),
			where: 'queue_id IN (?)',
			params: [mine]
		};
		expectFigures(p.totals, await oracleFigures(scope), 'supervisor totals');
		expect(p.byQueue.map((q) => q.queueId).sort()).toEqual([...mine].sort());
		const { where, params } = base(scope);
		const agents = await stack.pbxRows<{ agent_id: number; handled: string }>(
			`SELECT agent_id, SUM(answered_at IS NOT NULL) AS handled FROM closed_interactions
			  WHERE ${where} AND agent_id IS NOT NULL GROUP BY agent_id`,
			params
		);
		expect(new Map(p.byAgent.map((a) => [a.agentId, a.handled]))).toEqual(
			new Map(agents.map((a) => [Number(a.agent_id), Number(a.handled)]))
		);
		const admin = await picture('chicago.admin', custom('2026-03-01', '2026-03-20'));
		expect(admin.totals.offered).toBeGreaterThan(p.totals.offered);
	});

	it('answers bad input with a 400 that names the field, a queue outside the scope as unknown, another tenant 404', async () => {
		const bad = await stack.get(
			'/api/insight?range=custom&from=2026-13-01&to=x',
			cookies['chicago.admin']
		);
		expect(bad.status).toBe(400);
		expect((await bad.json()).message).toMatch(/from: .*YYYY-MM-DD/);
		const outside = await stack.get(
			`/api/insight?${custom('2026-03-01', '2026-03-02', `&queue=${chicago.queues[0].id}`)}`,
			cookies['chicago.sup']
		);
		expect(outside.status).toBe(400);
		expect((await outside.json()).message).toMatch(/Unknown queue/);
		const otherTenant = await stack.get(
			`/api/insight?${custom('2026-03-01', '2026-03-02', `&tenant=${kolkata.id}`)}`,
			cookies['chicago.admin']
		);
		expect(otherTenant.status).toBe(404);
		const anonymous = await stack.get(`/api/insight?${custom('2026-03-01', '2026-03-02')}`);
		expect(anonymous.status).toBe(401);
	});
});
