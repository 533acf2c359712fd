import { cpSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Cluster } from '../../scripts/lib/cluster';
import { processesWhere } from '../../scripts/lib/leftovers';
import type { Sandbox } from '../../scripts/lib/sandbox';
import { onCleanup } from './cleanup';
import { WORK_DIR } from './server';

/**
 * Several nodes for a suite: the cluster launcher the demo and the tests use (Redis, 3 nodes of
 * the production build, HAProxy in front), with its processes named for CPU accounting and
 * Redis's memory read back. The nodes run the repository's build/ (the launcher's), not the
 * private copy single-node suites run: both are the build of this run's start.
 */

export interface BenchCluster {
	cluster: Cluster;
	/** Where its logs, haproxy.cfg and Redis's directory are. */
	dir: string;
	stop(): Promise<void>;
}

export async function startBenchCluster(
	stack: Sandbox,
	name: string,
	nodes = 3,
	/** `sentinel`: a Redis primary, a replica and three Sentinels; `env`: on top of the stack's. */
	options: { sentinel?: boolean; env?: Record<string, string> } = {}
): Promise<BenchCluster> {
	const dir = path.join(WORK_DIR, `cluster-${name}`);
	const env = { ...stack.env, ...options.env };
	const cluster = await Cluster.start({ dir, env, nodes, spare: 0, sentinel: options.sentinel });
	const stop = onCleanup(() => cluster.stop());
	await cluster.settled(60_000);
	return { cluster, dir, stop };
}

/** Pids by name for CpuSplit: each node, and the cluster's Redis and HAProxy (found by dir). */
export function clusterPids(bench: BenchCluster): Record<string, number | undefined> {
	const pids: Record<string, number | undefined> = {};
	for (const node of bench.cluster.nodes) pids[node.id] = node.pid ?? undefined;
	const inDir = (args: string[]) => args.some((arg) => arg.startsWith(bench.dir));
	const redis = processesWhere((args) => /redis-server/.test(args[0] ?? '') && inDir(args));
	const haproxy = processesWhere((args) => /haproxy/.test(args[0] ?? '') && inDir(args));
	pids.Redis = redis[0];
	pids.HAProxy = haproxy[0];
	return pids;
}

/**
 * Why the nodes say their sockets disconnected, counted from their logs (the nodes must run at
 * LOG_LEVEL=debug, where each disconnect is logged with Socket.IO's reason). The clients only
 * see "transport close" when a node drops them; this says why it did.
 */
export function serverDisconnectReasons(bench: BenchCluster): Record<string, number> {
	const reasons: Record<string, number> = {};
	for (const file of readdirSync(bench.dir).filter((name) => /^node.*\.log$/.test(name))) {
		for (const line of readFileSync(path.join(bench.dir, file), 'utf8').split('\n')) {
			if (!line.includes('socket disconnected')) continue;
			const reason = /"reason":"([^"]*)"/.exec(line)?.[1] ?? 'unknown';
			reasons[reason] = (reasons[reason] ?? 0) + 1;
		}
	}
	return reasons;
}

/**
 * Copies the cluster's logs (each node's, HAProxy's) to bench/.work/<name>, which outlives the
 * run's temporary folder: for a suite whose figures say something went wrong. Returns the path.
 */
export function keepLogs(bench: BenchCluster, name: string): string {
	const to = path.resolve('bench/.work', name);
	cpSync(bench.dir, to, { recursive: true, filter: (file) => !file.includes(`${path.sep}redis`) });
	return to;
}

/** Which nodes do not answer /health now (crashed, or too busy to answer within a second). */
export async function silentNodes(bench: BenchCluster): Promise<string[]> {
	const health = await Promise.all(bench.cluster.nodes.map((node) => node.health()));
	return bench.cluster.nodes.filter((_node, i) => health[i] === null).map((node) => node.id);
}

export interface RedisFootprint {
	usedMb: number;
	entries: number;
	/** Redis memory per stream entry kept: growth over `base`, divided by the entries added. */
	bytesPerEntry: number;
}

/**
 * What the change log costs Redis: used memory and the current epoch's stream length, and per
 * entry what it grew by since `base` (an earlier reading, e.g. right after the cluster started).
 */
export async function redisFootprint(
	url: string,
	base?: RedisFootprint,
	prefix = 'il'
): Promise<RedisFootprint> {
	const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
	try {
		await redis.connect();
		const info = await redis.info('memory');
		const used = Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
		const epoch = await redis.get(`${prefix}:epoch`);
		const entries = epoch ? await redis.xlen(`${prefix}:log:${epoch}`) : 0;
		const usedMb = used / 1024 / 1024;
		const grown = (usedMb - (base?.usedMb ?? 0)) * 1024 * 1024;
		const added = entries - (base?.entries ?? 0);
		return { usedMb, entries, bytesPerEntry: added > 0 ? grown / added : NaN };
	} finally {
		redis.disconnect();
	}
}
