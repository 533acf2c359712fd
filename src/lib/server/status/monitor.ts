import type { Pool } from 'mysql2/promise';
import type { NodeStatus } from '$lib/status';
import type { BinlogCheckpoint } from '../changelog/types';
import type { ClusterNode, NodeStatusBoard, SharedLogFacts } from '../cluster';
import type { LiveService } from '../live';
import type { Logger } from '../log';
import { binlogDistance, laterOf, serverPosition } from './binlog';
import { LagTracker } from './lag';
import { readiness, type Readiness } from './ready';

/**
 * This node's status, sampled every second: binlog position and lag (against SHOW MASTER
 * STATUS), tailer state, sockets, last error. With several nodes it is published to the shared
 * hash, where the status page and followers (for the leader's lag) read it. Readiness is not
 * sampled: /ready computes it when asked, so it flips the moment the stream drops.
 */

export interface MonitorDeps {
	nodeId: string;
	/** Published with the status: nodes check that none shares theirs. */
	binlogServerId: number;
	live: LiveService;
	cluster: ClusterNode | null;
	board: NodeStatusBoard | null;
	/** Asks the PBX server where its binlog ends (the same server the stall check asks). */
	pbxPool: Pool;
	readyStreamDownMs: number;
	/** Sockets open on this node. */
	sockets: () => number;
	log: Logger;
	intervalMs?: number;
}

/** A status query that does not answer within this is treated as failed. */
const QUERY_TIMEOUT_MS = 2_000;

export class NodeMonitor {
	readonly startedAt = Date.now();
	readonly #lag = new LagTracker();
	readonly #intervalMs: number;
	#status: NodeStatus;
	#shared: SharedLogFacts | null = null;
	#nodes: NodeStatus[] = [];
	#timer: NodeJS.Timeout | null = null;
	#sampling: Promise<NodeStatus> | null = null;

