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

/**
 * One node of several: follows the shared change log, and tails the binlog while it holds the
 * lease. A node syncs by loading its own SQL snapshot after reading the log's position, then
 * applying every entry after that position (see docs/CLUSTER.md for why). It leads only once
 * its state has every entry in the stream, and tails from the checkpoint stored with the last
 * one, so the first entry it appends follows the old leader's last: nothing lost or doubled.
 */
export class ClusterNode {
	#role: ClusterRole = 'joining';
	#needsSync = true;
	#timer: NodeJS.Timeout | null = null;
	#ticking = false;
	#lastRenewedAt = 0;
	/** When a lease command to Redis last succeeded (performance.now()). */
	#redisAnsweredAt = performance.now();
	/**
	 * The last lease command failed. Silence alone is no proof: a process that was paused
	 * (SIGSTOP, a long GC) wakes with old timestamps and must ask Redis before it gives up on it.
	 */
	#redisFailing = false;
	/**
	 * While standalone: the shared epoch this node followed when Redis was lost, and when Redis
	 * answered again (null while it does not).
	 */
	#standalone: { epoch: string; backAt: number | null } | null = null;
	readonly #stopHearing: (() => void)[];

	constructor(private readonly options: ClusterNodeOptions) {
		const { events } = options;
		this.#stopHearing = [
			events.on('log.diverged', ({ epoch }) => this.#diverged(epoch)),
			events.on('log.fenced', () => {
				if (!this.#standalone) void this.#stepDown('fenced: another node took the lease');
			}),
			events.on('log.serverChanged', () => void this.#tick())
		];
	}

	get role(): ClusterRole {
		return this.#role;
	}

	/** Screens on this node are current: it follows the log and hears from Redis, or tails alone. */
	isCurrent(): boolean {
		if (this.#standalone) return true;
		// With the fallback on, a node stays ready until it goes standalone: no moment when
		// every node answers 503 and the balancer turns every new page away.
		const { standalone, tickMs } = this.options;
		const within = standalone?.allowed() ? Math.max(3_000, standalone.afterMs + 2 * tickMs) : 3_000; // prettier-ignore
		return !this.#needsSync && this.options.changeLog.isCurrent(within);
	}

	async start(): Promise<void> {
		await this.#tick();
		this.#timer = setInterval(() => void this.#tick(), this.options.tickMs);
		this.#timer.unref();
	}

	async stop(): Promise<void> {
		if (this.#timer) clearInterval(this.#timer);
		for (const stopHearing of this.#stopHearing) stopHearing();
		this.options.changeLog.stop();
		// Released first, so another node takes over without waiting for the TTL.
		await this.options.lease.release().catch(() => undefined);
		await this.#stepDown('stopping');
	}

	/** The log moved to another epoch, vanished with Redis, or showed a gap: sync again. */
	#diverged(epoch: string): void {
		this.options.log.warn('change log epoch changed: this node re-syncs', { epoch });
		this.#needsSync = true;
		void this.#tick();
	}

	async #tick(): Promise<void> {
		if (this.#ticking) return;
		this.#ticking = true;
		const { lease, log } = this.options;
		try {
			if (this.#standalone) await this.#tryRejoin();
			else if (this.#redisLost()) await this.#goStandalone();
			else await this.#step();
		} catch (error) {
			// Standalone, a failed step is Redis still being away: said once, when it went.
			if (this.#standalone) log.debug('Redis still unreachable', { error });
			else log.warn('cluster step failed', { error, role: this.#role });
			// Unable to renew for a whole TTL: another node may lead now; stop tailing.
			if (lease.token !== null && performance.now() - this.#lastRenewedAt > lease.ttlMs) {
				lease.drop();
				await this.#stepDown('lease not renewed');
			}
		} finally {
			this.#ticking = false;
		}
	}

	/** One tick on the shared log: renew or try the lease, sync when needed. */
	async #step(): Promise<void> {
		const { changeLog, lease } = this.options;
		if (lease.token !== null) {
			if (await this.#asked(lease.renew())) {
				this.#lastRenewedAt = performance.now();
				// A failover or a restart of Redis, even with no append to be refused: new epoch.
				const { epoch, sameServer } = await changeLog.streamPosition();
				if (epoch && !sameServer) await this.#newEpoch('another Redis process serves the log');
			} else await this.#stepDown('lease lost');
		} else {
			const token = await this.#asked(lease.tryAcquire());
			if (token !== null) await this.#lead(token);
		}
		if (this.#needsSync && lease.token === null) await this.#sync();
	}

	/** A lease command's answer; notes whether Redis answered (see #redisLost). */
	async #asked<T>(command: Promise<T>): Promise<T> {
		try {
			const answer = await command;
			this.#redisAnsweredAt = performance.now();
			this.#redisFailing = false;
			return answer;
		} catch (error) {
			this.#redisFailing = true;
			throw error;
		}
	}

	/** Redis fails to answer, and has not answered (a command or a stream read) for the bound. */
	#redisLost(): boolean {
		const { standalone, changeLog } = this.options;
		if (!standalone || !standalone.allowed() || !this.#redisFailing) return false;
		const heard = Math.max(this.#redisAnsweredAt, changeLog.lastReadAt);
		return performance.now() - heard > standalone.afterMs;
	}

	/**
	 * Redis is gone: tail the binlog on this node alone, on its own epoch in memory (the single
	 * node's pipeline), so its screens stay live. Every node does the same; access changes reach
	 * each through its own tail of the dashboard tables.
	 */
	async #goStandalone(): Promise<void> {
		const { changeLog, lease, live, log, events, standalone } = this.options;
		log.warn(
			'STANDALONE: Redis unreachable: this node tails the binlog itself until Redis is back ' +
				'(its screens re-sync now and once more when it rejoins)',
			{ afterMs: standalone!.afterMs, wasRole: this.#role }
		);
		changeLog.setOwner(null);
		lease.drop();
		await live.stopTailing();
		standalone!.useLog('local');
		try {
			await live.startEpoch();
		} catch (error) {
			standalone!.useLog('shared');
			throw error;
		}
		this.#standalone = { epoch: changeLog.epoch, backAt: null };
		this.#role = 'standalone';
		this.#needsSync = true;
		live.startTailing();
		await events.emit('log.resync', { reason: 'This server reads the PBX itself for now' });
	}

	/**
	 * Standalone, each tick: once Redis answers, lead (a fresh shared epoch: the log's checkpoint
	 * is from before the outage), or follow the shared log once a leader has started an epoch
	 * after the outage (so every screen re-syncs once, not twice) or the wait is over.
	 */
	async #tryRejoin(): Promise<void> {
		const { changeLog, lease, live, log, standalone } = this.options;
		const state = this.#standalone!;
		const position = await changeLog.streamPosition();
		state.backAt ??= performance.now();
		const token = await lease.tryAcquire();
		const fresh = position.epoch !== '' && position.epoch !== state.epoch;
		const waited = performance.now() - state.backAt > 2 * lease.ttlMs;
		const trusted = position.epoch !== '' && position.sameServer;
		if (token === null && !(trusted && (fresh || waited))) return;
		log.warn('Redis is back: this node rejoins the shared change log', { leads: token !== null });
		await live.stopTailing();
		standalone!.useLog('shared');
		this.#standalone = null;
		this.#redisFailing = false;
		this.#redisAnsweredAt = performance.now();
		this.#role = 'follower';
		if (token === null) {
			await this.#sync();
			return;
		}
		try {
			await this.#lead(token, true);
		} catch (error) {
			// Not leading half-way: let the next tick follow, or another node lead.
			await this.options.lease.release().catch(() => undefined);
			await this.#stepDown('could not lead after rejoining');
			throw error;
		}
	}

	/** Loads a snapshot after reading the log's position; false while there is no log to trust. */
	async #sync(): Promise<boolean> {
		const { changeLog, events, live, log } = this.options;
		const position = await changeLog.streamPosition();
		// No log yet, or one the leader is about to replace (another Redis process serves it).
		if (!position.epoch || !position.sameServer) return false;
		await live.loadSnapshot();
		changeLog.followFrom(position);
		const first = this.#role === 'joining';
		this.#needsSync = false;
		if (first) this.#role = 'follower';
		log.info('following the change log', { epoch: position.epoch, from: position.head });
		if (!first) await events.emit('log.resync', { reason: 'This server re-synchronised' });
		return true;
	}

	/** Leads with `token`; `rejoining`: after standalone, where the stored checkpoint is old. */
	async #lead(token: number, rejoining = false): Promise<void> {
		const { changeLog, lease, live, log } = this.options;
		this.#lastRenewedAt = performance.now();
		changeLog.setOwner(lease.owner);
		const position = await changeLog.streamPosition();
		// A log that another Redis process serves may have lost the fence counter's last INCR:
		// the token may repeat one already used, so alert writes are fenced by a fresh claim.
		const fresh = !position.epoch || !position.sameServer;
		if (!position.epoch) {
			await this.#newEpoch('Redis holds no change log (first start, or Redis lost its data)');
		} else if (!position.sameServer) {
			await this.#newEpoch('another Redis process serves the log (a failover or a restart)');
		} else if (rejoining) {
			await this.#newEpoch('the nodes ran standalone while Redis was unreachable');
		} else {
			if (this.#needsSync || position.epoch !== changeLog.epoch) await this.#sync();
			// Every entry the old leader wrote is applied here before this node maps a new commit.
			await changeLog.drain();
		}
		this.#role = 'leader';
		// The token fences this leader's alert writes too (server/alerts/store.ts).
		live.startTailing({ token, fresh });
		log.info('leading: tailing the binlog', { token, head: changeLog.head });
	}

	/**
	 * A fresh snapshot starts a new shared epoch (fenced like an append); every node re-syncs to
	 * it and every screen reloads. The rule that keeps fencing sound across a Redis failover
	 * (docs/CLUSTER.md): an epoch lives only on the Redis process it was started on.
	 */
	async #newEpoch(why: string): Promise<void> {
		const { events, live, log } = this.options;
		log.warn(`NEW EPOCH: ${why}. Taking a fresh snapshot; every open screen reloads.`);
		const tailing = this.#role === 'leader';
		await live.stopTailing();
		await live.startEpoch();
		this.#needsSync = false;
		await events.emit('log.resync', { reason: 'The live feed restarted' });
		// Still the lease's holder: the alert evaluator restarts under its token, claimed afresh
		// (the epoch changed because another Redis process serves it).
		const token = this.options.lease.token;
		if (tailing) live.startTailing({ token, fresh: true });
	}

	async #stepDown(reason: string): Promise<void> {
		const { changeLog, lease, live, log } = this.options;
		const wasLeader = this.#role === 'leader';
		changeLog.setOwner(null);
		lease.drop();
		if (this.#role === 'leader') this.#role = 'follower';
		await live.stopTailing();
		if (wasLeader) log.warn('stepped down', { reason });
	}
}
