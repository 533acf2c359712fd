import type { Lookups } from '../../lookups';
import { alertView } from '../record';
import type { Outbox } from '../store';
import { enqueueDeliveries } from './enqueue';

/**
 * The evaluator's outbox (alerts/store.ts calls it inside each fire and clear): the breach's
 * webhooks and emails, when its rule asked for them, queued in the same transaction.
 */
export function deliveriesOutbox(lookups: Pick<Lookups, 'queues'>): Outbox {
	return async (conn, alert, transition) => {
		const queueName = lookups.queues.get(alert.queueId)?.name ?? `Queue ${alert.queueId}`;
		await enqueueDeliveries(conn, alertView(alert, queueName, true), transition, {
			webhook: alert.channels.includes('webhook'),
			email: alert.channels.includes('email')
		});
	};
}
