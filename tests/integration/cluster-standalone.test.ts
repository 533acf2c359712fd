import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { App } from '../../src/lib/server/app';
import { lifecycleBurst } from '../support/burst';
import { InProcessCluster } from '../support/cluster-nodes';
import { parseExposition, valueOf } from '../support/metrics';
import { waitFor, type Stack } from '../support/stack';

/**
 * Two nodes in this process lose Redis: past REDIS_STANDALONE_AFTER_MS each tails the binlog on
 * its own (role 'standalone', ready, its state current); when Redis is back they rejoin one
 * shared epoch, one leading. A third node that shares a BINLOG_SERVER_ID says so at start-up
 * and stays on the shared log (not ready) instead of fighting over the binlog connection.
 * Through HAProxy with screens open: cluster-ha.test.ts.
 */

let cluster: InProcessCluster;
let stack: Stack;

function startNode(name: string, serverId: number) {
	return cluster.startNode(name, {
		BINLOG_SERVER_ID: String(serverId),
		REDIS_STANDALONE_AFTER_MS: '1500'
	});
}

function statuses(app: App, tenantId: number): Map<string, string> {
	return new Map(app.live.state.rows(tenantId).map((r) => [r.id, r.status as string]));
}

async function showsDatabase(app: App, label: string): Promise<void> {
	const tenant = stack.lookups.tenants[0];
	const expected = await stack.databaseView(tenant);
	const equal = () => {
		const shown = statuses(app, tenant.id);
		return shown.size === expected.size && [...expected].every(([id, s]) => shown.get(id) === s);
	};
	await waitFor(equal, 15_000, label).catch(() =>
		expect(statuses(app, tenant.id), label).toEqual(expected)
	);
}

beforeAll(async () => {
	cluster = await InProcessCluster.start(inject('mariadb').port);
	stack = cluster.stack;
});

afterAll(() => cluster?.stop());

describe('several nodes while Redis is unreachable', () => {
	it('each node tails the binlog alone, stays ready and current, and rejoins one epoch', async () => {
		const a = (await startNode('a', 6201)).app;
		await waitFor(() => a.cluster?.role === 'leader', 10_000, 'a to lead');
		const b = (await startNode('b', 6202)).app;
		await waitFor(() => b.cluster?.role === 'follower', 10_000, 'b to follow');
		// Both statuses published, so a node started next can see whose server id it shares.
		await waitFor(async () => (await a.monitor.nodes()).length === 2, 10_000, 'statuses');
		const c = (await startNode('c', 6201)).app;
		await waitFor(() => c.cluster?.role === 'follower', 10_000, 'c to follow');
		const tenant = stack.lookups.tenants[0];

		await cluster.redis.stop();
		for (const [name, app] of [
			['a', a],
			['b', b]
		] as const) {
			await waitFor(() => app.cluster?.role === 'standalone', 15_000, `${name} standalone`);
		}
		for (const app of [a, b]) {
			expect(app.monitor.readiness()).toEqual({ ready: true });
			expect(app.live.tailing).toBe(true);
			const metrics = parseExposition((await app.metrics.scrape()).body);
			expect(valueOf(metrics, 'il_cluster_role', { role: 'standalone' })).toBe(1);
		}
		// c shares a's server id: it does not tail, and is not ready (its view is not current).
		expect(c.cluster?.role).toBe('follower');
		expect(c.live.tailing).toBe(false);
		await waitFor(() => !c.monitor.readiness().ready, 10_000, 'c to stop being ready');

		await lifecycleBurst(stack, tenant, { interactions: 30, firstId: 6_200_000 });
		await showsDatabase(a, 'a applies what was written while Redis was away');
		await showsDatabase(b, 'b applies what was written while Redis was away');
		expect(a.live.changeLog.epoch).not.toBe(b.live.changeLog.epoch);

		await cluster.startRedisAgain();
		await waitFor(
			() => [a, b, c].filter((app) => app.cluster?.role === 'leader').length === 1,
			20_000,
			'one node to lead again'
		);
		await waitFor(
			() =>
				[a, b, c].every((app) => app.cluster?.isCurrent() && app.cluster.role !== 'standalone') &&
				new Set([a, b, c].map((app) => app.live.changeLog.epoch)).size === 1,
			20_000,
			'every node on one shared epoch'
		);
		await lifecycleBurst(stack, tenant, { interactions: 20, firstId: 6_210_000 });
		for (const [name, app] of [
			['a', a],
			['b', b],
			['c', c]
		] as const) {
			await showsDatabase(app, `${name} follows the shared log again`);
		}
	});

	it('a node that starts while Redis is unreachable goes standalone, and joins once it is back', async () => {
		await cluster.redis.stop();
		const d = (await startNode('d', 6204)).app;
		await waitFor(() => d.cluster?.role === 'standalone', 15_000, 'd standalone');
		expect(d.monitor.readiness()).toEqual({ ready: true });
		await lifecycleBurst(stack, stack.lookups.tenants[0], { interactions: 10, firstId: 6_220_000 });
		await showsDatabase(d, 'd applies what was written while Redis was away');
		await cluster.startRedisAgain();
		await waitFor(
			() => d.cluster?.role === 'leader' || d.cluster?.role === 'follower',
			20_000,
			'd to rejoin'
		);
		await showsDatabase(d, 'd on the shared log again');
	});
});
