import { tenantCrowd } from './lib/audience';
import { onCleanup } from './lib/cleanup';
import { clusterPids, startBenchCluster } from './lib/cluster';
import { targetsOf, type Context } from './lib/context';
import { insertActive } from './lib/bulk';
import { createAccounts, newStack, pbxPool } from './lib/env';
import { LoadProcess, settleFleet } from './lib/load';
import { CpuSplit } from './lib/proc';
import { ServerProcess } from './lib/server';
import { fmt, summarize } from './lib/stats';
import { PacedWriter } from './lib/writer';
import type { FleetResult } from './live';

/**
 * Commit → socket client, one node against three on Redis, in the same run on the same data:
 * phases in the order single, cluster, cluster, single (quick: single, cluster), so drift in the
 * machine's load hits both modes alike. Each phase starts its deployment afresh, opens the same
 * number of Socket.IO clients (through HAProxy for the cluster, round robin over the nodes),
 * and writes 200 commits/s. The cluster's path adds Redis (the leader's append, every node's
 * XREAD) and the HAProxy hop.
 */

type Mode = 'single node' | '3 nodes on Redis';
const RATE = 200;

export async function clusterLatencySuite(ctx: Context): Promise<void> {
	const S = 'commit-to-client (Redis)';
	const { db, options, report } = ctx;
	const stack = await newStack(db);
	const pool = pbxPool(db, stack.pbxDb, 8);
	const tenant = stack.lookups.tenants[0];
	const targets = targetsOf(stack.lookups, [tenant.id]);
	await insertActive(pool, { idBase: 9.4e9, count: 150, targets });
	await createAccounts(stack, [{ username: 'latency.admin', role: 'cc_admin', tenantId: tenant.id }]); // prettier-ignore
	const sockets = new LoadProcess('cluster-latency-sockets');
	const stopSockets = onCleanup(() => sockets.stop());
	const order: Mode[] = options.quick
		? ['single node', '3 nodes on Redis']
		: ['single node', '3 nodes on Redis', '3 nodes on Redis', 'single node'];
	const samples = new Map<Mode, Float64Array[]>();
	const phaseLines: string[] = [];
	try {
		for (const [i, mode] of order.entries()) {
			let url: string;
			let pids: Record<string, number | undefined>;
			let stop: () => Promise<void>;
			if (mode === 'single node') {
				const server = new ServerProcess(stack.env, `latency-single-${i}`);
				stop = onCleanup(() => server.stop());
				await server.start();
				url = server.url;
				pids = { server: server.pid };
			} else {
				const bench = await startBenchCluster(stack, `latency-${i}`);
				stop = bench.stop;
				url = bench.cluster.url;
				pids = clusterPids(bench);
			}
			try {
				const specs = await tenantCrowd(stack, 'latency.admin', tenant.id, options.clusterSockets);
				await sockets.call('openSockets', { url, clients: specs, concurrency: 10 });
				const writer = new PacedWriter(pool, { idBase: 9.5e9 + i * 1e7, rate: RATE, seconds: options.clusterSeconds, targets }); // prettier-ignore
				const offset = await sockets.clockOffset();
				await sockets.call('record', { space: writer.table.space });
				ctx.log(`${S}: phase ${i + 1}/${order.length}, ${mode}, ${options.clusterSeconds} s at ${RATE} commits/s to ${options.clusterSockets} sockets`); // prettier-ignore
				const cpu = new CpuSplit({ ...pids, MariaDB: db.pid, 'socket clients': sockets.pid }).start(); // prettier-ignore
				await writer.run();
				const used = cpu.read();
				await settleFleet(sockets, 60_000);
				await sockets.call('stopRecording');
				const fleet = await sockets.call<FleetResult>('fleetResults', { table: writer.table, offsetMs: offset, withSamples: true }); // prettier-ignore
				if (fleet.samples) samples.set(mode, [...(samples.get(mode) ?? []), fleet.samples]);
				phaseLines.push(`phase ${i + 1} (${mode}): p50 ${fmt(fleet.latency.median)} ms, p99 ${fmt(fleet.latency.p99)} ms; ${fleet.delivered} of ${fleet.expected} deliveries, ${fleet.duplicates} duplicates, ${fleet.disconnects} disconnects; writer ${writer.commits} commits (${writer.failures} failed, schedule lag max ${writer.maxLagMs.toFixed(0)} ms); CPU: ${used.text}.`); // prettier-ignore
			} finally {
				await sockets.call('closeSockets');
				await stop();
			}
		}
		const pooled = (mode: Mode) => summarize(Float64Array.from((samples.get(mode) ?? []).flatMap((a) => [...a]))); // prettier-ignore
		const single = pooled('single node');
		const cluster = pooled('3 nodes on Redis');
		report.dist(S, 'single node: commit ack → socket client received', 'ms', single);
		report.dist(S, '3 nodes on Redis (via HAProxy): commit ack → socket client received', 'ms', cluster); // prettier-ignore
		const ratio = cluster.p99 / single.p99;
		report.add({ suite: S, name: '3 nodes p99 / single node p99', unit: '×', value: ratio, target: '≤ 1.5', met: ratio <= 1.5 }); // prettier-ignore
		report.add({ suite: S, name: '3 nodes p50 / single node p50', unit: '×', value: cluster.median / single.median }); // prettier-ignore
		report.ratio(`Redis overhead: commit → socket client p99 ${fmt(cluster.p99)} ms on 3 nodes behind HAProxy vs ${fmt(single.p99)} ms on one node = ${ratio.toFixed(2)}× (target ≤ 1.5×); p50 ${fmt(cluster.median)} vs ${fmt(single.median)} ms`); // prettier-ignore
		report.detail(S, `${options.clusterSockets} Socket.IO clients of one tenant (Contact Center Admin, whole tenant), ${RATE} commits/s of single interaction changes, ${options.clusterSeconds} s a phase, phases ${order.join(' → ')}; figures pool each mode's phases.`); // prettier-ignore
		for (const line of phaseLines) report.detail(S, line);
	} finally {
		await stopSockets();
		await pool.end();
		await stack.destroy();
	}
}
