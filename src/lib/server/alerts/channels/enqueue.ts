import type { Connection, ResultSetHeader } from 'mysql2/promise';
import type { AlertView } from '$lib/alerts';
import type { DeliveredAlert, DeliveryContent, Transition } from './types';

/** Which of its channels a rule asked for; both when the caller does not say. */
export interface ChannelChoice {
	webhook: boolean;
	email: boolean;
}

const EVERY_CHANNEL: ChannelChoice = { webhook: true, email: true };

/**
 * Queues one delivery per enabled webhook and per email recipient of the alert's tenant, on the
 * caller's connection, inside the caller's transaction (the one that writes the alert row): the
 * outbox commits with the alert or not at all, so a crash cannot fire an alert nobody is told
 * of, nor tell of one that was never written. Writing the same transition again (a new leader
 * continuing a breach) inserts nothing: uq_delivery holds one row per alert, transition and
 * target (IGNORE: the only error it can meet is that key, the values fit their columns). Returns how
 * many rows were queued. The DeliveryWorker sends them.
 */
export async function enqueueDeliveries(
	conn: Pick<Connection, 'query'>,
	alert: AlertView,
	transition: Transition,
	channels: ChannelChoice = EVERY_CHANNEL
): Promise<number> {
	if (!channels.webhook && !channels.email) return 0;
	const delivered: DeliveredAlert = { ...alert };
	delete (delivered as Partial<AlertView>).acknowledgedBy;
	const queuedAt = new Date().toISOString();
	const content: DeliveryContent = { transition, alert: delivered, queuedAt };
	const parts: string[] = [];
	const params: unknown[] = [];
	// Targets are the alert's tenant's only: a tenant's webhooks and inboxes never hear of
	// another tenant's queues (issue 23, scope).
	if (channels.webhook) {
		parts.push(`SELECT tenant_id, 'webhook', CAST(id AS CHAR), url FROM alert_webhooks
			WHERE tenant_id = ? AND enabled = 1`);
		params.push(alert.tenantId);
	}
	if (channels.email) {
		parts.push(`SELECT tenant_id, 'email', address, address FROM alert_email_recipients
			WHERE tenant_id = ?`);
		params.push(alert.tenantId);
	}
	const [result] = await conn.query<ResultSetHeader>(
		`INSERT IGNORE INTO alert_deliveries
			(tenant_id, channel, target_key, target, alert_id, transition, payload, next_attempt_at, created_at)
		 SELECT t.*, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
		 FROM (${parts.join(' UNION ALL ')}) AS t`,
		[alert.id, transition, JSON.stringify(content), ...params]
	);
	return result.affectedRows;
}
