import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Cluster } from '../../scripts/lib/cluster';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { RUN_DIR_VAR } from '../../scripts/lib/leftovers';
import { pacedBurst } from '../support/paced-burst';
import { Stack, waitFor } from '../support/stack';

/**
 * The range rollups across a failover: two node processes of the production build on one Redis,
 * a PBX closing interactions at a steady rate, and the leader (the node that keeps the rollups)
 * SIGKILLed mid-burst, its debounced recomputes never run. The node that takes over must bring
 * the rollups to what SQL holds: every 15-minute slot's sums, and the day and agent rollups'
 * totals, equal the rows' (nothing lost, nothing added twice).
 */

let stack: Stack;
let cluster: Cluster;
let dir: string;
let tenants: DemoTenant[];

beforeAll(async () => {
	dir = mkdtempSync(path.join(process.env[RUN_DIR_VAR] ?? os.tmpdir(), 'il-rollups-cluster-'));
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	tenants = stack.lookups.tenants.slice(0, 2);
	cluster = await Cluster.start({
		dir,
		env: { ...stack.env, LEADER_LEASE_MS: '2000' },
		nodes: 2
	});
	await cluster.settled();
}, 120_000);

afterAll(async () => {
	await cluster?.stop();
	await stack?.destroy();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Per tenant: each 15-minute slot's offered, handled and talk from the rows and from the slot
 * rollups; the tenant's totals from the rows, from the day rollups and (handled, talk) from the
 * agents' day rollups — once the days are rolled up again (marked), which the new leader does.
 */
async function bothWays() {
	const ids = tenants.map((t) => t.id);
	const pbx = `\`${stack.pbxDb}\`.closed_interactions`;
	const dash = (table: string) => `\`${stack.dashDb}\`.${table}`;
	const sums = `SUM(direction <> 'outbound') AS offered, SUM(answered_at IS NOT NULL) AS handled,
		SUM(IF(answered_at IS NOT NULL, talk_seconds, 0)) AS talk`;
	const rolled = 'SUM(offered) AS offered, SUM(handled) AS handled, SUM(talk_sum_seconds) AS talk';
	const slot = (column: string) => `TIMESTAMPDIFF(SECOND, '1970-01-01', ${column}) DIV 900`;
	const query = async (sql: string, params: unknown[]) => {
		const [rows] = await stack.admin.query(sql, params);
		return (rows as Record<string, unknown>[]).map((r) =>
			[r.tenant_id, r.slot ?? '-', r.offered ?? '-', r.handled, r.talk].map(String).join('/')
		);
	};
	const slotRows = await query(
		`SELECT tenant_id, ${slot('created_at')} AS slot, ${sums} FROM ${pbx}
		  WHERE tenant_id IN (?) GROUP BY tenant_id, slot ORDER BY tenant_id, slot`,
		[ids]
	);
	const slotRollups = await query(
		`SELECT tenant_id, ${slot('slot_start')} AS slot, ${rolled} FROM ${dash('range_rollup_slots')}
		  WHERE tenant_id IN (?) GROUP BY tenant_id, slot ORDER BY tenant_id, slot`,
		[ids]
	);
	const totalRows = await query(
		`SELECT tenant_id, ${sums} FROM ${pbx} WHERE tenant_id IN (?) GROUP BY tenant_id ORDER BY tenant_id`,
		[ids]
	);
	// Only marked days count: an unmarked day is being rolled again (the picture reads its rows).
	const marked = (table: string) =>
		`FROM ${dash(table)} r JOIN ${dash('range_rollup_days_done')} d
		   ON d.tenant_id = r.tenant_id AND d.day = r.day WHERE r.tenant_id IN (?)
		 GROUP BY r.tenant_id ORDER BY r.tenant_id`;
	const totalDays = await query(`SELECT r.tenant_id, ${rolled} ${marked('range_rollup_days')}`, [
		ids
	]);
	const agentRows = await query(
		`SELECT tenant_id, SUM(answered_at IS NOT NULL) AS handled,
		        SUM(IF(answered_at IS NOT NULL, talk_seconds, 0)) AS talk
		   FROM ${pbx} WHERE tenant_id IN (?) AND agent_id IS NOT NULL
		  GROUP BY tenant_id ORDER BY tenant_id`,
		[ids]
	);
	const agentRollups = await query(
		`SELECT r.tenant_id, SUM(r.handled) AS handled, SUM(r.talk_sum_seconds) AS talk
		 ${marked('range_rollup_agents')}`,
		[ids]
	);
	return {
		rows: { slots: slotRows, days: totalRows, agents: agentRows },
		rollups: { slots: slotRollups, days: totalDays, agents: agentRollups }
	};
}

describe('range rollups on two nodes', () => {
	it('equal SQL after the leader is SIGKILLed mid-burst', async () => {
		const leader = await cluster.settled();
		let killing: Promise<void> | undefined;
		const result = await pacedBurst(stack, {
			tenants,
			interactions: 160,
			firstId: 1,
			rate: 80,
			onCommit: (n) => {
				if (n === 250) killing = leader.kill();
			}
		});
		await killing;
		const next = await cluster.settled();
		expect(next).not.toBe(leader);
		expect(result.commits).toBeGreaterThan(250);
		let last = await bothWays();
		await waitFor(
			async () => {
				last = await bothWays();
				return JSON.stringify(last.rollups) === JSON.stringify(last.rows);
			},
			90_000,
			'the rollups to equal SQL after the failover'
		).catch(() => undefined);
		expect(last.rows.slots.length).toBeGreaterThan(0);
		expect(last.rollups).toEqual(last.rows);
	});
});
