import { alertSummary, type AlertRule } from '$lib/alerts/rules';
import type { QueueThresholds } from '$lib/queues/thresholds';
import type { AppEventBus, Lead } from '../events';
import type { LiveService } from '../live';
import type { Logger } from '../log';
import type { Lookups } from '../lookups';
import type { QueueThresholdStore } from '../thresholds';
import { RuleEngine, type Transition } from './engine';
import { observeTenant } from './observe';
import type { AlertRuleStore } from './rules-store';
import { FencedError, type AlertStore, type Fence } from './store';

/**
 * Runs the rules on the node that tails the binlog, from `tailing.started` to `tailing.stopped`
 * (a single node: always; several: the leader). It evaluates the tenants a log entry touched as
 * the entry arrives, every tenant every second (waits grow with no change in the database), and
 * exactly when a breach's minimum or clear duration runs out. Fires and clears are written in
 * order, one at a time, under the fence claimed at the start (store.ts says why that makes a
 * breach fire and clear once across a failover). The live path never waits for it.
 */

/** Started and stopped with the evaluator: the channels' delivery worker (alerts-channels). */
export interface AlertWorker {
	start(fence: Fence): void;
	stop(): Promise<void>;
}

export interface EvaluatorDeps {
	store: AlertStore;
	rules: Pick<AlertRuleStore, 'enabled'>;
	thresholds: Pick<QueueThresholdStore, 'forTenant'>;
	live: Pick<LiveService, 'state'>;
	lookups: Pick<Lookups, 'tenants' | 'queues'>;
	events: Pick<AppEventBus, 'on'>;
	log: Logger;
	nodeId: string;
	workers?: AlertWorker[];
	now?: () => number;
	/** Every tenant is evaluated this often (a wait grows with no change). */
	tickMs?: number;
	/** Rules and thresholds are read again this often (an edit on any node takes effect). */
	reloadMs?: number;
}

/** A batch of log entries is evaluated together: at most this long after the first of them. */
const COALESCE_MS = 20;

export class AlertEvaluator {
	#engine = new RuleEngine();
	#fence: Fence | null = null;
	#rules = new Map<number, AlertRule>();
	#byTenant = new Map<number, AlertRule[]>();
	#thresholds = new Map<number, Map<number, QueueThresholds>>();
	#timers: NodeJS.Timeout[] = [];
	#due: NodeJS.Timeout | null = null;
	#dirty: Set<number> | null = null;
	#writes: Promise<void> = Promise.resolve();
	#stopHearing: (() => void) | null = null;
	#generation = 0;
	readonly #now: () => number;

	constructor(private readonly deps: EvaluatorDeps) {
		this.#now = deps.now ?? Date.now;
	}

	get running(): boolean {
		return this.#fence !== null;
	}

