import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Rng } from '../../scripts/lib/random';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { DEFAULT_FILTERS, type ViewFilters } from '../../src/lib/filters';
import { CHANNELS } from '../../src/lib/interaction';
import { DEFAULT_THRESHOLDS } from '../../src/lib/queues/thresholds';
import type { RangePicture } from '../../src/lib/range/picture';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { rangePicture } from '../../src/lib/server/insight';
import { goalsOf } from '../../src/lib/server/insight/goals';
import { recomputeSlots } from '../../src/lib/server/rollups/recompute';
import type { Scope } from '../../src/lib/server/scope';
import { QueueThresholdStore } from '../../src/lib/server/thresholds';
import { Stack, waitFor } from '../support/stack';

/**
 * The range rollups (migration 8, src/lib/server/rollups) against the rows they sum: the app
 * in this process backfills them at start and follows the binlog; every picture read from the
 * rollups (local days, 15-minute slots, agents per local day) must equal the same picture read
 * from closed_interactions (whose figures insight.test.ts holds to an oracle in plain SQL), in
 * Chicago across its DST change and in Kolkata (+5:30), for a supervisor's scope and the queue
 * and channel filters, and after a queue's goal changed; and the rollups' slots must equal plain
 * SQL over the rows, also after the binlog delivered the same interval twice and after a
 * recompute ran twice.
 */

let stack: Stack;
let chicago: DemoTenant;
let kolkata: DemoTenant;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let nextId = 0;

// Chicago is UTC-6 until 2026-03-08 08:00 UTC, then UTC-5; Kolkata is UTC+5:30.
const chicagoMidnight = (day: number) =>
	Date.parse(`2026-03-${String(day).padStart(2, '0')}T0${day <= 8 ? 6 : 5}:00:00Z`);
const kolkataMidnight = (day: number) =>
	Date.parse(`2026-03-${String(day).padStart(2, '0')}T00:00:00Z`) - 5.5 * HOUR;

function closedRows(tenant: DemoTenant, rng: Rng, count: number, from: number, spanMs: number) {
	const values: unknown[][] = [];
	for (let i = 0; i < count; i++) {
		const created = from + rng.int(0, spanMs / 1000 - 1) * 1000;
		const answered = rng.chance(0.8);
		const wait = rng.int(0, 60);
		const talk = answered ? rng.int(1, 600) : 0;
		const acw = answered ? rng.int(0, 90) : 0;
		const id = ++nextId;
		values.push([
			id,
			`r-${id}`,
			tenant.id,
			rng.chance(0.05) ? null : rng.pick(tenant.queues).id,
			rng.pick([...CHANNELS]),
			rng.chance(0.15) ? 'outbound' : 'inbound',
			answered ? rng.pick(tenant.agents.slice(0, 8)).id : null,
			msToSqlTime(created),
			answered ? msToSqlTime(created + wait * 1000) : null,
			msToSqlTime(created + (wait + talk + acw) * 1000),
			wait,
			talk,
			acw
		]);
	}
	return values;
}

