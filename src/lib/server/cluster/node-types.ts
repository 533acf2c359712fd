import type { NodeRole } from '$lib/status';
import type { RedisChangeLog } from '../changelog/redis';
import type { LogMode } from '../changelog/switchable';
import type { AppEventBus } from '../events';
import type { LiveService } from '../live';
import type { Logger } from '../log';
import type { LeaderLease } from './lease';

/**
 * A node of several: 'single' is the status of a node that runs alone; 'standalone' is a node of
 * several that tails the binlog on its own while Redis is unreachable.
 */
export type ClusterRole = Exclude<NodeRole, 'single'>;

/**
 * What a node asks of this process's live pipeline: a snapshot to follow the log from, a new
 * epoch when there is no log, and tailing the binlog while it leads. Nothing flows back: the
 * pipeline does not know it is one node of several.
 */
export type NodePipeline = Pick<
	LiveService,
	'loadSnapshot' | 'startEpoch' | 'startTailing' | 'stopTailing'
>;

export interface ClusterNodeOptions {
	live: NodePipeline;
	changeLog: RedisChangeLog;
	/**
	 * Hears `log.diverged`, `log.fenced` and `log.serverChanged` from the shared log; tells of
	 * resyncs.
	 */
	events: Pick<AppEventBus, 'emit' | 'on'>;
	lease: LeaderLease;
	log: Logger;
	/** How often the lease is renewed (leader) or tried (followers); well under its TTL. */
	tickMs: number;
	/** Standalone fallback (cluster/standalone.ts); null = never, screens turn stale instead. */
	standalone: StandaloneOptions | null;
}

/** What a node needs to tail the binlog on its own while Redis is unreachable. */
export interface StandaloneOptions {
	/** Redis unreachable this long (no stream read, no command answered): go standalone. */
	afterMs: number;
	/** Points the pipeline at the shared log or at this node's own memory log. */
	useLog: (mode: LogMode) => void;
	/** False while another node is known to share this node's BINLOG_SERVER_ID. */
	allowed: () => boolean;
}

/** What the node's parts (leadership, standalone fallback) share and change. */
export interface NodeState {
	role: ClusterRole;
	/** The node must load a snapshot before it follows the log (or leads from it). */
	needsSync: boolean;
	/** When the lease was last renewed or taken (performance.now()). */
	lastRenewedAt: number;
}
