import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startHaproxy, type HaproxyHandle } from './haproxy';
import { AppServer } from './app-server';
import { freePort } from './ports';
import { startRedis, type RedisHandle } from './redis';
import { startSentinelGroup, type SentinelGroupHandle } from './sentinel';
import { sleep } from './system';

/**
 * Several nodes of the production server on one Redis, behind HAProxy on one URL: the demo's
 * `--nodes N` and the cluster tests. Each node is a process of its own (build/server.js) with
 * its own PORT, NODE_ID and BINLOG_SERVER_ID; all share REDIS_URL, the databases and ORIGIN (the
 * load balancer's URL, which browsers see). The launcher can kill, freeze, thaw, restart and add
 * nodes, and restart Redis, so tests can do to it what production does.
 *
 * HAProxy's backend list is fixed when it starts, so it gets `spare` extra slots up front: a
 * node added later takes one, and until then HAProxy's health check keeps the slot out of
 * rotation. Restarting HAProxy to add a backend would drop every open WebSocket instead.
 */

export interface ClusterOptions {
	/** Logs, haproxy.cfg and (unless redisUrl is given) Redis's directory go here. */
	dir: string;
	/** Configuration every node shares: PBX_DATABASE_URL, DASHBOARD_DATABASE_URL, LOG_LEVEL… */
	env: Record<string, string>;
	nodes: number;
	/** The load balancer's port. Default: a free one. */
	port?: number;
	/** HAProxy slots reserved for nodes added later. Default 1. */
	spare?: number;
	/** A Redis to share; default: one of the cluster's own (no persistence), in dir/redis. */
	redisUrl?: string;
	/**
	 * Instead of one Redis: a primary, a replica and three Sentinels of the cluster's own (in
	 * dir/sentinel); the nodes get REDIS_SENTINELS and REDIS_MASTER_NAME.
	 */
	sentinel?: boolean;
	/** BINLOG_SERVER_ID of node 1; node n gets base + n - 1. Default 7001. */
	binlogServerIdBase?: number;
	/** NODE_ID of node n is `${nodeIdPrefix}${n}`. Default 'node'. */
	nodeIdPrefix?: string;
	/**
	 * The public URL browsers type, every node's ORIGIN (sign-in forms and socket handshakes are
	 * checked against it), e.g. the demo's `http://localhost:3000`. Default: `url`.
	 */
	origin?: string;
}

/**
 * A node's state from /ready (its status code and reason) and /metrics (role, tailer state,
 * change-log head): /health says nothing but "alive", and /ready shows no figures.
 */
export interface NodeHealth {
	/** /ready's status: 200 while the node's view is current. */
	status: number;
	/** Ready, and streaming the binlog if it leads. */
	ok: boolean;
	role: 'joining' | 'follower' | 'leader' | 'standalone';
	/** The binlog supervisor's state (stopped on followers). */
	binlog: string;
	seq: number;
	reason?: string;
}

/** The label whose series is 1 in a one-hot gauge (il_cluster_role, il_binlog_tailer_state). */
function hotLabel(metrics: string, name: string, label: string): string {
	const line = new RegExp(`^${name}\\{${label}="([^"]+)"\\} 1$`, 'm').exec(metrics);
	return line?.[1] ?? '';
}

function gauge(metrics: string, name: string): number {
	return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
}

export type NodeState = 'running' | 'paused' | 'killed' | 'stopped';

export class NodeProcess {
	readonly id: string;
	readonly url: string;
	#server: AppServer | null = null;
	#state: NodeState = 'stopped';
	#runs = 0;
	readonly #logFiles: string[] = [];

	constructor(
		/** 1-based, also its HAProxy server name (`node<n>`). */
		readonly index: number,
		readonly port: number,
		private readonly cluster: { dir: string; env: Record<string, string> },
		private readonly binlogServerId: number,
		nodeIdPrefix: string
	) {
		this.id = `${nodeIdPrefix}${index}`;
		this.url = `http://127.0.0.1:${port}`;
	}

	get state(): NodeState {
		return this.#state;
	}

	/** The running process's pid, null when none runs. */
	get pid(): number | null {
		return this.#server?.process?.pid ?? null;
	}

