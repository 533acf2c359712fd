import type { NodeRole } from '$lib/status';
import type { RedisChangeLog } from '../changelog/redis';
import type { AppEventBus } from '../events';
import type { LiveService } from '../live';
import type { Logger } from '../log';
import type { LeaderLease } from './lease';

/** A node of several: 'single' is the status of a node that runs alone. */
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
	/** Hears `log.diverged` and `log.fenced` from the shared log; tells of resyncs. */
	events: Pick<AppEventBus, 'emit' | 'on'>;
	lease: LeaderLease;
	log: Logger;
	/** How often the lease is renewed (leader) or tried (followers); well under its TTL. */
	tickMs: number;
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
	readonly #stopHearing: (() => void)[];

	constructor(private readonly options: ClusterNodeOptions) {
		const { events } = options;
		this.#stopHearing = [
			events.on('log.diverged', ({ epoch }) => this.#diverged(epoch)),
			events.on('log.fenced', () => void this.#stepDown('fenced: another node took the lease'))
		];
	}

	get role(): ClusterRole {
		return this.#role;
	}

	/** Screens on this node are current: it follows the log and hears from Redis. */
	isCurrent(): boolean {
		return !this.#needsSync && this.options.changeLog.isCurrent();
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
			if (lease.token !== null) {
				if (await lease.renew()) this.#lastRenewedAt = performance.now();
				else await this.#stepDown('lease lost');
			} else {
				const token = await lease.tryAcquire();
				if (token !== null) await this.#lead(token);
			}
			if (this.#needsSync && lease.token === null) await this.#sync();
		} catch (error) {
			log.warn('cluster step failed', { error, role: this.#role });
			// Unable to renew for a whole TTL: another node may lead now; stop tailing.
			if (lease.token !== null && performance.now() - this.#lastRenewedAt > lease.ttlMs) {
				lease.drop();
				await this.#stepDown('lease not renewed');
			}
		} finally {
			this.#ticking = false;
		}
	}

	/** Loads a snapshot after reading the log's position; false while there is no log yet. */
	async #sync(): Promise<boolean> {
		const { changeLog, events, live, log } = this.options;
		const position = await changeLog.streamPosition();
		if (!position.epoch) return false;
		await live.loadSnapshot();
		changeLog.followFrom(position);
		const first = this.#role === 'joining';
		this.#needsSync = false;
		if (first) this.#role = 'follower';
		log.info('following the change log', { epoch: position.epoch, from: position.head });
		if (!first) await events.emit('log.resync', { reason: 'This server re-synchronised' });
		return true;
	}

	async #lead(token: number): Promise<void> {
		const { changeLog, events, live, log } = this.options;
		this.#lastRenewedAt = performance.now();
		changeLog.setToken(token);
		const position = await changeLog.streamPosition();
		if (!position.epoch) {
			log.warn(
				'NEW EPOCH: Redis holds no change log (first start, or Redis lost its data). ' +
					'Taking a fresh snapshot; every open screen reloads.',
				{ token }
			);
			await live.startEpoch();
			this.#needsSync = false;
			await events.emit('log.resync', { reason: 'The live feed restarted' });
		} else {
			if (this.#needsSync || position.epoch !== changeLog.epoch) await this.#sync();
			// Every entry the old leader wrote is applied here before this node maps a new commit.
			await changeLog.drain();
		}
		this.#role = 'leader';
		// The token fences this leader's alert writes too (server/alerts/store.ts).
		live.startTailing({ token, fresh: !position.epoch });
		log.info('leading: tailing the binlog', { token, head: changeLog.head });
	}

	async #stepDown(reason: string): Promise<void> {
		const { changeLog, lease, live, log } = this.options;
		const wasLeader = this.#role === 'leader';
		changeLog.setToken(null);
		lease.drop();
		if (this.#role === 'leader') this.#role = 'follower';
		await live.stopTailing();
		if (wasLeader) log.warn('stepped down', { reason });
	}
}
