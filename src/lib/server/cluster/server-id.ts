import type { Logger } from '../log';
import type { NodeStatusBoard } from './status';

/**
 * Standalone tailing needs a BINLOG_SERVER_ID of its own on every node: MariaDB keeps one
 * replication connection per server id and drops the older one when another connects with the
 * same id, so two standalone nodes sharing one would knock each other off the binlog in turn.
 * This guard compares this node's id with the others' (from the status hash in Redis) at
 * start-up and every CHECK_MS after; while one shares it, the node stays on the shared log
 * (stale screens while Redis is away) rather than fight, and says so loudly.
 */

const CHECK_MS = 10_000;
/** A status older than this is a node that stopped, not one that shares the id now. */
const RECENT_MS = 30_000;

export class ServerIdGuard {
	#sharedWith: string[] = [];
	#timer: NodeJS.Timeout | null = null;

	constructor(
		private readonly board: Pick<NodeStatusBoard, 'all'>,
		private readonly nodeId: string,
		private readonly serverId: number,
		private readonly log: Logger
	) {}

	/** Whether this node may tail the binlog on its own: no other node is known to share its id. */
	get allowed(): boolean {
		return this.#sharedWith.length === 0;
	}

	async start(): Promise<void> {
		await this.check();
		this.#timer = setInterval(() => void this.check(), CHECK_MS);
		this.#timer.unref();
	}

	stop(): void {
		if (this.#timer) clearInterval(this.#timer);
	}

	async check(now = Date.now()): Promise<void> {
		const statuses = await this.board.all(now).catch(() => null);
		if (!statuses) return; // Redis unreachable: keep what was known
		const sharing = statuses
			.filter((status) => status.node !== this.nodeId && now - status.updatedAt < RECENT_MS)
			.filter((status) => status.binlog.serverId === this.serverId)
			.map((status) => status.node);
		if (sharing.length > 0 && sharing.join() !== this.#sharedWith.join()) {
			this.log.error(
				`BINLOG_SERVER_ID ${this.serverId} is also used by ${sharing.join(', ')}: this node ` +
					'will NOT tail the binlog on its own while Redis is unreachable (its screens turn ' +
					'stale instead). Give every node a BINLOG_SERVER_ID of its own.',
				{ serverId: this.serverId, sharedWith: sharing }
			);
		} else if (sharing.length === 0 && this.#sharedWith.length > 0) {
			this.log.info('BINLOG_SERVER_ID is no longer shared: standalone fallback enabled again');
		}
		this.#sharedWith = sharing;
	}
}