	/** Starts the process (again); resolves once its /ready answers 200. */
	async start(): Promise<void> {
		if (this.#state === 'running' || this.#state === 'paused') return;
		await this.#server?.stop(); // reaps a killed process
		const logFile = path.join(this.cluster.dir, `${this.id}.${++this.#runs}.log`);
		this.#logFiles.push(logFile);
		const server = new AppServer({
			port: this.port,
			logFile,
			readyPath: '/ready',
			env: {
				...this.cluster.env,
				NODE_ID: this.id,
				BINLOG_SERVER_ID: String(this.binlogServerId)
			}
		});
		this.#server = server;
		this.#state = 'running';
		try {
			await server.start();
		} catch (error) {
			this.#state = 'stopped';
			throw error;
		}
	}

	/** SIGKILL: no goodbye, the lease stays held until it expires. */
	async kill(): Promise<void> {
		const child = this.#server?.process;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
		this.#state = 'killed';
	}

	/** SIGSTOP: the process keeps its sockets and its lease's last renewal, and says nothing. */
	pause(): void {
		this.#server?.process?.kill('SIGSTOP');
		this.#state = 'paused';
	}

	/** SIGCONT after pause(). */
	resume(): void {
		this.#server?.process?.kill('SIGCONT');
		this.#state = 'running';
	}

	/** SIGTERM (a clean stop: the lease is released). */
	async stop(): Promise<void> {
		await this.#server?.stop();
		this.#state = 'stopped';
	}

	async restart(): Promise<void> {
		await this.stop();
		await this.start();
	}

	/** /ready and /metrics, whatever /ready's status; null when the node does not answer in time. */
	async health(timeoutMs = 1_000): Promise<NodeHealth | null> {
		try {
			const signal = AbortSignal.timeout(timeoutMs);
			const authorization = `Bearer ${this.cluster.env.METRICS_TOKEN}`;
			const [ready, scrape] = await Promise.all([
				fetch(`${this.url}/ready`, { signal }),
				fetch(`${this.url}/metrics`, { signal, headers: { authorization } })
			]);
			const body = (await ready.json()) as { ready: boolean; reason?: string };
			const metrics = await scrape.text();
			const role = hotLabel(metrics, 'il_cluster_role', 'role') as NodeHealth['role'];
			const binlog = hotLabel(metrics, 'il_binlog_tailer_state', 'state');
			const streaming =
				binlog === 'streaming' && gauge(metrics, 'il_binlog_stream_down_seconds') === 0;
			return {
				status: ready.status,
				ok: body.ready && (role !== 'leader' || streaming),
				role,
				binlog,
				seq: gauge(metrics, 'il_changelog_head_seq'),
				reason: body.reason
			};
		} catch {
			return null;
		}
	}

	/** Everything the node logged, over all its runs. */
	log(): string {
		return this.#logFiles
			.map((file) => {
				try {
					return readFileSync(file, 'utf8');
				} catch {
					return '';
				}
			})
			.join('');
	}
}

export class Cluster {
	readonly nodes: NodeProcess[] = [];
	/** The load balancer's URL: what browsers and clients use. */
	readonly url: string;
	readonly redisUrl: string;
	#redis: RedisHandle | null;
	/** The Sentinel group, when started with `sentinel: true`. */
	readonly sentinel: SentinelGroupHandle | null;
	#haproxy: HaproxyHandle | null = null;
	readonly #slots: number[];
	/** The nodes' METRICS_TOKEN: the launcher reads roles and heads from /metrics. */
	readonly #metricsToken = randomBytes(24).toString('hex');

	private constructor(
		private readonly options: ClusterOptions,
		slots: number[],
		lbPort: number,
		redis: RedisHandle | null,
		sentinel: SentinelGroupHandle | null
	) {
		this.#slots = slots;
		this.#redis = redis;
		this.sentinel = sentinel;
		this.url = `http://127.0.0.1:${lbPort}`;
		this.redisUrl = options.redisUrl ?? redis?.url ?? sentinel?.servers[0].url ?? '';
	}

	/** The URL of the Redis that serves the nodes now (with Sentinels: the current primary). */
	async currentRedisUrl(): Promise<string> {
		return this.sentinel ? `redis://127.0.0.1:${await this.sentinel.primary()}` : this.redisUrl;
	}

