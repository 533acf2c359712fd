import { newEpochReason, startNewEpoch, tokenMayRepeat } from './epoch';
import type { ClusterNodeOptions, NodeState } from './node-types';
import type { RedisWatch } from './redis-watch';

/**
 * Following and leading on the shared log. A node syncs by loading its own SQL snapshot after
 * reading the log's position, then applying every entry after that position (docs/CLUSTER.md
 * says why). It leads only once its state has every entry in the stream, and tails from the
 * checkpoint stored with the last one, so the first entry it appends follows the old leader's
 * last: nothing lost or doubled.
 */
export class Leadership {
	constructor(
		private readonly options: ClusterNodeOptions,
		private readonly state: NodeState,
		private readonly watch: RedisWatch
	) {}

	/** One tick on the shared log: renew or try the lease, sync when needed. */
	async step(): Promise<void> {
		const { changeLog, lease } = this.options;
		if (lease.token !== null) {
			if (await this.watch.asked(lease.renew())) {
				this.state.lastRenewedAt = performance.now();
				// A failover or a restart of Redis, even with no append to be refused: new epoch.
				const { epoch, sameServer } = await changeLog.streamPosition();
				if (epoch && !sameServer) {
					await startNewEpoch(this.options, this.state, 'another Redis process serves the log');
				}
			} else await this.stepDown('lease lost');
		} else {
			const token = await this.watch.asked(lease.tryAcquire());
			if (token !== null) await this.lead(token);
		}
		if (this.state.needsSync && lease.token === null) await this.sync();
	}

	/** Loads a snapshot after reading the log's position; false while there is no log to trust. */
	async sync(): Promise<boolean> {
		const { changeLog, events, live, log } = this.options;
		const position = await changeLog.streamPosition();
		// No log yet, or one the leader is about to replace (another Redis process serves it).
		if (!position.epoch || !position.sameServer) return false;
		await live.loadSnapshot();
		changeLog.followFrom(position);
		const first = this.state.role === 'joining';
		this.state.needsSync = false;
		if (first) this.state.role = 'follower';
		log.info('following the change log', { epoch: position.epoch, from: position.head });
		if (!first) await events.emit('log.resync', { reason: 'This server re-synchronised' });
		return true;
	}

	/** Leads with `token`; `rejoining`: after standalone, where the stored checkpoint is old. */
	async lead(token: number, rejoining = false): Promise<void> {
		const { changeLog, lease, live, log } = this.options;
		this.state.lastRenewedAt = performance.now();
		changeLog.setOwner(lease.owner);
		const position = await changeLog.streamPosition();
		const why = newEpochReason(position, rejoining);
		if (why) await startNewEpoch(this.options, this.state, why);
		else {
			if (this.state.needsSync || position.epoch !== changeLog.epoch) await this.sync();
			// Every entry the old leader wrote is applied here before this node maps a new commit.
			await changeLog.drain();
		}
		this.state.role = 'leader';
		// The token fences this leader's alert writes too (server/alerts/store.ts).
		live.startTailing({ token, fresh: tokenMayRepeat(position) });
		log.info('leading: tailing the binlog', { token, head: changeLog.head });
	}

	async stepDown(reason: string): Promise<void> {
		const { changeLog, lease, live, log } = this.options;
		const wasLeader = this.state.role === 'leader';
		changeLog.setOwner(null);
		lease.drop();
		if (wasLeader) this.state.role = 'follower';
		await live.stopTailing();
		if (wasLeader) log.warn('stepped down', { reason });
	}
}
