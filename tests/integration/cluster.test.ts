import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Cluster, type NodeProcess } from '../../scripts/lib/cluster';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { RUN_DIR_VAR } from '../../scripts/lib/leftovers';
import { startMariaDb } from '../../scripts/lib/mariadb';
import { sleep } from '../../scripts/lib/system';
import { TestClient } from '../support/client';
import {
	judge,
	scopedDatabaseView,
	showsExactly,
	type Verdict,
	type Watcher
} from '../support/cluster-check';
import { pacedBurst, type PacedBurstOptions } from '../support/paced-burst';
import { Stack, waitFor, type LiveClient } from '../support/stack';

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
let dir: string;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
const cookies = { admin: '', supervisor: '', other: '' };
let nextId = 50_000_000;
const opened: LiveClient[] = [];

/** A block of fresh interaction ids for one burst. */
function ids(count: number): number {
	const first = nextId;
	nextId += count;
	return first;
}

async function signIn(username: string): Promise<string> {
	const response = await fetch(`${cluster.url}/login`, {
		method: 'POST',
		body: new URLSearchParams({ username, password: 'correct horse battery' }),
		redirect: 'manual',
		headers: { origin: cluster.url, 'content-type': 'application/x-www-form-urlencoded' }
	});
	const cookie = response.headers.getSetCookie().find((c) => c.startsWith('il_session='));
	if (!cookie) throw new Error(`sign-in of ${username} failed: ${response.status}`);
	return cookie.split(';')[0];
}

/** A browser-like socket: WebSocket only (no sticky sessions), through HAProxy unless told. */
function socket(cookie: string, url = cluster.url): LiveClient {
	const client: LiveClient = connectSocket(url, {
		transports: ['websocket'],
		extraHeaders: { cookie },
		forceNew: true,
		reconnectionDelay: 100,
		reconnectionDelayMax: 500
	});
	opened.push(client);
	return client;
}

function watcher(name: string, cookie: string, tenant: DemoTenant, queueIds?: number[]): Watcher {
	return { name, client: new TestClient(socket(cookie)), tenant, queueIds };
}

/** Clients of three scopes through the load balancer: round robin spreads them over the nodes. */
async function openWatchers(): Promise<Watcher[]> {
	const supervisorQueues = [tenantA.queues[0].id];
	const watchers = [
		watcher('admin A1', cookies.admin, tenantA),
		watcher('admin A2', cookies.admin, tenantA),
		watcher('supervisor A1', cookies.supervisor, tenantA, supervisorQueues),
		watcher('admin B1', cookies.other, tenantB),
		watcher('admin A3', cookies.admin, tenantA),
		watcher('supervisor A2', cookies.supervisor, tenantA, supervisorQueues),
		watcher('admin B2', cookies.other, tenantB)
	];
	await waitFor(() => watchers.every((w) => w.client.ready), 20_000, 'every client to subscribe');
	return watchers;
}

function close(watchers: Watcher[]): void {
	for (const { client } of watchers) {
		client.sync.detach();
		client.socket.disconnect();
	}
}

/**
 * Waits for every client to show what SQL holds (20 s at most), then judges each one; fails
 * the case with the verdicts unless every count is 0. Called once the burst is over: SQL is
 * final, so it is read once per scope, and only the clients are polled.
 */
async function verify(label: string, watchers: Watcher[]): Promise<Verdict[]> {
	const byScope = new Map<string, Promise<Map<string, string>>>();
	const expected = await Promise.all(
		watchers.map((w) => {
			const key = `${w.tenant.id}:${w.queueIds?.join(',') ?? 'all'}`;
			if (!byScope.has(key)) byScope.set(key, scopedDatabaseView(stack, w.tenant, w.queueIds));
			return byScope.get(key)!;
		})
	);
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline) {
		if (watchers.every((w, i) => showsExactly(w.client, expected[i]))) break;
		await sleep(100);
	}
	const verdicts = watchers.map((w, i) => judge(w, expected[i]));
	const sum = (key: 'applied' | 'lost' | 'doubled' | 'outOfScope') =>
		verdicts.reduce((total, v) => total + v[key], 0);
	console.log(
		`[cluster] ${label}: ${watchers.length} clients, ${verdicts.map((v) => v.expected).join('/')} rows, ` +
			`${sum('applied')} changes applied; lost ${sum('lost')}, doubled ${sum('doubled')}, out of scope ${sum('outOfScope')}`
	);
	if (verdicts.some((v) => v.problems.length > 0)) {
		// What the nodes said is gone with the run's directory: show its end with the failure.
		for (const node of cluster.nodes) {
			console.log(
				`[cluster] ${node.id} log ends with:\n${node.log().split('\n').slice(-20).join('\n')}`
			);
		}
	}
	for (const v of verdicts) {
		expect(v.problems.slice(0, 10), `${label}: ${v.name}`).toEqual([]);
		expect([v.lost, v.doubled, v.outOfScope]).toEqual([0, 0, 0]);
	}
	return verdicts;
}

/**
 * Every running node on its own, not through HAProxy: the same head, and a fresh snapshot from
 * it equal to SQL. An entry appended with a stale token, or one a node skipped, shows here.
 */
async function verifyNodes(label: string): Promise<void> {
	const running = cluster.nodes.filter((node) => node.state === 'running');
	await waitFor(
		async () => {
			await sleep(75); // four HTTP requests a round: no need to ask 40 times a second
			const heads = (await cluster.health()).filter(Boolean).map((h) => h!.seq);
			return heads.length === running.length && new Set(heads).size === 1;
		},
		15_000,
		`${label}: every node at the same head`
	);
	const probes: Watcher[] = running.map((node) => ({
		name: `${node.id} direct`,
		client: new TestClient(socket(cookies.admin, node.url)),
		tenant: tenantA
	}));
	await verify(`${label} (each node directly)`, probes);
	close(probes);
	await auditStream(label);
}

/**
 * The stream of the current epoch read straight from Redis: numbered without a gap or an
 * overlap, and no interaction with more changes than its four commits. A late append of a
 * fenced-off leader would repeat commits the new leader already wrote.
 */
async function auditStream(label: string): Promise<void> {
	const redis = new Redis(cluster.redisUrl, { maxRetriesPerRequest: 1 });
	try {
		const epoch = await redis.get('il:epoch');
		expect(epoch, `${label}: an epoch in Redis`).toBeTruthy();
		const entries = await redis.xrange(`il:log:${epoch}`, '-', '+');
		let expectedFirst: number | null = null;
		const perId = new Map<string, number>();
		for (const [id, fields] of entries) {
			const value = (name: string) => fields[fields.indexOf(name) + 1];
			const first = Number(value('first'));
			const { changes } = JSON.parse(value('entry')) as { changes: { id: string }[] };
			if (changes.length === 0) continue;
			if (expectedFirst !== null) {
				expect(first, `${label}: stream entry ${id} follows the one before`).toBe(expectedFirst);
			}
			expectedFirst = first + changes.length;
			for (const change of changes) perId.set(change.id, (perId.get(change.id) ?? 0) + 1);
		}
		const repeated = [...perId].filter(([, count]) => count > 4);
		expect(repeated, `${label}: interactions with repeated commits in the stream`).toEqual([]);
		const head = Number(await redis.get('il:head'));
		if (expectedFirst !== null) expect(head).toBe(expectedFirst - 1);
	} finally {
		redis.disconnect();
	}
}

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
	cookies.admin = await signIn('admin-a');
	cookies.supervisor = await signIn('supervisor-a');
	cookies.other = await signIn('admin-b');
}, 120_000);

afterAll(async () => {
	for (const client of opened) client.disconnect();
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
