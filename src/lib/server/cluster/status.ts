import type { Redis } from 'ioredis';
import type { NodeStatus } from '$lib/status';
import type { RedisChangeLog } from '../changelog/redis';
import type { ClusterKeys } from './keys';

/**
 * Every node's status in the Redis hash `<prefix>:nodes` (field = node id, value = JSON): the
 * status page of any node shows all of them, and followers read the leader's lag from it. A
 * node removes its field when it stops; a field nobody has updated for a while is a node that
 * died, dropped by whoever reads it.
 */

/** Shown as "not reporting" for this long, then dropped. */
const FORGET_AFTER_MS = 10 * 60_000;

export interface SharedLogFacts {
	/** Sequence of the newest change in the shared log. */
	head: number;
	/** The newest fencing token handed out (every new leader takes the next one). */
	fence: number;
	/** Entries in the current epoch's stream. */
	streamLength: number;
}

export class NodeStatusBoard {
	constructor(
		private readonly redis: Redis,
		private readonly keys: ClusterKeys,
		private readonly changeLog: RedisChangeLog
	) {}

	async facts(): Promise<SharedLogFacts> {
		const [head, fence, streamLength] = await Promise.all([
			this.redis.get(this.keys.head),
			this.redis.get(this.keys.fence),
			this.changeLog.epoch ? this.changeLog.length() : Promise.resolve(0)
		]);
		return { head: Number(head ?? 0), fence: Number(fence ?? 0), streamLength };
	}

	async publish(status: NodeStatus): Promise<void> {
		await this.redis.hset(this.keys.nodes, status.node, JSON.stringify(status));
	}

	async all(now = Date.now()): Promise<NodeStatus[]> {
		const fields = await this.redis.hgetall(this.keys.nodes);
		const statuses: NodeStatus[] = [];
		const gone: string[] = [];
		for (const [node, json] of Object.entries(fields)) {
			let status: NodeStatus | null = null;
			try {
				status = JSON.parse(json) as NodeStatus;
			} catch {
				// Written by another version, or damaged: it cannot be shown.
			}
			if (!status || now - status.updatedAt > FORGET_AFTER_MS) gone.push(node);
			else statuses.push(status);
		}
		if (gone.length > 0) await this.redis.hdel(this.keys.nodes, ...gone);
		return statuses.sort((a, b) => a.node.localeCompare(b.node));
	}

	async remove(node: string): Promise<void> {
		await this.redis.hdel(this.keys.nodes, node);
	}
}
