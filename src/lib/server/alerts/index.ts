import type { Pool } from 'mysql2/promise';
import type { AppEventBus } from '../events';
import type { LiveService } from '../live';
import type { Logger } from '../log';
import type { Lookups } from '../lookups';
import { QueueThresholdStore } from '../thresholds';
import { AlertEvaluator, type AlertWorker } from './evaluator';
import { AlertRuleStore } from './rules-store';
import { AlertStore, type Outbox } from './store';

export { AlertEvaluator, type AlertWorker } from './evaluator';
export { AlertRuleStore } from './rules-store';
export { AlertStore, FencedError, type Fence, type Outbox, type Transition } from './store';
export { alertView, type AlertRecord } from './record';

/**
 * Alerts (issue 23): rules in the dashboard database, evaluated by the one node that tails the
 * binlog, breaches written once under the fence, and every node told of each change through
 * its change log (`alert.changed`), from which realtime/alerts.ts tells the screens in scope.
 */
export interface Alerts {
	store: AlertStore;
	rules: AlertRuleStore;
	evaluator: AlertEvaluator;
	stop(): Promise<void>;
}

export interface AlertsDeps {
	pool: Pool;
	live: Pick<LiveService, 'state' | 'lead'>;
	lookups: Lookups;
	events: Pick<AppEventBus, 'on'>;
	log: Logger;
	nodeId: string;
	/** The channels' outbox (enqueueDeliveries), called inside each fire and clear. */
	outbox?: Outbox;
	/** Started and stopped with the evaluator (the channels' DeliveryWorker). */
	workers?: AlertWorker[];
}

/** The alerts of this node: evaluating while it tails (already, or from the next lead on). */
export function startAlerts(deps: AlertsDeps): Alerts {
	const { pool, live, events, log } = deps;
	const store = new AlertStore(pool, deps.outbox);
	const rules = new AlertRuleStore(pool);
	const evaluator = new AlertEvaluator({
		store,
		rules,
		thresholds: new QueueThresholdStore(pool),
		live,
		lookups: deps.lookups,
		events,
		log,
		nodeId: deps.nodeId,
		workers: deps.workers
	});
	let stopped = false;
	const begin = (lead: NonNullable<typeof live.lead>): Promise<void> =>
		evaluator.start(lead).catch((error: unknown) => {
			// The database was away: try again while this node still tails under the same lead.
			log.error('alerts: could not start evaluating; trying again in 5 s', { error });
			setTimeout(() => {
				if (!stopped && live.lead === lead && !evaluator.running) void begin(lead);
			}, 5_000).unref();
		});
	const stopHearing = [
		events.on('tailing.started', (lead) => void begin(lead)),
		// Not awaited: stepping down must not wait on a write to a database that may hang (the
		// fence refuses whatever such a write tries once another node has claimed).
		events.on('tailing.stopped', () => void evaluator.stop())
	];
	if (live.lead) void begin(live.lead);
	return {
		store,
		rules,
		evaluator,
		async stop() {
			stopped = true;
			for (const stop of stopHearing) stop();
			await evaluator.stop();
		}
	};
}
