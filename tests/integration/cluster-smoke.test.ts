import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startRedis, type RedisHandle } from '../../scripts/lib/redis';
import { createApp, type App } from '../../src/lib/server/app';
import { databaseView, lifecycleBurst } from '../support/burst';
import { Stack, waitFor } from '../support/stack';

/** Two nodes in this process on one Redis: the basics of the shared change log. */

let stack: Stack;
let redis: RedisHandle;
let redisDir: string;
const nodes: { app: App; server: Server; url: string }[] = [];

async function startNode(name: string) {
	const app = await createApp({
		...stack.env,
		REDIS_URL: redis.url,
		NODE_ID: name,
		LEADER_LEASE_MS: '1500',
		BINLOG_SERVER_ID: String(5000 + nodes.length)
	});
	const server = createServer((_req, res) => res.writeHead(404).end());
	app.attach(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const node = { app, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
	nodes.push(node);
	return node;
}

beforeAll(async () => {
	redisDir = mkdtempSync(path.join(os.tmpdir(), 'il-test-redis-'));
	redis = await startRedis({ dataDir: redisDir });
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
});

afterAll(async () => {
	for (const node of nodes) {
		await node.app.stop().catch(() => undefined);
		node.server.close();
	}
	await stack?.destroy();
	await redis?.stop();
	rmSync(redisDir, { recursive: true, force: true });
});

describe('several nodes on one Redis', () => {
	it('one leads, both follow, and a second leader takes over with nothing lost', async () => {
		const a = await startNode('a');
		await waitFor(() => a.app.cluster?.role === 'leader', 10_000, 'a to lead');
		const b = await startNode('b');
		await waitFor(() => b.app.cluster?.role === 'follower', 10_000, 'b to follow');
		const tenant = stack.lookups.tenants[0];
		await lifecycleBurst(stack, tenant, { interactions: 50, firstId: 1_000_000 });
		const expected = await databaseView(stack, tenant);
		const statuses = (app: App) =>
			new Map(app.live.state.rows(tenant.id).map((r) => [r.id, r.status as string]));
		const equal = (app: App) =>
			statuses(app).size === expected.size &&
			[...expected].every(([id, status]) => statuses(app).get(id) === status);
		for (const node of [a, b]) {
			await waitFor(() => equal(node.app), 10_000, 'the node to apply the burst').catch(() =>
				expect(statuses(node.app)).toEqual(expected)
			);
		}
		expect(b.app.live.position()).toEqual(a.app.live.position());

		await a.app.stop();
		await waitFor(() => b.app.cluster?.role === 'leader', 10_000, 'b to take over');
		await lifecycleBurst(stack, tenant, { interactions: 20, firstId: 2_000_000 });
		const after = await databaseView(stack, tenant);
		await waitFor(
			() => [...after].every(([id, status]) => statuses(b.app).get(id) === status),
			10_000,
			'b, now leading, to apply what was written after the failover'
		);
	});
});
