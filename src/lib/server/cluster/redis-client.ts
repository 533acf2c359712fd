import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSentinelTarget } from '../config';
import type { Logger } from '../log';

/** Where the nodes' Redis is: one server's URL, or Sentinels that name the current primary. */
export type RedisTarget = string | RedisSentinelTarget;

/**
 * One connection to the cluster's Redis. With Sentinels, ioredis asks them for the primary of
 * `masterName` on every (re)connect, and re-asks at once when they announce a failover
 * (`failoverDetector`); a connection that lands on a demoted primary (it answers READONLY)
 * reconnects, and so finds the new one.
 */
export function redisConnection(
	target: RedisTarget,
	log: Logger,
	name: string,
	commandTimeout?: number
): Redis {
	const common: RedisOptions = {
		connectionName: name,
		// Fail a command fast while Redis is away: the tailer retries from its checkpoint, and
		// the node goes standalone or screens show stale, instead of commands piling up in memory.
		maxRetriesPerRequest: 1,
		// Reconnect within half a second of Redis (or a promoted replica) answering again.
		retryStrategy: (times) => Math.min(times * 100, 500),
		commandTimeout
	};
	const redis =
		typeof target === 'string'
			? new Redis(target, common)
			: new Redis({
					...common,
					sentinels: target.sentinels,
					name: target.masterName,
					password: target.password,
					sentinelPassword: target.sentinelPassword,
					failoverDetector: true,
					sentinelRetryStrategy: (times) => Math.min(times * 100, 500),
					reconnectOnError: (error) => error.message.startsWith('READONLY')
				});
	// ioredis ends a connection for good when a connect attempt fails outright (seen with
	// Sentinels mid-failover: "Connection is closed." on every read after). Start it again.
	redis.on('end', () => {
		if (closing.has(redis)) return;
		log.warn('redis connection ended: connecting again', { connection: name });
		setTimeout(() => {
			if (!closing.has(redis)) redis.connect().catch(() => undefined);
		}, 500).unref();
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

/** Connections closed on purpose: not started again when they end. */
const closing = new WeakSet<Redis>();

/** Closes a connection of redisConnection's for good. */
export function closeConnection(redis: Redis): void {
	closing.add(redis);
	redis.disconnect();
}
