import type { Pool } from 'mysql2/promise';
import type { Logger } from '../../log';
import { nextAttemptInMs } from './backoff';
import {
	claimDeliveries,
	dueDeliveries,
	recordOutcome,
	releaseClaim,
	type DeliveryFence,
	type DueDelivery
} from './outbox';
import type { ChannelKind, ChannelSender, Delivery } from './types';

export interface DeliveryLimits {
	/** Sends in flight for one tenant (webhooks and email together). */
	perTenant: number;
	/** Sends in flight on this node. */
	total: number;
	/**
	 * How often the outbox is read when nothing woke the worker: a safety net only (rows another
	 * node's claim left behind). New rows wake it (`alert.changed`), and a retry wakes it when due.
	 */
	pollMs: number;
	/** The first retry's delay; each next one doubles, up to five minutes. */
	backoffBaseMs: number;
}

export const DEFAULT_LIMITS: DeliveryLimits = {
	perTenant: 4,
	total: 32,
	pollMs: 5_000,
	backoffBaseMs: 1000
};

export interface DeliveryWorkerOptions {
	pool: Pool;
	log: Logger;
	senders: Record<ChannelKind, ChannelSender>;
	/** One attempt's longest time (ALERT_DELIVERY_TIMEOUT_MS). */
	timeoutMs: number;
	/** Retries stop this long after the row was queued (ALERT_DELIVERY_RETRY_MINUTES). */
	retryForMs: number;
	limits?: Partial<DeliveryLimits>;
}

/** A send must start this soon after its claim, or the claim is given back unsent. */
const START_WITHIN_MS = 5000;

interface InFlight {
	delivery: Delivery;
	stop: AbortController;
}

/**
 * Sends the outbox's rows, on the node that evaluates alerts only: the evaluator calls
 * `start(fence)` with its claim of alert_fence when it begins and `stop()` when it stops.
 *
 * One send per target at a time, at most `perTenant` per tenant and `total` in all, each bounded
 * by the timeout: a dead endpoint holds its own target and at most its tenant's slots, never
 * another tenant's and never the live path (nothing here runs on the evaluator's turn). What is
 * not in flight waits in the outbox, not in memory; backoff and the retry window bound it.
 */
export class DeliveryWorker {
	readonly #limits: DeliveryLimits;
	readonly #inFlight = new Map<number, InFlight>();
	#fence: DeliveryFence | null = null;
	#timer: NodeJS.Timeout | null = null;
	/** When the retries this node scheduled fall due (performance.now() ms). */
	#retriesDue: number[] = [];
	#polling: Promise<void> | null = null;
	#again = false;
	#refusedLogged = false;

	constructor(private readonly options: DeliveryWorkerOptions) {
		this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
	}

	get running(): boolean {
		return this.#fence !== null;
	}

	start(fence: DeliveryFence): void {
		this.#fence = fence;
		this.#refusedLogged = false;
		this.wake();
	}

