import type { Redis } from 'ioredis';
import { Priority, type AppEventBus } from '../events';
import type { AccessChange } from '../changelog/types';
import type { Logger } from '../log';

/**
 * Access changes between nodes, over a Redis channel: an admin action on one node ends or
 * narrows the open sockets of every other node at once, rather than when the dashboard binlog
 * reaches them. It is one more handler on the bus: this node's own actions are published once
 * its sockets have followed (Priority.otherNodes), and what another node publishes is emitted
 * here as a `peer` change (never published again).
 */

/** An access change on the cluster's channel, with the node that applied it first. */
interface AccessMessage {
	from: string;
	change: AccessChange;
}

export interface AccessBridgeOptions {
	/** Publishes (a connection for commands). */
	redis: Redis;
	/** Subscribes (a connection of its own: a subscribed one takes no other commands). */
	subscriber: Redis;
	channel: string;
	nodeId: string;
	events: Pick<AppEventBus, 'emit' | 'on'>;
	log: Logger;
}

/** Starts the bridge; resolves, once subscribed or refused, with the function that stops publishing. */
export async function bridgeAccessChanges(options: AccessBridgeOptions): Promise<() => void> {
	const { redis, subscriber, channel, nodeId, events, log } = options;
	subscriber.on('message', (received: string, message: string) => {
		if (received !== channel) return;
		const { from, change } = JSON.parse(message) as AccessMessage;
		if (from !== nodeId) void events.emit('access.changed', change, 'peer');
	});
	// A node may start while Redis is unreachable (it goes standalone): it subscribes once Redis
	// answers; ioredis subscribes again by itself after later reconnections.
	let subscribed = false;
	const subscribe = () =>
		subscriber.subscribe(channel).then(
			() => void (subscribed = true),
			(error: unknown) => log.warn('access channel not subscribed yet', { error })
		);
	subscriber.on('ready', () => {
		if (!subscribed) void subscribe();
	});
	await subscribe();
	const publish = (change: AccessChange) => {
		const message: AccessMessage = { from: nodeId, change };
		// Redis unreachable: the action still succeeds here, and the other nodes learn of it from
		// the dashboard binlog (through the shared log, or their own tail while standalone).
		return redis.publish(channel, JSON.stringify(message)).then(
			() => undefined,
			(error: unknown) => log.warn('access change not published to the other nodes', { error })
		);
	};
	// Changes read from the binlog reach every node through the shared log: only actions travel.
	return events.on(
		'access.changed',
		(change, source) => (source === 'action' ? publish(change) : undefined),
		Priority.otherNodes
	);
}
