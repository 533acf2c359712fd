import type { Pool } from 'mysql2/promise';
import { MemoryChangeLog } from '../changelog';
import { RedisChangeLog } from '../changelog/redis';
import { SwitchableChangeLog } from '../changelog/switchable';
import type { Config } from '../config';
import type { AppEventBus } from '../events';
import { LiveService } from '../live';
import type { Logger } from '../log';
import type { Lookups } from '../lookups';
import { bridgeAccessChanges } from './access-bridge';
import { clusterKeys } from './keys';
import { LeaderLease } from './lease';
import { ClusterNode } from './node';
import { closeConnection, redisConnection, type RedisTarget } from './redis-client';
import { ServerIdGuard } from './server-id';
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

export async function startLive(
	config: Config,
	pbxPool: Pool,
	lookups: Lookups,
	events: AppEventBus,
	log: Logger
): Promise<LiveRuntime> {
	const target = config.redisSentinel ?? config.redisUrl;
	if (target) return startNode(config, target, pbxPool, lookups, events, log);
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

/** One node of several, on the Redis Stream of `target` (a URL, or Sentinels). */
async function startNode(
	config: Config,
	target: RedisTarget,
	pbxPool: Pool,
	lookups: Lookups,
	events: AppEventBus,
	log: Logger
): Promise<LiveRuntime> {
	const clusterLog = log.child('cluster');
	const client = (name: string, commandTimeout?: number) =>
		redisConnection(target, clusterLog, `${config.nodeId}:${name}`, commandTimeout);
	// Timeouts, so a Redis that stops answering (a host gone, no RST) is noticed as one that
	// refuses: the stream's XREAD blocks 1 s at most.
	const [redis, reader, subscriber] = [client('commands', 5_000), client('stream', 4_000), client('access')]; // prettier-ignore
	const keys = clusterKeys(config.redisPrefix);
	const sharedLog = new RedisChangeLog({
		redis,
		reader,
		keys,
		// One entry is one commit: keep about as many commits as the memory log keeps changes.
		retain: config.liveReplayLimit,
		log: clusterLog,
		events
	});
	// While Redis is unreachable (standalone) the pipeline runs on a memory log of its own.
	const changeLog = new SwitchableChangeLog(sharedLog, new MemoryChangeLog(config.liveReplayLimit));
	const live = new LiveService(config, pbxPool, changeLog, lookups, events, log.child('live'));
	const statusBoard = new NodeStatusBoard(redis, keys, sharedLog);
	const guard = new ServerIdGuard(statusBoard, config.nodeId, config.binlogServerId, clusterLog);
	const cluster = new ClusterNode({
		live,
		changeLog: sharedLog,
		events,
		lease: new LeaderLease(redis, keys, config.nodeId, config.leaderLeaseMs),
		log: clusterLog,
		// At least twice a second: a lost Redis is noticed within half a second of the bound.
		tickMs: Math.max(250, Math.min(500, Math.floor(config.leaderLeaseMs / 3))),
		standalone:
			config.redisStandaloneAfterMs > 0
				? {
						afterMs: config.redisStandaloneAfterMs,
						useLog: (mode) => changeLog.use(mode),
						allowed: () => guard.allowed
					}
				: null
	});
	const stopBridge = await bridgeAccessChanges({
		redis,
		subscriber,
		channel: `${config.redisPrefix}:access`,
		nodeId: config.nodeId,
		events,
		log: clusterLog
	});
	await guard.start();
	await cluster.start();
	return {
		live,
		cluster,
		statusBoard,
		isCurrent: () => cluster.isCurrent(),
		async stop() {
			stopBridge();
			guard.stop();
			await cluster.stop();
			for (const connection of [redis, reader, subscriber]) closeConnection(connection);
		}
	};
}
