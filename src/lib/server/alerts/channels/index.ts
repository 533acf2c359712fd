import type { Pool } from 'mysql2/promise';
import type { AlertChannelSettings } from '../../config';
import type { Logger } from '../../log';
import { EmailSender, emailOff } from './email';
import { ChannelSettings } from './settings';
import { WebhookSender } from './webhook';
import { DeliveryWorker, type DeliveryLimits } from './worker';

/**
 * Webhooks and email for alerts (issue 23). The evaluator (alerts/) uses two seams:
 *
 * - `deliveriesOutbox(lookups)` is its outbox: enqueueDeliveries inside the transaction that
 *   writes a fire or a clear, for the channels the rule asked for;
 * - `channels.worker` is one of its workers: started with its claim of alert_fence when it
 *   begins to evaluate, stopped when it stops. `wake()` after a commit (the app does it on
 *   `alert.changed`) sends at once: the worker
 *   otherwise reads the outbox only when a retry falls due, and every 5 s as a safety net.
 */
export { enqueueDeliveries, type ChannelChoice } from './enqueue';
export { deliveriesOutbox } from './from-alerts';
export type { DeliveryFence } from './outbox';
export { alertText, webhookPayload, type WebhookPayload } from './payload';
export { SIGNATURE_HEADER, signatureHeader, verifySignature } from './signature';
export type { Transition } from './types';
export { DeliveryWorker } from './worker';
export { ChannelSettings, type DeliveryLogEntry, type WebhookView } from './settings';

export interface AlertChannels {
	worker: DeliveryWorker;
	/** The admin page's webhooks, recipients and delivery log. */
	settings: ChannelSettings;
	/** Whether SMTP_URL is set (the admin page offers email only then). */
	emailEnabled: boolean;
	close(): Promise<void>;
}

export function createAlertChannels(
	settings: AlertChannelSettings,
	pool: Pool,
	log: Logger,
	limits?: Partial<DeliveryLimits>
): AlertChannels {
	const email = settings.smtpUrl
		? new EmailSender({
				smtpUrl: settings.smtpUrl,
				from: settings.smtpFrom,
				timeoutMs: settings.timeoutMs
			})
		: null;
	const worker = new DeliveryWorker({
		pool,
		log,
		senders: {
			webhook: new WebhookSender({
				allowPrivate: settings.webhookAllowPrivate,
				timeoutMs: settings.timeoutMs
			}),
			email: email ?? emailOff
		},
		timeoutMs: settings.timeoutMs,
		retryForMs: settings.retryForMs,
		limits
	});
	return {
		worker,
		settings: new ChannelSettings(pool, settings.webhookAllowPrivate),
		emailEnabled: email !== null,
		async close() {
			await worker.stop();
			email?.close();
		}
	};
}
