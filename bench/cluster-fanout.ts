import { PING_TIMEOUT_MS } from '../src/lib/server/realtime/limits';
import { insertActive } from './lib/bulk';
import { onCleanup } from './lib/cleanup';
import {
	clusterPids,
	keepLogs,
	redisFootprint,
	serverDisconnectReasons,
	silentNodes,
	startBenchCluster
} from './lib/cluster';
import { targetsOf, type Context } from './lib/context';
import { addQueues, newStack, pbxPool } from './lib/env';
import { FanoutAudience } from './lib/audience';
import { LoadProcess, settleFleet } from './lib/load';
import { CpuSplit } from './lib/proc';
import { fmt, sleep } from './lib/stats';
import { PacedWriter } from './lib/writer';
import type { FleetResult } from './live';

/**
 * The fan-out suite's load on 3 nodes: 3 tenants × 10 queues, interactions in progress, 2,000
 * Socket.IO clients through HAProxy (round robin, so about a third on each node; per tenant 10
 * Contact Center Admins, the rest supervisors of one queue), then 500 changes/s. Every node
 * reads every entry from Redis and emits to its own sockets. Also what the stream costs Redis.
 */
export async function clusterFanoutSuite(ctx: Context): Promise<void> {
	const S = 'fan-out, 3 nodes';
	const { db, options, report } = ctx;
	// Debug: each node logs why each socket disconnected (serverDisconnectReasons).
	const stack = await newStack(db, { LOG_LEVEL: 'debug' });
	const lookups = await addQueues(stack, 10);
	const pool = pbxPool(db, stack.pbxDb, 8);
	const targets = targetsOf(lookups);
	const audience = await FanoutAudience.create(stack, lookups, targets, 'cfan');
	// In progress before the nodes start: each node loads them in its own snapshot.
	const rows = Math.round(options.memoryRows / 10);
	await insertActive(pool, { idBase: 6.5e9, count: rows, targets });
	const sockets = new LoadProcess('cluster-fanout-sockets');
	const stopSockets = onCleanup(() => sockets.stop());
	const bench = await startBenchCluster(stack, 'fanout');
	const { cluster } = bench;
	try {
		const redisBefore = await redisFootprint(cluster.redisUrl);
		const specs = await audience.clients(cluster.url, options.fanoutClients);
		ctx.log(`${S}: opening ${specs.length} sockets through HAProxy`);
		const opened = await sockets.call<{ opened: number; failed: number; seconds: number; snapshotRows: number; firstError: string | null }>('openSockets', { url: cluster.url, clients: specs, concurrency: 20 }); // prettier-ignore
		await sleep(3000);
		const seconds = options.fanoutSeconds;
		const writer = new PacedWriter(pool, { idBase: 7.5e9, rate: options.fanoutRate, seconds, targets }); // prettier-ignore
		const offset = await sockets.clockOffset();
		await sockets.call('record', { space: writer.table.space });
		ctx.log(`${S}: ${seconds} s at ${options.fanoutRate} changes/s to ${opened.opened} sockets`);
		const pids = clusterPids(bench);
		const cpu = new CpuSplit({ ...pids, MariaDB: db.pid, 'socket clients': sockets.pid }).start(); // prettier-ignore
		await writer.run();
		const used = cpu.read();
		await settleFleet(sockets, 120_000);
		await sockets.call('stopRecording');
		const fleet = await sockets.call<FleetResult>('fleetResults', { table: writer.table, offsetMs: offset }); // prettier-ignore
		const redis = await redisFootprint(cluster.redisUrl, redisBefore);
		const silent = await silentNodes(bench);
		const health = await cluster.health();
		const leader = cluster.nodes.find((_n, i) => health[i]?.role === 'leader')?.id ?? 'none';

		const share = fleet.delivered / Math.max(1, fleet.expected);
		report.add({ suite: S, name: 'delivered / expected', unit: '%', value: share * 100, target: '100%', met: fleet.delivered === fleet.expected && fleet.duplicates === 0 }); // prettier-ignore
		report.dist(S, 'commit ack → client received', 'ms', fleet.latency);
		for (const node of cluster.nodes) {
			const role = node.id === leader ? 'leader' : 'follower';
			report.add({ suite: S, name: `${node.id} (${role}) CPU`, unit: '% of a core', value: used.byName[node.id] ?? NaN }); // prettier-ignore
		}
		report.add({ suite: S, name: 'Redis CPU', unit: '% of a core', value: used.byName.Redis ?? NaN }); // prettier-ignore
		report.add({ suite: S, name: 'HAProxy CPU', unit: '% of a core', value: used.byName.HAProxy ?? NaN }); // prettier-ignore
		report.add({ suite: S, name: `Redis memory, ${fmt(redis.entries)} stream entries kept`, unit: 'MB', value: redis.usedMb }); // prettier-ignore
		const single = report.figures.find((f) => f.suite === 'fan-out' && f.name === 'commit ack → client received'); // prettier-ignore
		if (single?.p99 !== undefined) report.ratio(`fan-out on 3 nodes: p99 ${fmt(fleet.latency.p99)} ms vs ${fmt(single.p99)} ms on one node (same run, same load) = ${(fleet.latency.p99 / single.p99).toFixed(2)}×`); // prettier-ignore
		report.ratio(`fan-out on 3 nodes: Redis holds about ${fmt(redis.bytesPerEntry / 1024)} KB per stream entry (one commit), so the default LIVE_REPLAY_LIMIT of 20,000 entries needs about ${fmt((redis.bytesPerEntry * 20_000) / 1024 / 1024)} MB`); // prettier-ignore
		report.detail(S, `${opened.opened} clients (${opened.failed} failed${opened.firstError ? `: ${opened.firstError}` : ''}) through HAProxy, round robin over 3 nodes: 30 Contact Center Admins and ${opened.opened - 30} supervisors of one queue each over ${targets.length} queues; ${rows} interactions in progress in each node's snapshot; subscribing took ${opened.seconds.toFixed(1)} s (${fmt(opened.snapshotRows)} snapshot rows in all).`); // prettier-ignore
		report.detail(S, `${writer.commits} changes (${writer.failures} failed) in ${((writer.endedAt - writer.startedAt) / 1000).toFixed(1)} s (schedule lag max ${writer.maxLagMs.toFixed(0)} ms); ${fleet.delivered} of ${fleet.expected} expected deliveries (${Math.round(fleet.delivered / seconds)}/s), ${fleet.duplicates} duplicates, ${fleet.unexpected} out of scope, ${fleet.clientsShort} clients short, ${fleet.disconnects} disconnects ${JSON.stringify(fleet.disconnectReasons)} (${fleet.resnapshots} resumed by snapshot).`); // prettier-ignore
		if (fleet.disconnects > 0) report.detail(S, `Why the nodes dropped those sockets, from their logs: ${JSON.stringify(serverDisconnectReasons(bench))}. A socket that answers no ping within ${PING_TIMEOUT_MS / 1000} s is dropped as a hung screen would be, and resumes by replay when it reconnects; a client process short of CPU falls behind its receive buffer and answers late, so its latencies here include the time it took to catch up (the socket clients' CPU is in the next line).`); // prettier-ignore
		report.detail(S, `CPU: ${used.text}. Leader at the end: ${leader}; not answering /health at the end: ${silent.join(', ') || 'none'}.`); // prettier-ignore
		if (fleet.delivered < fleet.expected || silent.length > 0) report.detail(S, `Node and HAProxy logs kept in ${keepLogs(bench, 'cluster-fanout')}.`); // prettier-ignore
		report.detail(S, `Redis: ${fmt(redis.usedMb)} MB used with ${redis.entries} stream entries (${fmt(redisBefore.usedMb)} MB before the run: ${fmt(redis.bytesPerEntry)} bytes per entry added; entries hold one commit of one interaction change here).`); // prettier-ignore
	} finally {
		await stopSockets();
		await bench.stop();
		await pool.end();
		await stack.destroy();
	}
}
