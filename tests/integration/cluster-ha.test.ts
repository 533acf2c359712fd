import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintWallToken } from '../../scripts/lib/accounts';
import { Cluster } from '../../scripts/lib/cluster';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { RUN_DIR_VAR } from '../../scripts/lib/leftovers';
import { dashRows, openSocket, subscribe } from '../support/access';
import { ClusterClients } from '../support/cluster-clients';
import { Staleness } from '../support/cluster-staleness';
import { pacedBurst } from '../support/paced-burst';
import { Stack } from '../support/stack';

/**
 * Redis is no single point of failure (issue 27), three nodes behind HAProxy with screens open:
 * - Sentinel: the Redis primary is SIGKILLed at 200 commits/s; a replica is promoted, the nodes
 *   start a new epoch on it (the old one may lack acknowledged writes), screens are live again
 *   within 10 s, and nothing is lost, doubled or reordered; one fence owner at a time.
 * - Redis gone 60 s at 50 commits/s: each node tails the binlog alone after
 *   REDIS_STANDALONE_AFTER_MS, screens stay live (no client goes 5 s without news), rejoin one
 *   epoch when Redis is back, and a wall token revoked during the outage closes its socket on
 *   every node within 3 s (each node reads the revocation from its own binlog tail).
 */

const LEASE_MS = 2_000;

let stack: Stack;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
let nextId = 70_000_000;

function ids(count: number): number {
	const first = nextId;
	nextId += count;
	return first;
}

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	[tenantA, tenantB] = stack.lookups.tenants;
	await stack.createUser({ username: 'admin-a', role: 'cc_admin', tenantId: tenantA.id });
	await stack.createUser({
		username: 'supervisor-a',
		role: 'cc_supervisor',
		tenantId: tenantA.id,
		queueIds: [tenantA.queues[0].id]
	});
	await stack.createUser({ username: 'admin-b', role: 'cc_admin', tenantId: tenantB.id });
}, 120_000);

afterAll(() => stack?.destroy());

/** A cluster of three nodes for one describe block, in the run's directory (leftover checks). */
function clusterFor(env: Record<string, string>, options: { sentinel?: boolean } = {}) {
	const state = {} as { cluster: Cluster; clients: ClusterClients; dir: string };
	beforeAll(async () => {
		state.dir = mkdtempSync(path.join(process.env[RUN_DIR_VAR] ?? os.tmpdir(), 'il-cluster-ha-'));
		state.cluster = await Cluster.start({
			dir: state.dir,
			env: { ...stack.env, LOG_LEVEL: 'info', LEADER_LEASE_MS: String(LEASE_MS), ...env },
			nodes: 3,
			spare: 0,
			...options
		});
		await state.cluster.settled(60_000);
		state.clients = new ClusterClients(stack, state.cluster, tenantA, tenantB);
		await state.clients.signInAll();
	}, 180_000);
	afterAll(async () => {
		state.clients?.disconnectAll();
		await state.cluster?.stop();
		if (state.dir) rmSync(state.dir, { recursive: true, force: true });
	});
	return state;
}

describe('Sentinel: the Redis primary is SIGKILLed at 200 commits/s', () => {
	// Standalone only after the Sentinels had every chance to promote: this case is the failover.
	const ha = clusterFor({ REDIS_STANDALONE_AFTER_MS: '15000' }, { sentinel: true });

	it('a replica is promoted, a new epoch, screens live within 10 s, nothing lost or doubled', async () => {
		const { cluster, clients } = ha;
		const sentinel = cluster.sentinel!;
		const watchers = await clients.openWatchers();
		await cluster.settled();
		const before = watchers[0].client.epoch;
		let killedAt = 0;
		let liveAt = 0;
		let failover: Promise<number> | undefined;
		// Live again: every client on an epoch after the kill, and a change applied in it.
		const live = () =>
			watchers.every((w) => {
				const latest = w.client.appliedLog.at(-1);
				return w.client.epoch !== before && latest?.epoch === w.client.epoch;
			});
		const watch = setInterval(() => {
			if (killedAt && !liveAt && live()) liveAt = performance.now();
		}, 50);
		const result = await pacedBurst(stack, {
			tenants: [tenantA, tenantB],
			interactions: 4_000,
			firstId: ids(4_000),
			rate: 200,
			onCommit: (n) => {
				if (n !== 300) return;
				killedAt = performance.now();
				failover = sentinel.killPrimary().then((port) => sentinel.promotedFrom(port));
			},
			until: () => (liveAt > 0 && performance.now() - liveAt > 2_000) || (killedAt > 0 && performance.now() - killedAt > 30_000) // prettier-ignore
		});
		clearInterval(watch);
		const promoted = await failover!;
		const leader = await cluster.settled();
		const liveAfter = liveAt ? Math.round(liveAt - killedAt) : null;
		console.log(
			`[cluster-ha] sentinel: ${result.commits} commits, ${result.failed} failed; primary killed, ` +
				`127.0.0.1:${promoted} promoted, ${leader.id} leads; every screen live ${liveAfter} ms after the kill`
		);
		if (liveAfter === null) {
			for (const node of cluster.nodes) {
				console.log(`[cluster-ha] ${node.id}:\n${node.log().split('\n').slice(-40).join('\n')}`);
			}
			console.log(watchers.map((w) => `${w.name} ${w.client.epoch} ${w.client.appliedLog.at(-1)?.epoch}`).join('\n')); // prettier-ignore
		}
		expect(liveAfter, 'every screen live again within 10 s of the kill').not.toBeNull();
		expect(liveAfter!).toBeLessThanOrEqual(10_000);
		// The first epoch was started when the cluster came up; the promoted replica must have
		// had a fresh one, never the old one continued. Which reason the leader logs depends on
		// timing: another Redis process serves the log, it holds none yet, or the nodes ran
		// standalone while the failover outlasted REDIS_STANDALONE_AFTER_MS.
		const epochs = cluster.nodes.flatMap((node) => node.log().match(/NEW EPOCH: [^.]*/g) ?? []);
		expect(epochs.length, `a new epoch after the failover (${epochs.join('; ')})`).toBeGreaterThan(
			1
		);
		await clients.verify('sentinel failover', watchers);
		clients.close(watchers);
		await clients.verifyNodes('sentinel failover');
	});
});