	/** Starts Redis (unless given), the nodes (the first alone: it starts the epoch), HAProxy. */
	static async start(options: ClusterOptions): Promise<Cluster> {
		mkdirSync(options.dir, { recursive: true });
		const slots: number[] = [];
		for (let i = 0; i < options.nodes + (options.spare ?? 1); i++) slots.push(await freePort());
		const lbPort = options.port ?? (await freePort());
		const sentinel = options.sentinel
			? await startSentinelGroup({ dir: path.join(options.dir, 'sentinel') })
			: null;
		const redis =
			options.redisUrl || sentinel
				? null
				: await startRedis({ dataDir: path.join(options.dir, 'redis') });
		const cluster = new Cluster(options, slots, lbPort, redis, sentinel);
		try {
			const first = cluster.#newNode();
			await first.start();
			const rest = Array.from({ length: options.nodes - 1 }, () => cluster.#newNode());
			await Promise.all(rest.map((node) => node.start()));
			cluster.#haproxy = await startHaproxy({ dir: options.dir, backends: slots, port: lbPort });
		} catch (error) {
			await cluster.stop().catch(() => undefined);
			throw error;
		}
		return cluster;
	}

	/** Starts one more node in the next reserved HAProxy slot. */
	async addNode(): Promise<NodeProcess> {
		const node = this.#newNode();
		await node.start();
		return node;
	}

	/** The running nodes' health, in node order (null for one that does not answer). */
	async health(): Promise<(NodeHealth | null)[]> {
		return Promise.all(this.nodes.map((node) => (node.state === 'running' ? node.health() : null)));
	}

	/**
	 * Waits until exactly one running node leads (and streams the binlog) and every other
	 * running node follows with a current view, and HAProxy routes to every running node; returns
	 * the leader.
	 */
	async settled(timeoutMs = 30_000): Promise<NodeProcess> {
		const deadline = Date.now() + timeoutMs;
		let last: (NodeHealth | null)[] = [];
		while (Date.now() < deadline) {
			last = await this.health();
			const running = this.nodes.filter((node) => node.state === 'running');
			const leaders = this.nodes.filter((_node, i) => last[i]?.role === 'leader');
			const allCurrent = running.every((node) => last[this.nodes.indexOf(node)]?.status === 200);
			if (leaders.length === 1 && allCurrent && last[leaders[0].index - 1]?.ok) {
				// …and the balancer sends browsers to every running node again.
				const routed = await this.#haproxy?.routed();
				if (!routed || running.every((node) => routed.has(node.index))) return leaders[0];
			}
			await sleep(100);
		}
		const states = this.nodes.map(
			(node, i) => `${node.id} ${node.state} ${JSON.stringify(last[i])}`
		);
		throw new Error(`the cluster did not settle in ${timeoutMs} ms:\n${states.join('\n')}`);
	}

	/**
	 * Stops Redis and starts it again on the same port: without persistence it comes back empty.
	 * `onDown` runs once it is stopped.
	 */
	async restartRedis(downMs = 0, onDown?: () => void): Promise<void> {
		const redis = this.#redis;
		if (!redis) throw new Error('the cluster shares a Redis it did not start');
		await redis.stop();
		onDown?.();
		if (downMs > 0) await sleep(downMs);
		this.#redis = await startRedis({
			dataDir: path.join(this.options.dir, 'redis'),
			port: redis.port
		});
	}

	/** Stops everything it started; every step runs even when one before it failed. */
	async stop(): Promise<void> {
		const errors: unknown[] = [];
		const attempt = async (step: () => Promise<void> | undefined) => {
			try {
				await step();
			} catch (error) {
				errors.push(error);
			}
		};
		await attempt(() => this.#haproxy?.stop());
		await Promise.all(this.nodes.map((node) => attempt(() => node.stop())));
		await attempt(() => this.#redis?.stop());
		await attempt(() => this.sentinel?.stop());
		if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors);
	}

	#newNode(): NodeProcess {
		const index = this.nodes.length + 1;
		const port = this.#slots[index - 1];
		if (port === undefined) {
			throw new Error(`no HAProxy slot left for node ${index}: start with a larger \`spare\``);
		}
		const env = {
			...this.options.env,
			METRICS_TOKEN: this.#metricsToken,
			...(this.sentinel
				? { REDIS_SENTINELS: this.sentinel.sentinels, REDIS_MASTER_NAME: this.sentinel.masterName }
				: { REDIS_URL: this.redisUrl }),
			ORIGIN: this.options.origin ?? this.url,
			HOST: '127.0.0.1',
			// Behind HAProxy (option forwardfor): the browser's address, not the proxy's.
			ADDRESS_HEADER: 'x-forwarded-for'
		};
		const node = new NodeProcess(
			index,
			port,
			{ dir: this.options.dir, env },
			(this.options.binlogServerIdBase ?? 7001) + index - 1,
			this.options.nodeIdPrefix ?? 'node'
		);
		this.nodes.push(node);
		return node;
	}
}
