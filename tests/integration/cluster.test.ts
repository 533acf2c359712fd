import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Cluster, type NodeProcess } from '../../scripts/lib/cluster';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { RUN_DIR_VAR } from '../../scripts/lib/leftovers';
import { startMariaDb } from '../../scripts/lib/mariadb';
import type { Watcher } from '../support/cluster-check';
import { ClusterClients } from '../support/cluster-clients';
import { pacedBurst, type PacedBurstOptions } from '../support/paced-burst';
import { Stack, waitFor } from '../support/stack';

/**
 * That several nodes lose nothing: three node processes of the production build on one Redis,
 * behind HAProxy, clients connected through it as browsers are, and a PBX writing 200 commits/s
 * while a node is killed, frozen, Redis or MariaDB restarts, or a node joins. After each, every
 * client must show exactly what SQL holds (0 lost), have applied every change once and in order
 * within its epoch (0 doubled), and never have been sent a row of another tenant or queue (0 out
 * of scope).
 */

const LEASE_MS = 2_000;
const RATE = 200;

let stack: Stack;
let cluster: Cluster;
let clients: ClusterClients;
let dir: string;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
let nextId = 50_000_000;

/** A block of fresh interaction ids for one burst. */
function ids(count: number): number {
	const first = nextId;
	nextId += count;
	return first;
}

const openWatchers = () => clients.openWatchers();
const close = (watchers: Watcher[]) => clients.close(watchers);
const verify = (label: string, watchers: Watcher[]) => clients.verify(label, watchers);
const verifyNodes = (label: string) => clients.verifyNodes(label);

function burst(
	interactions: number,
	o: Omit<PacedBurstOptions, 'tenants' | 'interactions' | 'firstId' | 'rate'> = {}
) {
	return pacedBurst(stack, {
		tenants: [tenantA, tenantB],
		interactions,
		firstId: ids(interactions),
		rate: RATE,
		...o
	});
}

/**
 * Starts a killed node again, for the next case, while this one checks its clients (a node
 * start is seconds of CPU on a busy machine); the returned promise settles with the cluster.
 */
function restore(node: NodeProcess): Promise<void> {
	const restoring = (async () => {
		const started = performance.now();
		await node.start();
		await cluster.settled();
		const seconds = ((performance.now() - started) / 1000).toFixed(1);
		console.log(`[cluster] ${node.id} started again and in step in ${seconds} s`);
	})();
	restoring.catch(() => undefined); // awaited by the caller; handled if the case fails first
	return restoring;
}

beforeAll(async () => {
	// In the run's directory: the run's leftover check and reaper find Redis and HAProxy by it.
	dir = mkdtempSync(path.join(process.env[RUN_DIR_VAR] ?? os.tmpdir(), 'il-cluster-'));
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
	cluster = await Cluster.start({
		dir,
		env: { ...stack.env, LOG_LEVEL: 'info', LEADER_LEASE_MS: String(LEASE_MS) },
		nodes: 3,
		spare: 1
	});
	await cluster.settled();
	clients = new ClusterClients(stack, cluster, tenantA, tenantB);
	await clients.signInAll();
}, 120_000);

afterAll(async () => {
	clients?.disconnectAll();
	await cluster?.stop();
	await stack?.destroy();
	rmSync(dir, { recursive: true, force: true });
});

