import type { Leadership } from './leadership';
import type { ClusterNodeOptions, NodeState, StandaloneOptions } from './node-types';
import type { RedisWatch } from './redis-watch';

/**
 * The standalone fallback: while Redis is unreachable past the bound, this node tails the binlog
 * alone, on its own epoch in memory (the single node's pipeline), so its screens stay live. Every
 * node does the same; access changes reach each through its own tail of the dashboard tables.
 * When Redis answers again the nodes rejoin one shared epoch.
 */
export class StandaloneFallback {
	/**
	 * While standalone: the shared epoch this node followed when Redis was lost, and when Redis
	 * answered again (null while it does not).
	 */
	#away: { epoch: string; backAt: number | null } | null = null;

	constructor(
		private readonly options: ClusterNodeOptions & { standalone: StandaloneOptions },
		private readonly state: NodeState,
		private readonly watch: RedisWatch,
		private readonly leadership: Leadership
	) {}

	get active(): boolean {
		return this.#away !== null;
	}

	/** Redis has been lost for the bound, and this node may tail alone (its own server id). */
	due(): boolean {
		const { standalone } = this.options;
		return standalone.allowed() && this.watch.lost(standalone.afterMs);
	}

	/** How long until due() may turn true, while Redis is failing; null when it is not. */
	msUntilDue(): number | null {
		if (!this.watch.failing || !this.options.standalone.allowed()) return null;
		return Math.max(0, this.options.standalone.afterMs - this.watch.silentForMs());
	}

	async start(): Promise<void> {
		const { changeLog, lease, live, log, events, standalone } = this.options;
		log.warn(
			'STANDALONE: Redis unreachable: this node tails the binlog itself until Redis is back ' +
				'(its screens re-sync now and once more when it rejoins)',
			{ afterMs: standalone.afterMs, wasRole: this.state.role }
		);
		changeLog.setOwner(null);
		lease.drop();
		await live.stopTailing();
		standalone.useLog('local');
		try {
			await live.startEpoch();
		} catch (error) {
			standalone.useLog('shared');
			throw error;
		}
		this.#away = { epoch: changeLog.epoch, backAt: null };
		this.state.role = 'standalone';
		this.state.needsSync = true;
		live.startTailing();
		await events.emit('log.resync', { reason: 'This server reads the PBX itself for now' });
	}

	/**
	 * Standalone, each tick: once Redis answers, lead (a fresh shared epoch: the log's checkpoint
	 * is from before the outage), or follow the shared log once a leader has started an epoch
	 * after the outage (so every screen re-syncs once, not twice) or the wait is over.
	 */
	async tryRejoin(): Promise<void> {
		const { changeLog, lease, live, log, standalone } = this.options;
		const away = this.#away!;
		const position = await changeLog.streamPosition();
		away.backAt ??= performance.now();
		const token = await lease.tryAcquire();
		const fresh = position.epoch !== '' && position.epoch !== away.epoch;
		const waited = performance.now() - away.backAt > 2 * lease.ttlMs;
		const trusted = position.epoch !== '' && position.sameServer;
		if (token === null && !(trusted && (fresh || waited))) return;
		log.warn('Redis is back: this node rejoins the shared change log', { leads: token !== null });
		await live.stopTailing();
		standalone.useLog('shared');
		this.#away = null;
		this.watch.answered();
		this.state.role = 'follower';
		if (token === null) {
			await this.leadership.sync();
			return;
		}
		try {
			await this.leadership.lead(token, true);
		} catch (error) {
			// Not leading half-way: let the next tick follow, or another node lead.
			await lease.release().catch(() => undefined);
			await this.leadership.stepDown('could not lead after rejoining');
			throw error;
		}
	}
}