async function insert(values: unknown[][]) {
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, direction,
		   agent_id, created_at, answered_at, closed_at, wait_seconds, talk_seconds, acw_seconds)
		 VALUES ?`,
		[values]
	);
}

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	chicago = stack.lookups.tenants.find((t) => t.timezone === 'America/Chicago')!;
	kolkata = stack.lookups.tenants.find((t) => t.timezone === 'Asia/Kolkata')!;
	const rng = new Rng(24);
	for (const tenant of [chicago, kolkata]) {
		await insert(closedRows(tenant, rng, 1500, Date.parse('2026-03-08T04:00:00Z'), 6 * HOUR));
		await insert(closedRows(tenant, rng, 2500, Date.parse('2026-02-28T00:00:00Z'), 22 * DAY));
	}
	await stack.start();
	await new QueueThresholdStore(stack.app.dashboardPool).save(
		chicago.id,
		chicago.queues[0].id,
		{ ...DEFAULT_THRESHOLDS, serviceLevelSeconds: 7 },
		null
	);
	await stack.app.rollups.settled();
});

afterAll(async () => {
	await stack?.destroy();
});

interface Ask {
	tenant: DemoTenant;
	fromMs: number;
	toMs: number;
	queues?: number[];
	filters?: Partial<ViewFilters>;
}

/** The same picture twice: from the rollups (when they can answer) and from the rows. */
async function both({ tenant, fromMs, toMs, queues, filters }: Ask) {
	const scope: Scope = { tenantId: tenant.id, queues: queues ? new Set(queues) : 'all' };
	const request = {
		scope,
		filters: { ...DEFAULT_FILTERS, ...filters },
		range: { fromMs, toMs },
		timeZone: tenant.timezone,
		goals: await goalsOf(stack.app.dashboardPool, tenant.id),
		fromDate: 'from',
		toDate: 'to'
	};
	const rolled = await rangePicture(stack.app.history, request, stack.app.dashboardPool);
	const rows = await rangePicture(stack.app.history, request, null);
	return { rolled, rows };
}

function expectSamePicture(rolled: RangePicture, rows: RangePicture) {
	expect(rows.readFrom).toBe('rows');
	expect({ ...rolled, readFrom: 'rows' }).toEqual(rows);
}

/** Every slot's sums in plain SQL over the rows, and the same from range_rollups. */
async function slotsBothWays(tenantId: number) {
	const fromRows = await stack.pbxRows<Record<string, string>>(
		`SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', created_at) DIV 900 AS slot,
		        COUNT(*) AS n, SUM(direction <> 'outbound') AS offered,
		        SUM(answered_at IS NOT NULL) AS handled, SUM(IF(answered_at IS NOT NULL, talk_seconds, 0)) AS talk
		   FROM closed_interactions WHERE tenant_id = ? GROUP BY slot ORDER BY slot`,
		[tenantId]
	);
	const [fromRollups] = await stack.app.dashboardPool.query(
		`SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', slot_start) DIV 900 AS slot,
		        SUM(offered) AS offered, SUM(handled) AS handled, SUM(talk_sum_seconds) AS talk
		   FROM range_rollup_slots WHERE tenant_id = ? GROUP BY slot ORDER BY slot`,
		[tenantId]
	);
	const shape = (rows: Record<string, unknown>[]) =>
		rows.map((r) => [Number(r.slot), Number(r.offered), Number(r.handled), Number(r.talk)]);
	return { rows: shape(fromRows), rollups: shape(fromRollups as Record<string, unknown>[]) };
}

describe('range rollups', () => {
	it('hold the same sums per 15-minute slot as the rows, after the backfill', async () => {
		for (const tenant of [chicago, kolkata]) {
			const { rows, rollups } = await slotsBothWays(tenant.id);
			expect(rows.length).toBeGreaterThan(1000);
			expect(rollups).toEqual(rows);
		}
	});

	it("answer Chicago's 23-hour DST day (quarters), three days (hours) and 20 days (days, heat map) as the rows do", async () => {
		for (const [from, to] of [
			[8, 9],
			[7, 10],
			[1, 21]
		]) {
			const { rolled, rows } = await both({
				tenant: chicago,
				fromMs: chicagoMidnight(from),
				toMs: chicagoMidnight(to)
			});
			expect(rolled.readFrom).toBe('rollups');
			expectSamePicture(rolled, rows);
		}
	});

	it("answer Kolkata's days from 18:30 UTC and a supervisor's queues with the queue and channel filters", async () => {
		const kolkataDays = await both({
			tenant: kolkata,
			fromMs: kolkataMidnight(1),
			toMs: kolkataMidnight(20)
		});
		expect(kolkataDays.rolled.readFrom).toBe('rollups');
		expect(kolkataDays.rolled.totals.offered).toBeGreaterThan(0);
		expectSamePicture(kolkataDays.rolled, kolkataDays.rows);
		const kolkataDay = await both({
			tenant: kolkata,
			fromMs: kolkataMidnight(8),
			toMs: kolkataMidnight(9)
		});
		expectSamePicture(kolkataDay.rolled, kolkataDay.rows);

		const queues = [chicago.queues[0].id, chicago.queues[2].id];
		const supervisor = await both({
			tenant: chicago,
			fromMs: chicagoMidnight(1),
			toMs: chicagoMidnight(21),
			queues
		});
		expect(supervisor.rolled.readFrom).toBe('rollups');
		expect(supervisor.rolled.byQueue.map((q) => q.queueId).sort()).toEqual([...queues].sort());
		expectSamePicture(supervisor.rolled, supervisor.rows);
		const filtered = await both({
			tenant: chicago,
			fromMs: chicagoMidnight(7),
			toMs: chicagoMidnight(10),
			queues,
			filters: { queueId: queues[1], channel: 'voice' }
		});
		expect(filtered.rolled.readFrom).toBe('rollups');
		expectSamePicture(filtered.rolled, filtered.rows);
	});

	it('leave filters they lack, and ranges not rolled up, to the rows', async () => {
		const range = { tenant: chicago, fromMs: chicagoMidnight(7), toMs: chicagoMidnight(10) };
		const byAgent = await both({ ...range, filters: { agent: chicago.agents[0].name } });
		expect(byAgent.rolled.readFrom).toBe('rows');
		expect(byAgent.rolled).toEqual(byAgent.rows);
		// Days after today are not rolled up: the rows answer them, the rollups the rest.
		const ahead = await both({ ...range, toMs: Date.now() + 2 * DAY });
		expect(ahead.rolled.readFrom).toBe('rollups and rows');
		expectSamePicture(ahead.rolled, ahead.rows);
		// A range that starts off a 15-minute step: its first day's part from the rows.
		const edge = await both({ ...range, fromMs: chicagoMidnight(7) + 7 * 60_000 });
		expect(edge.rolled.readFrom).toBe('rollups and rows');
		expectSamePicture(edge.rolled, edge.rows);
	});

	it("follow a queue's goal changed on the thresholds page: stale agent days from the rows, then rolled again", async () => {
		await new QueueThresholdStore(stack.app.dashboardPool).save(
			chicago.id,
			chicago.queues[1].id,
			{ ...DEFAULT_THRESHOLDS, serviceLevelSeconds: 13 },
			null
		);
		const range = { tenant: chicago, fromMs: chicagoMidnight(1), toMs: chicagoMidnight(21) };
		const stale = await both(range);
		expect(stale.rolled.readFrom).toBe('rollups and rows');
		expectSamePicture(stale.rolled, stale.rows);
		await stack.app.rollups.settled();
		const fresh = await both(range);
		expect(fresh.rolled.readFrom).toBe('rollups');
		expectSamePicture(fresh.rolled, fresh.rows);
	});

	it('follow the binlog: a burst of closed rows, delivered twice, and a recompute run twice, equal the rows', async () => {
		const rng = new Rng(7);
		const burstFrom = Date.parse('2026-03-08T09:00:00Z');
		const burst = closedRows(chicago, rng, 300, burstFrom, HOUR);
		await insert(burst);
		const range = { tenant: chicago, fromMs: chicagoMidnight(8), toMs: chicagoMidnight(9) };
		const before = (await both(range)).rolled.totals.offered;
		await waitFor(
			async () => {
				const { rolled, rows } = await both(range);
				return rolled.readFrom === 'rollups' && rolled.totals.offered === rows.totals.offered;
			},
			30_000,
			'the rollups to follow the burst'
		);
		// The same interval delivered again by the binlog (an update that changes no figure), then
		// recomputed twice by hand: the same rows, never added a second time.
		const ids = burst.map((row) => row[0]);
		for (const suffix of ['-a', '-b']) {
			const delivered = Date.now();
			await stack.pbx('UPDATE closed_interactions SET uniqueid = CONCAT(uniqueid, ?) WHERE id IN (?)', [suffix, ids]); // prettier-ignore
			await waitFor(
				async () => {
					const [[row]] = await stack.app.dashboardPool.query<RowDataPacket[]>(
						`SELECT COUNT(*) AS n FROM range_rollup_slots_done
						  WHERE tenant_id = ? AND slot_start >= ? AND slot_start < ? AND rolled_at >= ?`,
						[
							chicago.id,
							msToSqlTime(burstFrom),
							msToSqlTime(burstFrom + HOUR),
							msToSqlTime(delivered)
						]
					);
					return Number(row.n) === 4;
				},
				30_000,
				"the burst's slots recomputed after the binlog delivered them again"
			);
		}
		await stack.app.rollups.settled();
		const source = {
			pool: stack.app.pbxPool,
			database: stack.app.config.pbx.database,
			timeoutSeconds: 30
		};
		for (let i = 0; i < 2; i++) {
			await recomputeSlots(
				source,
				stack.app.dashboardPool,
				chicago.id,
				burstFrom,
				burstFrom + HOUR
			);
		}
		const { rolled, rows } = await both(range);
		expect(rolled.readFrom).toBe('rollups');
		expectSamePicture(rolled, rows);
		expect(rows.totals.offered).toBeGreaterThan(before);
		const slots = await slotsBothWays(chicago.id);
		expect(slots.rollups).toEqual(slots.rows);
	});
});