	constructor(private readonly deps: MonitorDeps) {
		this.#intervalMs = deps.intervalMs ?? 1_000;
		this.#status = this.#compose(this.startedAt, {
			server: null,
			position: null,
			lagMs: 0,
			lagBytes: null,
			oldest: deps.live.changeLog.head + 1,
			// The app is still being put together: nothing can be connected yet.
			sockets: 0
		});
	}

	/** This node's latest sample. */
	get status(): NodeStatus {
		return this.#status;
	}

	/** The shared log as last sampled; null on a single node or while Redis does not answer. */
	get shared(): SharedLogFacts | null {
		return this.#shared;
	}

	readiness(): Readiness {
		const { live, cluster, readyStreamDownMs } = this.deps;
		return readiness({
			loading: live.loading,
			following: cluster ? cluster.isCurrent() : null,
			tailing: live.tailing,
			streamDownMs: live.supervisor.downForMs,
			thresholdMs: readyStreamDownMs
		});
	}

	/** Takes the first sample (so no scrape sees a made-up status), then one every interval. */
	async start(): Promise<void> {
		await this.sample();
		this.#timer = setInterval(() => void this.sample(), this.#intervalMs);
		this.#timer.unref();
	}

	async stop(): Promise<void> {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
		await this.#sampling?.catch(() => undefined);
		await this.deps.board?.remove(this.deps.nodeId).catch(() => undefined);
	}

	/** Every node's latest status: this one's, and with several nodes the others' from Redis. */
	async nodes(): Promise<NodeStatus[]> {
		const { board, nodeId } = this.deps;
		const others = board ? await board.all().catch(() => this.#nodes) : ([] as NodeStatus[]);
		return [this.#status, ...others.filter((status) => status.node !== nodeId)];
	}

	/** Takes a sample now (one at a time: a slow one is not stacked on). */
	sample(): Promise<NodeStatus> {
		this.#sampling ??= this.#sample()
			.catch((error: unknown) => {
				this.deps.log.warn('status sample failed', { error });
				return this.#status;
			})
			.finally(() => {
				this.#sampling = null;
			});
		return this.#sampling;
	}

	async #sample(): Promise<NodeStatus> {
		const { live, cluster, board, pbxPool } = this.deps;
		const now = Date.now();
		const [server, shared] = await Promise.all([
			timed(serverPosition(pbxPool)),
			board ? timed(board.facts()) : null
		]);
		this.#shared = shared;
		const oldest = (await timed(live.changeLog.oldest())) ?? live.changeLog.head + 1;
		let position: BinlogCheckpoint | null;
		let lagMs: number;
		let lagBytes: number | null = null;
		const progress = live.progress;
		if (!cluster || live.tailing) {
			// The checkpoint is what was handled; the stream may have read further (other tables).
			const checkpoint = await timed(live.changeLog.checkpoint());
			const reading = live.supervisor.reading;
			position = laterOf(reading.position, checkpoint);
			const lag = this.#lag.tailing(now, {
				server,
				read: position,
				pending: reading.pending,
				lastCommitAt: progress.lastRead?.committedAt ?? null,
				snapshotAt: progress.snapshotAt
			});
			lagMs = lag.lagMs;
			if (lag.caughtUp) lagBytes = 0;
			else if (server && checkpoint)
				lagBytes = await timed(binlogDistance(pbxPool, checkpoint, server));
		} else {
			const leader = this.#nodes.find(
				(node) => node.role === 'leader' && now - node.updatedAt < 3 * this.#intervalMs
			);
			const caughtUp = shared ? live.changeLog.head >= shared.head : null;
			position = progress.lastApplied?.checkpoint ?? null;
			lagMs = this.#lag.following(now, {
				caughtUp,
				leaderLagMs: leader ? leader.binlog.lagSeconds * 1000 : null,
				lastCommitAt: progress.lastApplied?.committedAt ?? null,
				snapshotAt: progress.snapshotAt
			});
			if (caughtUp && leader) lagBytes = leader.binlog.lagBytes;
			else if (server && position)
				lagBytes = await timed(binlogDistance(pbxPool, position, server));
		}
		this.#status = this.#compose(now, {
			server,
			position,
			lagMs,
			lagBytes,
			oldest,
			sockets: this.deps.sockets()
		});
		if (board) await this.#publish(board);
		return this.#status;
	}

	async #publish(board: NodeStatusBoard): Promise<void> {
		try {
			await board.publish(this.#status);
			this.#nodes = await board.all();
		} catch {
			// Redis is unreachable: the change log says so loudly; this is just not published.
		}
	}

	#compose(
		now: number,
		sample: {
			server: BinlogCheckpoint | null;
			position: BinlogCheckpoint | null;
			lagMs: number;
			lagBytes: number | null;
			oldest: number;
			sockets: number;
		}
	): NodeStatus {
		const { live, cluster, nodeId } = this.deps;
		const { supervisor, changeLog } = live;
		const ready = this.readiness();
		return {
			node: nodeId,
			role: cluster ? cluster.role : 'single',
			ready: ready.ready,
			reason: ready.ready ? null : ready.reason,
			startedAt: this.startedAt,
			updatedAt: now,
			binlog: {
				tailing: !cluster || live.tailing,
				serverId: this.deps.binlogServerId,
				state: supervisor.state,
				position: sample.position,
				serverPosition: sample.server,
				lagSeconds: sample.lagMs / 1000,
				lagBytes: sample.lagBytes,
				restarts: supervisor.restarts,
				positionLost: supervisor.positionLost,
				lastError: supervisor.lastError,
				lastErrorAt: supervisor.lastErrorAt
			},
			log: { epoch: changeLog.epoch, head: changeLog.head, oldest: sample.oldest },
			sockets: sample.sockets,
			liveRows: live.state.size
		};
	}
}

/** The answer, or null when it failed or took longer than QUERY_TIMEOUT_MS. */
function timed<T>(work: Promise<T>): Promise<T | null> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<null>((resolve) => {
		timer = setTimeout(() => resolve(null), QUERY_TIMEOUT_MS);
		timer.unref();
	});
	return Promise.race([work.catch(() => null), timeout]).finally(() => clearTimeout(timer));
}