describe('three nodes behind HAProxy, 200 commits/s', () => {
	it('(1) the leader is SIGKILLed mid-burst: another takes over, nothing lost or doubled', async () => {
		const watchers = await openWatchers();
		const leader = await cluster.settled();
		let killedAt = 0;
		let killing: Promise<void> | undefined;
		const result = await burst(250, {
			onCommit: (n) => {
				if (n !== 300) return;
				killedAt = performance.now();
				killing = leader.kill();
			}
		});
		await killing;
		const next = await cluster.settled();
		const gap = performance.now() - killedAt;
		expect(next).not.toBe(leader);
		console.log(
			`[cluster] (1) ${result.commits} commits in ${result.seconds.toFixed(1)} s; ${leader.id} killed, ` +
				`${next.id} leads (settled ${Math.round(gap)} ms after the kill)`
		);
		const restoring = restore(leader);
		await verify('(1) leader SIGKILL', watchers);
		close(watchers);
		await restoring;
		await verifyNodes('(1) leader SIGKILL');
	});

	it('(2) a follower is SIGKILLed: its clients resume on another node by replay', async () => {
		const watchers = await openWatchers();
		const leader = await cluster.settled();
		const follower = cluster.nodes.find((n) => n !== leader && n.state === 'running')!;
		const dropped = new Set<Watcher>();
		for (const w of watchers) w.client.socket.on('disconnect', () => dropped.add(w));
		const before = new Map(
			watchers.map((w) => [w, { replays: w.client.replays, snapshots: w.client.snapshots }])
		);
		let killing: Promise<void> | undefined;
		const result = await burst(200, {
			onCommit: (n) => {
				if (n === 300) killing = follower.kill();
			}
		});
		await killing;
		await cluster.settled();
		const restoring = restore(follower);
		await verify('(2) follower SIGKILL', watchers);
		const moved = [...dropped];
		console.log(
			`[cluster] (2) ${result.commits} commits; ${follower.id} killed; ${moved.length} clients moved: ` +
				moved
					.map((w) => `${w.name} replays ${w.client.replays} snapshots ${w.client.snapshots}`)
					.join(', ')
		);
		// Round robin put some of the seven on the killed node.
		expect(moved.length).toBeGreaterThan(0);
		for (const w of moved) {
			expect(w.client.replays, `${w.name} resumed by replay`).toBeGreaterThan(
				before.get(w)!.replays
			);
			expect(w.client.snapshots, `${w.name} took no new snapshot`).toBe(before.get(w)!.snapshots);
		}
		close(watchers);
		await restoring;
		await verifyNodes('(2) follower SIGKILL');
	});

	it('(3) the leader is frozen past its lease: a new leader takes over, the old one is fenced and steps down', async () => {
		const watchers = await openWatchers();
		const old = await cluster.settled();
		let resumedAt = 0;
		const takeover = (async () => {
			await waitFor(() => old.state === 'paused', 30_000, 'the freeze');
			const next = await cluster.settled(LEASE_MS * 5);
			// Frozen a while longer, so the old leader's binlog socket fills with commits it will
			// try to append once it runs again.
			await new Promise((resolve) => setTimeout(resolve, 500));
			old.resume();
			resumedAt = performance.now();
			return next;
		})();
		const result = await burst(2_000, {
			onCommit: (n) => {
				if (n === 200) old.pause();
			},
			until: () => resumedAt > 0 && performance.now() - resumedAt > 1_500
		});
		const next = await takeover;
		expect(next).not.toBe(old);
		const steppedDown = () =>
			old
				.log()
				.split('\n')
				.filter((line) => line.includes('stepped down'));
		await waitFor(() => steppedDown().length > 0, 10_000, 'the old leader to step down');
		console.log(
			`[cluster] (3) ${result.commits} commits; ${old.id} frozen, ${next.id} took over; ` +
				`${old.id} logged: ${steppedDown().join(' | ')}`
		);
		expect((await old.health())?.role).not.toBe('leader');
		expect(await cluster.settled()).toBe(next);
		await verify('(3) leader SIGSTOP', watchers);
		close(watchers);
		await verifyNodes('(3) leader SIGSTOP');
	});

	it('(4) Redis restarts empty mid-burst: a new epoch, loudly, every client resnapshots', async () => {
		const watchers = await openWatchers();
		await cluster.settled();
		const epoch = watchers[0].client.epoch;
		const snapshots = watchers.map((w) => w.client.snapshots);
		const logged = cluster.nodes.map((node) => node.log().length);
		let restarting: Promise<void> | undefined;
		const result = await burst(250, {
			onCommit: (n) => {
				if (n === 300) restarting = cluster.restartRedis();
			}
		});
		await restarting;
		await cluster.settled();
		await verify('(4) Redis restart', watchers);
		const newEpoch = watchers[0].client.epoch;
		expect(newEpoch).not.toBe(epoch);
		for (const [i, w] of watchers.entries()) {
			expect(w.client.epoch, `${w.name} on the new epoch`).toBe(newEpoch);
			expect(w.client.snapshots, `${w.name} resnapshotted`).toBeGreaterThan(snapshots[i]);
		}
		// A node noticed Redis came back empty and said so; the others re-synced to its epoch.
		const loud = cluster.nodes.filter((node, i) => /NEW EPOCH/.test(node.log().slice(logged[i])));
		expect(loud.length).toBeGreaterThan(0);
		console.log(
			`[cluster] (4) ${result.commits} commits, ${result.failed} failed; new epoch announced by ` +
				loud.map((node) => node.id).join(', ')
		);
		close(watchers);
		await verifyNodes('(4) Redis restart');
	});

	it('(5) MariaDB restarts mid-burst: the leader resumes from its checkpoint', async () => {
		const watchers = await openWatchers();
		await cluster.settled();
		const { dataDir, port } = inject('mariadb');
		let restarting: Promise<void> | undefined;
		const result = await burst(250, {
			onCommit: (n) => {
				if (n === 300) restarting = startMariaDb({ dataDir, port }).then((db) => db.restart());
			}
		});
		await restarting;
		await cluster.settled();
		console.log(
			`[cluster] (5) ${result.commits} commits, ${result.failed} refused while it was down`
		);
		await verify('(5) MariaDB restart', watchers);
		close(watchers);
		await verifyNodes('(5) MariaDB restart');
	});

	it('(6) a node joins while the burst runs: it builds its state without a gap or a double', async () => {
		const watchers = await openWatchers();
		await cluster.settled();
		let joined = 0;
		let joining: Promise<NodeProcess> | undefined;
		const result = await burst(3_000, {
			onCommit: (n) => {
				if (n !== 200) return;
				const asked = performance.now();
				joining = cluster.addNode().then((node) => {
					joined = performance.now();
					console.log(
						`[cluster] (6) ${node.id} healthy ${Math.round(joined - asked)} ms after its start`
					);
					return node;
				});
			},
			until: () => joined > 0 && performance.now() - joined > 1_500
		});
		const node = await joining!;
		// Clients that arrive after the join: HAProxy puts one in four on the new node.
		const late = await openWatchers();
		console.log(`[cluster] (6) ${result.commits} commits; ${node.id} joined mid-burst`);
		await cluster.settled();
		await verify('(6) node joins', [...watchers, ...late]);
		close([...watchers, ...late]);
		await verifyNodes('(6) node joins');
	});
});
