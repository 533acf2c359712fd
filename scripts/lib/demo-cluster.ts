import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startHaproxy, type HaproxyHandle } from './haproxy';
import { preferredOrFreePort } from './ports';
import { startRedis, type RedisHandle } from './redis';
import { RunDir } from './run-dir';
import { sleep } from './system';

/**
 * `npm run demo -- --nodes N`: a throw-away Redis, N nodes of the built app on their own ports
 * (each its NODE_ID and BINLOG_SERVER_ID, the same REDIS_URL and databases) and HAProxy in front
 * on one URL, which is every node's ORIGIN. Everything here runs inside a RunDir, so a demo that
 * is killed outright (SIGKILL) still leaves nothing running: its reaper stops the lot.
 */

export interface ClusterNodeStatus {
	ok: boolean;
	role: 'joining' | 'follower' | 'leader';
	binlog: string;
	seq: number;
	reason?: string;
}

export interface DemoNode {
	name: string;
	url: string;
	process: ChildProcess;
}

export interface DemoCluster {
	/** HAProxy's address, the one URL browsers use. */
	url: string;
	nodes: DemoNode[];
	redisUrl: string;
	/** The node that holds the binlog lease now, if any answers. */
	leader(): Promise<string | null>;
	/** Prints each node's role and health as it changes (a leader dies, another takes over). */
	watch(print: (line: string) => void): void;
	/** Called when every node has exited on its own. */
	onAllExited(listener: () => void): void;
	stop(): Promise<void>;
}

export interface DemoClusterOptions {
	root: string;
	nodes: number;
	/** HAProxy's port (free); the nodes take the ones after it, or free ones. */
	port: number;
	/** The app's configuration shared by every node (databases, recordings). */
	env: Record<string, string>;
	log: (line: string) => void;
}

export async function status(url: string): Promise<ClusterNodeStatus | null> {
	try {
		const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
		return (await response.json()) as ClusterNodeStatus;
	} catch {
		return null;
	}
}

function spawnNode(root: string, name: string, env: Record<string, string>): ChildProcess {
	const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
		cwd: root,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
		// Its own process group: Ctrl-C reaches the demo only, which stops the traffic first and
		// then the nodes, instead of every node dying at once under a running simulator.
		detached: true
	});
	// Three servers on one terminal: each line says which node wrote it.
	const tag = `${name} │ `;
	for (const stream of [child.stdout, child.stderr]) {
		if (stream) createInterface({ input: stream }).on('line', (line) => console.log(tag + line));
	}
	return child;
}

async function waitHealthy(node: DemoNode, timeoutMs = 60_000): Promise<ClusterNodeStatus> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const { exitCode, signalCode } = node.process;
		if (exitCode !== null || signalCode !== null) {
			throw new Error(`${node.name} exited during startup (${signalCode ?? exitCode}; see above)`);
		}
		const answer = await status(node.url);
		if (answer?.ok) return answer;
		await sleep(250);
	}
	throw new Error(`${node.name} did not become healthy at ${node.url}/health within 60 s`);
}

async function stopNode(node: DemoNode, graceMs = 15_000): Promise<void> {
	const child = node.process;
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	// A frozen (SIGSTOP) node acts on SIGTERM only once it runs again.
	child.kill('SIGCONT');
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

export async function startDemoCluster(opts: DemoClusterOptions): Promise<DemoCluster> {
	const dir = path.join(opts.root, '.data', 'cluster');
	mkdirSync(dir, { recursive: true });
	const run = RunDir.open('il-demo-cluster-');
	const nodes: DemoNode[] = [];
	let redis: RedisHandle | null = null;
	let haproxy: HaproxyHandle | null = null;
	let stopping = false;
	const exitListeners: (() => void)[] = [];

	const stop = async () => {
		stopping = true;
		await haproxy?.stop().catch(() => undefined);
		await Promise.all(nodes.map((node) => stopNode(node)));
		await redis?.stop().catch(() => undefined);
		await run.finish();
	};

	try {
		// Its own Redis, emptied by every demo: each start is a new epoch from a fresh snapshot.
		redis = await startRedis({
			dataDir: path.join(dir, 'redis'),
			port: await preferredOrFreePort(6390)
		});
		opts.log(`Redis on ${redis.url}`);
		const origin = `http://localhost:${opts.port}`;
		for (let i = 1; i <= opts.nodes; i++) {
			const port = await preferredOrFreePort(opts.port + i);
			const name = `node${i}`;
			const env = {
				...opts.env,
				PORT: String(port),
				HOST: '127.0.0.1',
				ORIGIN: origin,
				REDIS_URL: redis.url,
				NODE_ID: name,
				// Distinct ids: only the leader tails, but two tailers for a moment (a stalled old
				// leader) must not knock each other off (see README, "Several nodes").
				BINLOG_SERVER_ID: String(4200 + i)
			};
			const node = {
				name,
				url: `http://127.0.0.1:${port}`,
				process: spawnNode(opts.root, name, env)
			};
			nodes.push(node);
			node.process.once('exit', (code, signal) => {
				if (stopping) return;
				opts.log(`${name} exited (${signal ?? `code ${code}`}); the other nodes carry on`);
				if (nodes.every((n) => n.process.exitCode !== null || n.process.signalCode !== null)) {
					for (const listener of exitListeners) listener();
				}
			});
			// The first node starts the epoch and leads; the others then join it side by side.
			if (i === 1) await waitHealthy(node);
		}
		await Promise.all(nodes.slice(1).map((node) => waitHealthy(node)));
		opts.log(`${opts.nodes} nodes: ${nodes.map((n) => `${n.name} ${n.url}`).join(', ')}`);
		haproxy = await startHaproxy({ dir, backends: nodes.map((n) => Number(new URL(n.url).port)), port: opts.port }); // prettier-ignore
		const lbUrl = haproxy.url;
		// HAProxy admits a node after its first passing check: wait for one.
		for (let i = 0; i < 40 && !(await status(lbUrl))?.ok; i++) await sleep(250);
		opts.log(`HAProxy on ${origin} (round robin, /health checks every 500 ms)`);
	} catch (error) {
		await stop().catch(() => undefined);
		throw error;
	}

	const leader = async () => {
		const answers = await Promise.all(nodes.map((node) => status(node.url)));
		const index = answers.findIndex((answer) => answer?.role === 'leader');
		return index < 0 ? null : nodes[index].name;
	};

	let watcher: NodeJS.Timeout | null = null;
	return {
		url: `http://localhost:${haproxy.port}`,
		nodes,
		redisUrl: redis.url,
		leader,
		watch(print) {
			const last = new Map<string, string>();
			const check = async () => {
				const answers = await Promise.all(nodes.map((node) => status(node.url)));
				answers.forEach((answer, i) => {
					const { name } = nodes[i];
					const now = answer
						? `${answer.role}${answer.ok ? '' : ` (unhealthy: ${answer.reason ?? answer.binlog})`}`
						: 'down';
					const before = last.get(name);
					if (before !== undefined && before !== now) print(`${name}: ${before} → ${now}`);
					last.set(name, now);
				});
			};
			watcher = setInterval(() => void check(), 1_000);
			watcher.unref();
			void check();
		},
		onAllExited(listener) {
			exitListeners.push(listener);
		},
		async stop() {
			if (watcher) clearInterval(watcher);
			await stop();
		}
	};
}
