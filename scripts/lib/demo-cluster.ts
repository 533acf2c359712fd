import path from 'node:path';
import { Cluster, type NodeHealth } from './cluster';
import { RunDir } from './run-dir';

/**
 * `npm run demo -- --nodes N [--sentinel]`: the cluster launcher (scripts/lib/cluster.ts: a
 * throw-away Redis, or a primary, a replica and three Sentinels, N nodes of the built app, HAProxy in front) on the demo's port, with the URL the browser types
 * as every node's ORIGIN. It runs inside a RunDir, so a demo killed outright (SIGKILL, a second
 * Ctrl-C that makes tsx kill it) still leaves nothing running: the run's reaper stops the lot.
 */

export interface DemoClusterOptions {
	root: string;
	nodes: number;
	/** A Redis primary, a replica and three Sentinels instead of one Redis. */
	sentinel?: boolean;
	/** HAProxy's port, known to be free. */
	port: number;
	/** The app's configuration shared by every node (databases, recordings). */
	env: Record<string, string>;
}

export interface DemoCluster {
	/** What the browser opens: HAProxy, as `localhost`. */
	url: string;
	cluster: Cluster;
	/** Where each node writes its log. */
	logDir: string;
	/** The node holding the binlog lease now, if any answers. */
	leader(): Promise<string | null>;
	/**
	 * Prints each node's role and health as it changes (a leader dies, another takes over);
	 * returns the function that stops watching.
	 */
	watch(print: (line: string) => void): () => void;
	stop(): Promise<void>;
}

function describe(health: NodeHealth | null): string {
	if (!health) return 'down';
	return health.status === 200 ? health.role : `${health.role}, unhealthy: ${health.reason ?? health.binlog}`; // prettier-ignore
}

export async function startDemoCluster(opts: DemoClusterOptions): Promise<DemoCluster> {
	const logDir = path.join(opts.root, '.data', 'cluster');
	const url = `http://localhost:${opts.port}`;
	const run = RunDir.open('il-demo-cluster-');
	let cluster: Cluster;
	try {
		cluster = await Cluster.start({
			dir: logDir,
			env: opts.env,
			nodes: opts.nodes,
			sentinel: opts.sentinel,
			// The demo adds no node later: no spare HAProxy slot to show as down.
			spare: 0,
			port: opts.port,
			origin: url,
			// Node 1 gets the single-node default; distinct ids let a stalled old leader and the new
			// one tail side by side for a moment (see README, "Several nodes").
			binlogServerIdBase: 4201
		});
		await cluster.settled(60_000);
	} catch (error) {
		await run.finish().catch(() => undefined);
		throw error;
	}

	return {
		url,
		cluster,
		logDir,
		async leader() {
			const health = await cluster.health();
			return cluster.nodes.find((_node, i) => health[i]?.role === 'leader')?.id ?? null;
		},
		watch(print) {
			const last = new Map<string, string>();
			let allDown = false;
			const check = async () => {
				const health = await Promise.all(cluster.nodes.map((node) => node.health()));
				health.forEach((answer, i) => {
					const { id } = cluster.nodes[i];
					const now = describe(answer);
					const before = last.get(id);
					if (before !== undefined && before !== now) print(`${id}: ${before} → ${now}`);
					last.set(id, now);
				});
				const down = health.every((answer) => answer === null);
				if (down && !allDown) print('every node is down: the URL answers 503 until one is back');
				allDown = down;
			};
			const watcher = setInterval(() => void check(), 1_000);
			watcher.unref();
			void check();
			return () => clearInterval(watcher);
		},
		async stop() {
			try {
				await cluster.stop();
			} finally {
				await run.finish();
			}
		}
	};
}