	/** Claims the alerts, continues the open breaches, and evaluates until stopped. */
	async start(lead: Lead): Promise<void> {
		await this.stop();
		const generation = ++this.#generation;
		const { store, log, nodeId, events } = this.deps;
		const fence = await store.claim(lead, nodeId);
		if (generation !== this.#generation) return;
		if (!fence) {
			log.warn('alerts: a newer leader holds the alert fence; not evaluating', { token: lead.token }); // prettier-ignore
			return;
		}
		this.#engine.adopt(await store.openAlerts());
		await this.#reload();
		if (generation !== this.#generation) return;
		this.#fence = fence;
		log.info('alerts: evaluating', { token: fence.token, rules: this.#rules.size });
		this.#stopHearing = events.on('log.appended', (entry) => {
			for (const change of entry.changes) this.#touched(change.tenantId);
		});
		const tick = setInterval(() => this.evaluate(), this.deps.tickMs ?? 1_000);
		const reload = setInterval(() => void this.#reload(), this.deps.reloadMs ?? 5_000);
		this.#timers = [tick, reload];
		for (const timer of this.#timers) timer.unref();
		for (const worker of this.deps.workers ?? []) worker.start(fence);
		this.evaluate();
	}

	/** Stops evaluating; resolves once the writes it started have ended. */
	async stop(): Promise<void> {
		this.#generation++;
		const wasRunning = this.#fence !== null;
		this.#fence = null;
		this.#stopHearing?.();
		this.#stopHearing = null;
		for (const timer of this.#timers) clearInterval(timer);
		this.#timers = [];
		if (this.#due) clearTimeout(this.#due);
		this.#due = null;
		this.#dirty = null;
		await this.#writes;
		if (wasRunning) await Promise.all((this.deps.workers ?? []).map((worker) => worker.stop()));
	}

	/** Reads the rules again now (an admin saved one on this node). */
	reload(): Promise<void> {
		return this.#reload();
	}

	/** Evaluates `tenants` (default: every tenant with rules) now. */
	evaluate(tenants?: Iterable<number>): void {
		const fence = this.#fence;
		if (!fence) return;
		const { live, lookups } = this.deps;
		const now = this.#now();
		const chosen = tenants ? new Set(tenants) : new Set(this.#byTenant.keys());
		const queuesOf = tenantQueues(lookups);
		const observations = [];
		for (const tenantId of chosen) {
			const rules = this.#byTenant.get(tenantId);
			if (!rules) continue;
			const input = {
				tenantId,
				timeZone: lookups.tenants.get(tenantId)?.timezone ?? 'UTC',
				todayStartMs: live.state.todayStartMs(tenantId),
				queueIds: queuesOf(tenantId),
				rows: live.state.rows(tenantId),
				thresholds: this.#thresholds.get(tenantId) ?? new Map()
			};
			observations.push(...observeTenant(input, rules, now));
		}
		const complete = (ruleId: number) => chosen.has(this.#rules.get(ruleId)?.tenantId ?? -1);
		const transitions = this.#engine.evaluate(this.#rules, observations, now, complete);
		for (const transition of transitions) this.#write(fence, transition);
		this.#scheduleDue(now);
	}

	#touched(tenantId: number): void {
		if (!this.#byTenant.has(tenantId)) return;
		if (this.#dirty) {
			this.#dirty.add(tenantId);
			return;
		}
		this.#dirty = new Set([tenantId]);
		setTimeout(() => {
			const dirty = this.#dirty;
			this.#dirty = null;
			if (dirty) this.evaluate(dirty);
		}, COALESCE_MS).unref();
	}

	/** Looks again exactly when a waiting breach could fire or clear. */
	#scheduleDue(now: number): void {
		if (this.#due) clearTimeout(this.#due);
		this.#due = null;
		const due = this.#engine.nextDue(this.#rules);
		if (due === null) return;
		this.#due = setTimeout(() => this.evaluate(), Math.max(0, due - now) + 1);
		this.#due.unref();
	}

	async #reload(): Promise<void> {
		const { rules, thresholds, log } = this.deps;
		try {
			const enabled = await rules.enabled();
			const byTenant = new Map<number, AlertRule[]>();
			for (const rule of enabled) byTenant.set(rule.tenantId, [...(byTenant.get(rule.tenantId) ?? []), rule]); // prettier-ignore
			const loaded = new Map<number, Map<number, QueueThresholds>>();
			for (const tenantId of byTenant.keys()) loaded.set(tenantId, await thresholds.forTenant(tenantId)); // prettier-ignore
			this.#rules = new Map(enabled.map((rule) => [rule.id, rule]));
			this.#byTenant = byTenant;
			this.#thresholds = loaded;
		} catch (error) {
			// The rules in force stay in force: a database hiccup must not clear every alert.
			log.warn('alerts: could not read the rules; keeping those in force', { error });
		}
	}

	/** Writes one transition after those before it; a failed write is taken back and retried. */
	#write(fence: Fence, transition: Transition): void {
		const { store, lookups, log } = this.deps;
		const write = async () => {
			if (this.#fence !== fence) return;
			if (transition.kind === 'fire') {
				const { rule, queueId, value } = transition;
				const queueName = lookups.queues.get(queueId)?.name ?? `Queue ${queueId}`;
				const summary = alertSummary(queueName, rule.metric, value, rule.threshold);
				await store.fire(fence, transition, rule.tenantId, summary);
			} else {
				await store.clear(fence, transition);
			}
		};
		this.#writes = this.#writes.then(write).catch((error: unknown) => {
			if (error instanceof FencedError) {
				log.warn('alerts: fenced, another node evaluates now; stopping');
				void this.stop();
				return;
			}
			log.error('alerts: could not write an alert; retrying', { error, kind: transition.kind });
			const { key, queueId, subject, at } = transition;
			if (transition.kind === 'fire') this.#engine.unfire(key);
			else this.#engine.unclear(key, transition.ruleId, queueId, subject, at);
		});
	}
}

/** Each tenant's queue ids, read from the lookups once per evaluation. */
function tenantQueues(lookups: Pick<Lookups, 'queues'>): (tenantId: number) => number[] {
	let byTenant: Map<number, number[]> | null = null;
	return (tenantId) => {
		if (!byTenant) {
			byTenant = new Map();
			for (const queue of lookups.queues.values()) {
				byTenant.set(queue.tenantId, [...(byTenant.get(queue.tenantId) ?? []), queue.id]);
			}
		}
		return byTenant.get(tenantId) ?? [];
	};
}
