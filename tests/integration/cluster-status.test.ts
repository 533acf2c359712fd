import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { App } from '../../src/lib/server/app';
import { lifecycleBurst } from '../support/burst';
import { parseExposition, valueOf } from '../support/metrics';
import { InProcessCluster } from '../support/cluster-nodes';
import { waitFor } from '../support/stack';

/**
 * Two nodes on one Redis: each scrape says which one leads, the fencing token and the stream
 * length; each node publishes its status to `<prefix>:nodes`, so either status page shows both
 * and a follower reports the leader's lag; a node that cannot reach Redis is not ready.
 */

let cluster: InProcessCluster;

async function startNode(name: string, serverId: number): Promise<App> {
	// Without the standalone fallback: a node that loses Redis stops being ready (the fallback is
	// cluster-standalone.test.ts).
	const env = { REDIS_PREFIX: 'ops', BINLOG_SERVER_ID: String(serverId), REDIS_STANDALONE_AFTER_MS: '0' }; // prettier-ignore
	return (await cluster.startNode(name, env)).app;
}

async function scrape(app: App) {
	return parseExposition((await app.metrics.scrape()).body);
}

beforeAll(async () => {
	cluster = await InProcessCluster.start(inject('mariadb').port);
});

afterAll(() => cluster?.stop());

describe('several nodes: status and metrics', () => {
	it('scrapes name the leader, fencing token and stream; every node sees every status', async () => {
		const a = await startNode('node-a', 6101);
		await waitFor(() => a.cluster?.role === 'leader', 10_000, 'a to lead');
		const b = await startNode('node-b', 6102);
		await waitFor(() => b.cluster?.role === 'follower', 10_000, 'b to follow');
		const tenant = cluster.stack.lookups.tenants[0];
		await lifecycleBurst(cluster.stack, tenant, { interactions: 10, firstId: 6_600_000 });
		await waitFor(() => b.live.changeLog.head === a.live.changeLog.head, 10_000, 'b to catch up');

		const ma = await scrape(a);
		const mb = await scrape(b);
		expect(valueOf(ma, 'il_cluster_role', { role: 'leader' })).toBe(1);
		expect(valueOf(mb, 'il_cluster_role', { role: 'follower' })).toBe(1);
		expect(valueOf(ma, 'il_binlog_tailing')).toBe(1);
		expect(valueOf(mb, 'il_binlog_tailing')).toBe(0);
		expect(valueOf(mb, 'il_binlog_tailer_state', { state: 'stopped' })).toBe(1);
		await waitFor(
			async () => valueOf(await scrape(b), 'il_changelog_stream_length') >= 10,
			5_000,
			'the stream length sampled'
		);
		for (const m of [await scrape(a), await scrape(b)]) {
			expect(valueOf(m, 'il_cluster_fencing_token')).toBeGreaterThanOrEqual(1);
			expect(valueOf(m, 'il_changelog_stream_length')).toBeGreaterThanOrEqual(10);
			expect(valueOf(m, 'il_changelog_head_seq')).toBe(a.live.changeLog.head);
		}
		// The follower applied what the leader read: it is as current, and says so.
		expect(valueOf(mb, 'il_live_changes_applied_total')).toBe(
			valueOf(ma, 'il_live_changes_applied_total')
		);
		// The leader's range rollups write to the dashboard tables (the same MariaDB here): those
		// events move the leader's binlog position but make no log entry, so the follower's
		// position (its last entry's) may stay behind the leader's while it has applied every entry.
		await a.rollups.settled();
		await waitFor(
			async () => {
				const statuses = await b.monitor.nodes();
				const leader = statuses.find((s) => s.node === 'node-a');
				const follower = statuses.find((s) => s.node === 'node-b');
				return (
					leader?.role === 'leader' &&
					follower?.role === 'follower' &&
					follower.binlog.lagSeconds < 1 &&
					follower.binlog.position?.filename === leader.binlog.position?.filename &&
					(follower.binlog.position?.position ?? Infinity) <=
						(leader.binlog.position?.position ?? -1)
				);
			},
			10_000,
			'both statuses on the follower, with the leader lag and position'
		);

		const client = new Redis(cluster.redis.url);
		try {
			expect(Object.keys(await client.hgetall('ops:nodes')).sort()).toEqual(['node-a', 'node-b']);
			await a.stop();
			expect(Object.keys(await client.hgetall('ops:nodes'))).toEqual(['node-b']);
		} finally {
			client.disconnect();
		}
		await waitFor(() => b.cluster?.role === 'leader', 10_000, 'b to take over');
		expect(b.monitor.readiness()).toEqual({ ready: true });

		await cluster.redis.stop();
		await waitFor(() => !b.monitor.readiness().ready, 10_000, 'b to stop being ready');
		expect(b.monitor.readiness()).toEqual({
			ready: false,
			reason: 'not following the shared change log'
		});
	});
});
