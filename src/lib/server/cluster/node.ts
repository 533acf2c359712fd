import { Leadership } from './leadership';
import type { ClusterNodeOptions, ClusterRole, NodeState } from './node-types';
import { RedisWatch } from './redis-watch';
import { StandaloneFallback } from './standalone';

export type { ClusterNodeOptions, ClusterRole, NodePipeline, StandaloneOptions } from './node-types'; // prettier-ignore

/**
 * One node of several: follows the shared change log, and tails the binlog while it holds the
 * lease (leadership.ts); on a Redis failover its leader starts a new epoch (epoch.ts); while
 * Redis is unreachable past the bound it tails alone (standalone.ts). This class only keeps
 * time: a tick renews or tries the lease, and decides which of the three applies.
 */
export class ClusterNode {
	readonly #state: NodeState = { role: 'joining', needsSync: true, lastRenewedAt: 0 };
	readonly #watch: RedisWatch;
	readonly #leadership: Leadership;
	readonly #standalone: StandaloneFallback | null;
	#timer: NodeJS.Timeout | null = null;
	/** A tick at the moment the standalone bound runs out, rather than up to a tick after it. */
	#dueTimer: NodeJS.Timeout | null = null;
	#ticking = false;
	readonly #stopHearing: (() => void)[];

	constructor(private readonly options: ClusterNodeOptions) {
		const { events, changeLog, standalone } = options;
		this.#watch = new RedisWatch({ lastReadAt: () => changeLog.lastReadAt });
		this.#leadership = new Leadership(options, this.#state, this.#watch);
		this.#standalone = standalone
			? new StandaloneFallback({ ...options, standalone }, this.#state, this.#watch, this.#leadership) // prettier-ignore
			: null;
		this.#stopHearing = [
			events.on('log.diverged', ({ epoch }) => this.#diverged(epoch)),
			events.on('log.fenced', () => {
				if (!this.#standalone?.active) {
					void this.#leadership.stepDown('fenced: another node took the lease');
				}
			}),
			events.on('log.serverChanged', () => void this.#tick())
		];
	}

	get role(): ClusterRole {
		return this.#state.role;
	}

	/** Screens on this node are current: it follows the log and hears from Redis, or tails alone. */
	isCurrent(): boolean {
		if (this.#standalone?.active) return true;
		// With the fallback on, a node stays ready until it goes standalone: no moment when
		// every node answers 503 and the balancer turns every new page away.
		const { standalone, tickMs } = this.options;
		const within = standalone?.allowed() ? Math.max(3_000, standalone.afterMs + 2 * tickMs) : 3_000; // prettier-ignore
		return !this.#state.needsSync && this.options.changeLog.isCurrent(within);
	}

	async start(): Promise<void> {
		await this.#tick();
		this.#timer = setInterval(() => void this.#tick(), this.options.tickMs);
		this.#timer.unref();
	}

	async stop(): Promise<void> {
		if (this.#timer) clearInterval(this.#timer);
		if (this.#dueTimer) clearTimeout(this.#dueTimer);
		this.#timer = this.#dueTimer = null;
		for (const stopHearing of this.#stopHearing) stopHearing();
		this.options.changeLog.stop();
		// Released first, so another node takes over without waiting for the TTL.
		await this.options.lease.release().catch(() => undefined);
		await this.#leadership.stepDown('stopping');
	}

	/** The log moved to another epoch, vanished with Redis, or showed a gap: sync again. */
	#diverged(epoch: string): void {
		this.options.log.warn('change log epoch changed: this node re-syncs', { epoch });
		this.#state.needsSync = true;
		void this.#tick();
	}

	async #tick(): Promise<void> {
		if (this.#ticking) return;
		this.#ticking = true;
		const { lease, log } = this.options;
		const standalone = this.#standalone;
		try {
			if (standalone?.active) await standalone.tryRejoin();
			else if (standalone?.due()) await standalone.start();
			else await this.#leadership.step();
		} catch (error) {
			// Standalone, a failed step is Redis still being away: said once, when it went.
			if (standalone?.active) log.debug('Redis still unreachable', { error });
			else log.warn('cluster step failed', { error, role: this.#state.role });
			// Unable to renew for a whole TTL: another node may lead now; stop tailing.
			if (lease.token !== null && performance.now() - this.#state.lastRenewedAt > lease.ttlMs) {
				lease.drop();
				await this.#leadership.stepDown('lease not renewed');
			}
		} finally {
			this.#ticking = false;
			this.#tickWhenDue();
		}
	}

	/** While Redis fails, one more tick when the standalone bound runs out. */
	#tickWhenDue(): void {
		const wait = this.#timer && !this.#standalone?.active ? this.#standalone?.msUntilDue() : null;
		// 0: due now, and the interval's next tick tries (a failed start is not retried in a loop).
		if (!wait || this.#dueTimer) return;
		this.#dueTimer = setTimeout(() => {
			this.#dueTimer = null;
			void this.#tick();
		}, wait + 5);
		this.#dueTimer.unref();
	}
}