	/** Stops claiming, aborts what is in flight and gives those rows back for the next sender. */
	async stop(): Promise<void> {
		this.#fence = null;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#retriesDue = [];
		for (const { stop } of this.#inFlight.values()) stop.abort();
		await this.#polling;
		while (this.#inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
	}

	/** Reads the outbox now: after a commit that queued rows, or when a slot frees. */
	wake(): void {
		if (this.#fence === null) return;
		if (this.#polling) {
			this.#again = true;
			return;
		}
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#polling = this.#poll().finally(() => {
			this.#polling = null;
			if (this.#again) this.wake();
			else if (this.#fence !== null) this.#sleep();
		});
	}

	/** Until the next retry falls due, or the safety poll: an idle outbox costs no queries. */
	#sleep(): void {
		const now = performance.now();
		this.#retriesDue = this.#retriesDue.filter((due) => due > now);
		const nextRetryMs =
			this.#retriesDue.length > 0 ? Math.min(...this.#retriesDue) - now : Infinity;
		this.#timer = setTimeout(() => this.wake(), Math.min(this.#limits.pollMs, nextRetryMs + 5));
		this.#timer.unref();
	}

	async #poll(): Promise<void> {
		this.#again = false;
		const fence = this.#fence;
		if (fence === null || this.#inFlight.size >= this.#limits.total) return;
		try {
			const picked = this.#pick(await dueDeliveries(this.options.pool, 500));
			if (picked.length === 0 || this.#fence !== fence) return;
			const result = await claimDeliveries(
				this.options.pool,
				picked.map((due) => due.id),
				fence,
				START_WITHIN_MS + this.options.timeoutMs * 2
			);
			if (result.refused) return this.#refused(fence);
			const claimedAt = performance.now();
			for (const delivery of result.claimed) void this.#run(delivery, fence, claimedAt);
		} catch (error) {
			this.options.log.warn('alert deliveries: reading the outbox failed', { error });
		}
	}

	/** The due rows that fit: one per idle target, within the tenant's and the node's slots. */
	#pick(due: DueDelivery[]): DueDelivery[] {
		const busyTargets = new Set<string>();
		const perTenant = new Map<number, number>();
		for (const { delivery } of this.#inFlight.values()) {
			busyTargets.add(targetOf(delivery));
			perTenant.set(delivery.tenantId, (perTenant.get(delivery.tenantId) ?? 0) + 1);
		}
		let room = this.#limits.total - this.#inFlight.size;
		const picked: DueDelivery[] = [];
		for (const row of due) {
			const tenantCount = perTenant.get(row.tenantId) ?? 0;
			if (room === 0) break;
			if (busyTargets.has(targetOf(row)) || tenantCount >= this.#limits.perTenant) continue;
			if (this.#inFlight.has(row.id)) continue;
			busyTargets.add(targetOf(row));
			perTenant.set(row.tenantId, tenantCount + 1);
			picked.push(row);
			room -= 1;
		}
		return picked;
	}

	async #run(delivery: Delivery, fence: DeliveryFence, claimedAt: number): Promise<void> {
		const { pool, log, senders, timeoutMs, retryForMs } = this.options;
		const stop = new AbortController();
		this.#inFlight.set(delivery.id, { delivery, stop });
		try {
			// A node that stalled since its claim may have lost it to a newer leader: do not send.
			if (performance.now() - claimedAt > START_WITHIN_MS || this.#fence !== fence) {
				await releaseClaim(pool, delivery, fence);
				return;
			}
			// Hard stop for a sender whose own timeouts are per phase (SMTP): twice the timeout.
			const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(timeoutMs * 2)]);
			const outcome = await senders[delivery.channel].send(delivery, signal);
			if (stop.signal.aborted) {
				await releaseClaim(pool, delivery, fence);
				return;
			}
			const retryInMs = outcome.ok
				? null
				: nextAttemptInMs(delivery, outcome, retryForMs, this.#limits.backoffBaseMs);
			await recordOutcome(pool, delivery, fence, outcome, retryInMs);
			if (retryInMs !== null) this.#retriesDue.push(performance.now() + retryInMs);
			if (!outcome.ok) {
				const final = retryInMs === null;
				log[final ? 'warn' : 'info'](
					final ? 'alert delivery failed' : 'alert delivery will be retried',
					{
						delivery: delivery.id,
						tenant: delivery.tenantId,
						channel: delivery.channel,
						attempts: delivery.attempts,
						error: outcome.error,
						retryInMs
					}
				);
			}
		} catch (error) {
			log.warn('alert delivery: recording the attempt failed', { error, delivery: delivery.id });
		} finally {
			this.#inFlight.delete(delivery.id);
			this.wake();
		}
	}

	#refused(fence: DeliveryFence): void {
		if (!this.#refusedLogged) {
			this.options.log.warn('alert deliveries refused: another node claimed the alerts', {
				token: fence.token
			});
		}
		this.#refusedLogged = true;
	}
}

function targetOf(row: { tenantId: number; channel: ChannelKind; targetKey: string }): string {
	return `${row.tenantId}:${row.channel}:${row.targetKey}`;
}
