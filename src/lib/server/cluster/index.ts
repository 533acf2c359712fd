import { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import { MemoryChangeLog } from '../changelog';
import { RedisChangeLog } from '../changelog/redis';
import type { Config } from '../config';
import { LiveService } from '../live';
import type { Logger } from '../log';
import type { AccessChange } from '../live/access';
import type { Lookups } from '../lookups';
import { clusterKeys } from './keys';
import { LeaderLease } from './lease';
import { ClusterNode } from './node';
import { NodeStatusBoard } from './status';

export { ClusterNode, type ClusterRole } from './node';
export { NodeStatusBoard, type SharedLogFacts } from './status';

/**
 * The live pipeline as configured: one process on an in-memory log (REDIS_URL unset), or one
 * node of several on a Redis Stream, where the lease decides who tails the binlog.
 */
export interface LiveRuntime {
	live: LiveService;
	/** Null on a single node. */
	cluster: ClusterNode | null;
	/** Where the nodes publish their status; null on a single node. */
	statusBoard: NodeStatusBoard | null;
	/**
	 * Tells the other nodes that someone's access changed (an admin action; this node has
	 * applied it already), so each ends or narrows its own open sockets at once, without waiting
	 * for the dashboard binlog.
	 */
	tellOtherNodes(change: AccessChange): Promise<void>;
	stop(): Promise<void>;
}

/** An access change on the cluster's channel, with the node that applied it first. */
interface AccessMessage {
	from: string;
	change: AccessChange;
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
	log: Logger
): Promise<LiveRuntime> {
	if (!config.redisUrl) {
		const live = new LiveService(
			config,
			pbxPool,
			new MemoryChangeLog(config.liveReplayLimit),
			lookups,
			log.child('live')
		);
		await live.start();
		return {
			live,
			cluster: null,
			statusBoard: null,
			tellOtherNodes: async () => {},
			stop: () => live.stop()
		};
	}

	const clusterLog = log.child('cluster');
	const redis = redisClient(config.redisUrl, clusterLog, `${config.nodeId}:commands`);
	const reader = redisClient(config.redisUrl, clusterLog, `${config.nodeId}:stream`);
	const keys = clusterKeys(config.redisPrefix);
	let node: ClusterNode | null = null;
	const changeLog = new RedisChangeLog({
		redis,
		reader,
		keys,
		// One entry is one commit: keep about as many commits as the memory log keeps changes.
		retain: config.liveReplayLimit,
		log: clusterLog,
		onEpochChange: (epoch) => node?.epochChanged(epoch),
		onFenced: () => node?.fenced()
	});
	const live = new LiveService(config, pbxPool, changeLog, lookups, log.child('live'));
	const lease = new LeaderLease(redis, keys, config.nodeId, config.leaderLeaseMs);
	node = new ClusterNode({
		live,
		changeLog,
		lease,
		log: clusterLog,
		tickMs: Math.max(250, Math.floor(config.leaderLeaseMs / 3))
	});
	const cluster = node;
	live.isCurrent = () => cluster.isCurrent();
	const accessChannel = `${config.redisPrefix}:access`;
	const subscriber = redisClient(config.redisUrl, clusterLog, `${config.nodeId}:access`);
	subscriber.on('message', (channel: string, message: string) => {
		if (channel !== accessChannel) return;
		const { from, change } = JSON.parse(message) as AccessMessage;
		if (from !== config.nodeId) live.dispatchAccess(change);
	});
	await subscriber.subscribe(accessChannel);
	await cluster.start();
	return {
		live,
		cluster,
		statusBoard: new NodeStatusBoard(redis, keys, changeLog),
		async tellOtherNodes(change) {
			const message: AccessMessage = { from: config.nodeId, change };
			await redis.publish(accessChannel, JSON.stringify(message));
		},
		async stop() {
			await cluster.stop();
			for (const connection of [redis, reader, subscriber]) connection.disconnect();
		}
	};
}
