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
 * the rollups to what SQL holds: every 15-minute slot's sums equal the rows' (nothing lost,
 * nothing added twice).
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

/** Per tenant and slot: rows, offered, handled, talk — from the rows, and from the rollups. */
async function slotsBothWays() {
	const ids = tenants.map((t) => t.id);
	const [fromRows] = await stack.admin.query(
		`SELECT tenant_id, TIMESTAMPDIFF(SECOND, '1970-01-01', created_at) DIV 900 AS slot,
		        SUM(direction <> 'outbound') AS offered, SUM(answered_at IS NOT NULL) AS handled,
		        SUM(IF(answered_at IS NOT NULL, talk_seconds, 0)) AS talk
		   FROM \`${stack.pbxDb}\`.closed_interactions WHERE tenant_id IN (?)
		  GROUP BY tenant_id, slot ORDER BY tenant_id, slot`,
		[ids]
	);
	const [fromRollups] = await stack.admin.query(
		`SELECT tenant_id, TIMESTAMPDIFF(SECOND, '1970-01-01', slot_start) DIV 900 AS slot,
		        SUM(offered) AS offered, SUM(handled) AS handled, SUM(talk_sum_seconds) AS talk
		   FROM \`${stack.dashDb}\`.range_rollups WHERE tenant_id IN (?)
		  GROUP BY tenant_id, slot ORDER BY tenant_id, slot`,
		[ids]
	);
	const shape = (rows: unknown) =>
		(rows as Record<string, unknown>[]).map((r) =>
			[r.tenant_id, r.slot, r.offered, r.handled, r.talk].map(Number).join('/')
		);
	return { rows: shape(fromRows), rollups: shape(fromRollups) };
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
		let last = { rows: [] as string[], rollups: [] as string[] };
		await waitFor(
			async () => {
				last = await slotsBothWays();
				return last.rows.length > 0 && last.rollups.join() === last.rows.join();
			},
			60_000,
			'the rollups to equal SQL after the failover'
		).catch(() => undefined);
		expect(last.rows.length).toBeGreaterThan(0);
		expect(last.rollups).toEqual(last.rows);
	});
});
