import { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import { MemoryChangeLog } from '../changelog';
import { RedisChangeLog } from '../changelog/redis';
import type { Config } from '../config';
import type { AppEventBus } from '../events';
import { LiveService } from '../live';
import type { Logger } from '../log';
import type { Lookups } from '../lookups';
import { bridgeAccessChanges } from './access-bridge';
import { clusterKeys } from './keys';
import { LeaderLease } from './lease';
import { ClusterNode } from './node';
import { NodeStatusBoard } from './status';

export { ClusterNode, type ClusterRole } from './node';
export { NodeStatusBoard, type SharedLogFacts } from './status';

/**
 * The live pipeline as configured: one process on an in-memory log (REDIS_URL unset), or one
 * node of several on a Redis Stream, where the lease decides who tails the binlog. The parts
 * talk through the app's event bus: the shared log tells the node it diverged or was fenced,
 * the node and the pipeline tell of resyncs, and access changes travel between nodes.
 */
export interface LiveRuntime {
	live: LiveService;
	/** Null on a single node. */
	cluster: ClusterNode | null;
	/** Where the nodes publish their status; null on a single node. */
	statusBoard: NodeStatusBoard | null;
	/**
	 * Whether this node's view of the log is current: always on a single node; with several,
	 * while it follows the shared log and hears from Redis.
	 */
	isCurrent(): boolean;
	stop(): Promise<void>;
}

function redisClient(url: string, log: Logger, name: string): Redis {
	const redis = new Redis(url, {
		connectionName: name,
		// Fail a command fast while Redis is away: the tailer retries from its checkpoint, and
		// screens show stale, instead of commands piling up in memory.
		maxRetriesPerRequest: 1,
		retryStrategy: (times) => Math.min(times * 200, 2_000)
	});
	let down = false;
	redis.on('error', (error: Error) => {
		if (!down) log.warn('redis unreachable', { error, connection: name });
		down = true;
	});
	redis.on('ready', () => {
		if (down) log.info('redis reachable again', { connection: name });
		down = false;
	});
	return redis;
}

export async function startLive(
	config: Config,
	pbxPool: Pool,
	lookups: Lookups,
	events: AppEventBus,
	log: Logger
): Promise<LiveRuntime> {
	if (config.redisUrl) return startNode(config, config.redisUrl, pbxPool, lookups, events, log);
	const changeLog = new MemoryChangeLog(config.liveReplayLimit);
	const live = new LiveService(config, pbxPool, changeLog, lookups, events, log.child('live'));
	await live.start();
	return {
		live,
		cluster: null,
		statusBoard: null,
		isCurrent: () => true,
		stop: () => live.stop()
	};
}

/** One node of several, on the Redis Stream at `redisUrl`. */
async function startNode(
	config: Config,
	redisUrl: string,
	pbxPool: Pool,
	lookups: Lookups,
	events: AppEventBus,
	log: Logger
): Promise<LiveRuntime> {
	const clusterLog = log.child('cluster');
	const client = (name: string) => redisClient(redisUrl, clusterLog, `${config.nodeId}:${name}`);
	const [redis, reader, subscriber] = [client('commands'), client('stream'), client('access')];
	const keys = clusterKeys(config.redisPrefix);
	const changeLog = new RedisChangeLog({
		redis,
		reader,
		keys,
		// One entry is one commit: keep about as many commits as the memory log keeps changes.
		retain: config.liveReplayLimit,
		log: clusterLog,
		events
	});
	const live = new LiveService(config, pbxPool, changeLog, lookups, events, log.child('live'));
	const cluster = new ClusterNode({
		live,
		changeLog,
		events,
		lease: new LeaderLease(redis, keys, config.nodeId, config.leaderLeaseMs),
		log: clusterLog,
		tickMs: Math.max(250, Math.floor(config.leaderLeaseMs / 3))
	});
	const stopBridge = await bridgeAccessChanges({
		redis,
		subscriber,
		channel: `${config.redisPrefix}:access`,
		nodeId: config.nodeId,
		events
	});
	await cluster.start();
	return {
		live,
		cluster,
		statusBoard: new NodeStatusBoard(redis, keys, changeLog),
		isCurrent: () => cluster.isCurrent(),
		async stop() {
			stopBridge();
			await cluster.stop();
			for (const connection of [redis, reader, subscriber]) connection.disconnect();
		}
	};
}