describe('Redis gone for 60 s at 50 commits/s', () => {
	const plain = clusterFor({});

	it('every node goes standalone, screens stay live, rejoin one epoch; a revoked wall token ends on every node', async () => {
		const { cluster, clients } = plain;
		const watchers = await clients.openWatchers();
		await cluster.settled();
		// One wall socket on each node, straight to it (not through the balancer).
		const token = await mintWallToken(stack.env, { label: 'ha-wall', tenantId: tenantA.id, queueIds: 'all' }); // prettier-ignore
		const walls = await Promise.all(
			cluster.nodes.map(async (node) => {
				const socket = await openSocket(node.url, { wallToken: token });
				expect((await subscribe(socket, {})).ok).toBe(true);
				return socket;
			})
		);
		const [{ id: tokenId }] = await dashRows(stack, 'SELECT id FROM wall_tokens WHERE label = ? AND revoked_at IS NULL', ['ha-wall']); // prettier-ignore
		const stale = new Staleness(watchers);
		let lostAt = 0;
		let lostWall = 0;
		let backAt = 0;
		let outage: Promise<void> | undefined;
		let revoked: ReturnType<ClusterClients['revokeTimed']> | undefined;
		// Revoked 20 s into the outage, through the balancer, as an admin does.
		const result = await pacedBurst(stack, {
			tenants: [tenantA, tenantB],
			interactions: 5_000,
			firstId: ids(5_000),
			rate: 50,
			onCommit: (n) => {
				if (n !== 150) return;
				outage = cluster
					.restartRedis(60_000, () => {
						lostAt = performance.now();
						lostWall = Date.now();
						stale.start();
						setTimeout(() => (revoked = clients.revokeTimed(walls, Number(tokenId))), 20_000);
					})
					.then(() => void (backAt = performance.now()));
			},
			until: () => backAt > 0 && performance.now() - backAt > 10_000
		});
		await outage;
		stale.stop();
		const leader = await cluster.settled();
		const { answeredMs, closedMs } = await revoked!;
		const closedAfter = closedMs.map((ms) => Math.round(ms - answeredMs));
		console.log(
			`[cluster-ha] Redis gone ${Math.round((backAt - lostAt) / 1000)} s: ${result.commits} commits; ` +
				`longest a screen went without news ${Math.round(stale.longest())} ms (ending ${Math.round((stale.longestAt() - lostAt) / 1000)} s into the outage); ${leader.id} leads after; ` +
				`the revoke answered ${Math.round(answeredMs)} ms after it was sent, and the wall sockets closed ${closedAfter.join('/')} ms after that; snapshots per client ` +
				watchers.map((w) => w.client.snapshots).join('/')
		);
		if (stale.longest() > 5_000) {
			// Where the time went: each node's switch, as its log tells it.
			const switching = /STANDALONE|NEW EPOCH|unreachable|rejoins|leading|following|stepped down/;
			for (const node of cluster.nodes) {
				const lines = node
					.log()
					.split('\n')
					.filter((line) => switching.test(line));
				console.log(`[cluster-ha] ${node.id} (Redis stopped at ${new Date(lostWall).toISOString()}):\n${lines.slice(0, 12).join('\n')}`); // prettier-ignore
			}
			console.log(`[cluster-ha] gaps over 1 s: ${stale.gaps.map((g) => `${g.watcher} ${Math.round(g.from - lostAt)}…${Math.round(g.to - lostAt)} ms`).join('; ')}`); // prettier-ignore
		}
		expect(
			cluster.nodes.every((node) => /STANDALONE: Redis unreachable/.test(node.log())),
			'every node went standalone'
		).toBe(true);
		expect(stale.longest(), 'no screen stale for more than 5 s').toBeLessThanOrEqual(5_000);
		// From the revocation's commit (its answer): how long the request took is the serving node's.
		for (const ms of closedAfter) expect(ms).toBeLessThanOrEqual(3_000);
		await clients.verify('Redis gone 60 s', watchers);
		const epochs = new Set(watchers.map((w) => w.client.epoch));
		expect(epochs.size, 'every screen on one shared epoch again').toBe(1);
		clients.close(watchers);
		await clients.verifyNodes('Redis gone 60 s');
	}, 240_000);
});
