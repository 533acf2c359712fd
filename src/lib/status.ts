// A type only (erased in the browser's bundle): a binlog place is the change log's checkpoint.
import type { BinlogCheckpoint } from '$lib/server/changelog/types';

/**
 * One node's status as the status page shows it and as nodes publish it to each other (the
 * Redis hash `<prefix>:nodes`). Only for platform admins: it holds positions and figures that
 * /health and /ready never reveal.
 */

/** `standalone`: a node of several tailing the binlog on its own while Redis is unreachable. */
export type NodeRole = 'single' | 'joining' | 'follower' | 'leader' | 'standalone';

export type TailerState = 'starting' | 'streaming' | 'waiting' | 'resnapshotting' | 'stopped';

export interface NodeStatus {
	node: string;
	role: NodeRole;
	ready: boolean;
	/** Why the node is not ready; null when it is. */
	reason: string | null;
	/** Epoch ms. */
	startedAt: number;
	/** When this status was sampled (epoch ms). */
	updatedAt: number;
	binlog: {
		/** This node tails the binlog (one node, the leader of several, or a standalone one). */
		tailing: boolean;
		/** Its BINLOG_SERVER_ID (nodes check that none shares theirs). */
		serverId: number;
		state: TailerState;
		/** The newest commit this node has: read by its tailer, or applied from the shared log. */
		position: BinlogCheckpoint | null;
		/** Where the server's binlog ends; null when it could not be asked. */
		serverPosition: BinlogCheckpoint | null;
		/** How far this node's live view is behind the binlog. */
		lagSeconds: number;
		/** Binlog bytes not yet applied here; null when unknown. */
		lagBytes: number | null;
		restarts: number;
		positionLost: number;
		lastError: string | null;
		/** Epoch ms. */
		lastErrorAt: number | null;
	};
	log: {
		epoch: string;
		head: number;
		/** Oldest change kept for resuming screens. */
		oldest: number;
	};
	sockets: number;
	liveRows: number;
}
