import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RUN_DIR_VAR } from '../../scripts/lib/leftovers';
import { startRedis, type RedisHandle } from '../../scripts/lib/redis';
import { createApp, type App } from '../../src/lib/server/app';
import { Stack } from './stack';

export interface InProcessNode {
	app: App;
	server: Server;
	url: string;
}

let nextServerId = 5000;

/**
 * Nodes in this process on one throw-away Redis, over one Stack: the cluster tests that look
 * inside a node (its role, its log, its metrics). Several processes behind HAProxy are
 * scripts/lib/cluster.ts.
 */
export class InProcessCluster {
	readonly nodes: InProcessNode[] = [];

	private constructor(
		readonly stack: Stack,
		public redis: RedisHandle,
		private readonly redisDir: string
	) {}

	/** Starts the (stopped) Redis again on its port: without persistence it comes back empty. */
	async startRedisAgain(): Promise<void> {
		this.redis = await startRedis({ dataDir: this.redisDir, port: this.redis.port });
	}

	static async start(mariadbPort: number): Promise<InProcessCluster> {
		const redisDir = mkdtempSync(path.join(process.env[RUN_DIR_VAR] ?? os.tmpdir(), 'il-test-redis-')); // prettier-ignore
		const redis = await startRedis({ dataDir: redisDir });
		const stack = await new Stack({ mariadbPort }).prepare();
		return new InProcessCluster(stack, redis, redisDir);
	}

	/** A node named `name` (NODE_ID), leading or following as the lease decides. */
	async startNode(name: string, env: Record<string, string> = {}): Promise<InProcessNode> {
		const app = await createApp({
			...this.stack.env,
			REDIS_URL: this.redis.url,
			NODE_ID: name,
			LEADER_LEASE_MS: '1500',
			BINLOG_SERVER_ID: String(nextServerId++),
			...env
		});
		const server = createServer((_req, res) => res.writeHead(404).end());
		app.attach(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const node = { app, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
		this.nodes.push(node);
		return node;
	}

	async stop(): Promise<void> {
		for (const node of this.nodes) {
			await node.app.stop().catch(() => undefined);
			node.server.close();
		}
		await this.stack.destroy();
		await this.redis.stop();
		rmSync(this.redisDir, { recursive: true, force: true });
	}
}
