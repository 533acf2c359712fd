import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlertView } from '../../src/lib/alerts';
import { AlertRuleStore } from '../../src/lib/server/alerts/rules-store';
import { loadConfig } from '../../src/lib/server/config';
import { createPool } from '../../src/lib/server/db';
import { Cluster } from '../../scripts/lib/cluster';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { RUN_DIR_VAR } from '../../scripts/lib/leftovers';
import { sleep } from '../../scripts/lib/system';
import { dashRows } from '../support/access';
import { TestPbx } from '../support/pbx';
import { Stack, waitFor, type LiveClient } from '../support/stack';

/**
 * Once per breach across a failover (the cluster fault suite's parts: node processes of the
 * production build on one Redis behind HAProxy). The leader that fired an alert is SIGKILLed
 * while the breach is still open: the next leader continues that breach (no second alert row,
 * no second `fired`), and clears it once when the PBX rows say so. A screen through the load
 * balancer hears one fire and one clearance of one alert id.
 */

const LEASE_MS = 2_000;

let stack: Stack;
let cluster: Cluster;
let dir: string;
let tenant: DemoTenant;
let cookie = '';
const opened: LiveClient[] = [];

async function signIn(username: string): Promise<string> {
	const response = await fetch(`${cluster.url}/login`, {
		method: 'POST',
		body: new URLSearchParams({ username, password: 'correct horse battery' }),
		redirect: 'manual',
		headers: { origin: cluster.url, 'content-type': 'application/x-www-form-urlencoded' }
	});
	const found = response.headers.getSetCookie().find((c) => c.startsWith('il_session='));
	if (!found) throw new Error(`sign-in of ${username} failed: ${response.status}`);
	return found.split(';')[0];
}

beforeAll(async () => {
	dir = mkdtempSync(path.join(process.env[RUN_DIR_VAR] ?? os.tmpdir(), 'il-alerts-cluster-'));
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 2 }).prepare();
	[tenant] = stack.lookups.tenants;
	await stack.createUser({ username: 'ac-admin', role: 'cc_admin', tenantId: tenant.id });
	cluster = await Cluster.start({
		dir,
		env: { ...stack.env, LOG_LEVEL: 'info', LEADER_LEASE_MS: String(LEASE_MS) },
		nodes: 2,
		spare: 0
	});
	await cluster.settled();
	cookie = await signIn('ac-admin');
}, 120_000);

afterAll(async () => {
	for (const socket of opened) socket.disconnect();
	await cluster?.stop();
	await stack?.destroy();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('two nodes, the leader SIGKILLed during an open breach', () => {
	it('still one alert row, one fire and one clearance', async () => {
		const queue = tenant.queues[0];
		// The rule as the admin page stores it: anyone waiting, for a second; clears 2 s after.
		const pool = createPool(loadConfig(stack.env).dashboard);
		try {
			await new AlertRuleStore(pool).create(
				tenant.id,
				{
					queueId: queue.id,
					metric: 'waiting-count',
					level: 'critical',
					threshold: 0,
					minDurationSeconds: 1,
					clearThreshold: 0,
					clearDurationSeconds: 2,
					channels: ['screens'],
					enabled: true
				},
				0
			);
		} finally {
			await pool.end();
		}
		// A screen through the load balancer that records every alert message it is sent, and
		// lists again after each reconnect (as the screens do).
		const heard: AlertView[] = [];
		const socket: LiveClient = connectSocket(cluster.url, {
			transports: ['websocket'],
			extraHeaders: { cookie },
			forceNew: true,
			reconnectionDelay: 100,
			reconnectionDelayMax: 500
		});
		opened.push(socket);
		socket.on('alerts:changed', (message) => heard.push(...message.alerts));
		socket.on('connect', () =>
			socket.emit('alerts:list', (reply) => {
				if (reply.ok) heard.push(...reply.alerts);
			})
		);

		const pbx = new TestPbx(stack.admin, stack.pbxDb);
		// Rules are read every 5 s: the breach starts once the leader has this one.
		await sleep(6_000);
		await pbx.insertNew({ id: 98_001, tenantId: tenant.id, queueId: queue.id });
		const openRows = () =>
			dashRows(stack, 'SELECT id, open, fired_fence, cleared_fence FROM alerts');
		await waitFor(async () => (await openRows()).length === 1, 20_000, 'the alert row');
		await waitFor(() => heard.length > 0, 10_000, 'the screen to hear the alert');
		const [fired] = await openRows();

		const leader = await cluster.settled();
		await leader.kill();
		const next = await cluster.settled(60_000);
		expect(next.id).not.toBe(leader.id);
		// The new leader evaluates the breach, still open, for a while: it continues the row.
		await sleep(4_000);
		expect(await openRows()).toEqual([fired]);

		await pbx.answer(98_001, tenant.agents[0].id);
		await waitFor(async () => (await openRows())[0]?.open === null, 30_000, 'the clearance');
		const rows = await openRows();
		expect(rows).toHaveLength(1);
		expect(Number(rows[0].cleared_fence)).toBeGreaterThan(Number(fired.fired_fence));
		await waitFor(() => heard.some((a) => a.clearedAt !== null), 15_000, 'the screen to hear it');
		const ids = new Set(heard.map((a) => a.id));
		expect([...ids]).toEqual([Number(fired.id)]);
		// However many times it was listed, the alert fired once and cleared once.
		const firedAt = new Set(heard.map((a) => a.firedAt));
		const clearedAt = new Set(heard.filter((a) => a.clearedAt).map((a) => a.clearedAt));
		expect([firedAt.size, clearedAt.size]).toEqual([1, 1]);
	});
});
