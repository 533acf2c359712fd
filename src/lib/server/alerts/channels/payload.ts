import type { DeliveredAlert, DeliveryContent, Transition } from './types';

/**
 * What a webhook receives (documented in docs/API.md): JSON with a `text` that Slack's and
 * Microsoft Teams' incoming webhooks show as they are, an `id` that is the same on every retry
 * of one transition (a receiver drops a repeat by it), and the alert itself.
 */
export interface WebhookPayload {
	/** Idempotency id: `alert-<alert id>-<fired|cleared>`, also in the X-Interactions-Delivery header. */
	id: string;
	type: `alert.${Transition}`;
	/** When the transition was queued, ISO 8601 UTC. */
	createdAt: string;
	text: string;
	alert: DeliveredAlert;
}

export function deliveryId(content: DeliveryContent): string {
	return `alert-${content.alert.id}-${content.transition}`;
}

export function webhookPayload(content: DeliveryContent): WebhookPayload {
	return {
		id: deliveryId(content),
		type: `alert.${content.transition}`,
		createdAt: content.queuedAt,
		text: alertText(content),
		alert: content.alert
	};
}

/** One line a person reads in a chat channel or a subject line. */
export function alertText({ transition, alert }: DeliveryContent): string {
	const level = alert.level === 'critical' ? 'Critical' : 'Warning';
	return transition === 'fired'
		? `${level} alert: ${alert.summary}`
		: `Cleared (${level.toLowerCase()}): ${alert.summary}`;
}

/** The email of one transition: plain text, the same facts as the webhook. */
export function alertEmail(content: DeliveryContent): { subject: string; text: string } {
	const { alert, transition } = content;
	const lines = [
		alertText(content),
		'',
		`Queue: ${alert.queueName}`,
		`Level: ${alert.level}`,
		`Value: ${alert.value} (threshold ${alert.threshold})`,
		...(alert.interactionId ? [`Interaction: ${alert.interactionId}`] : []),
		`Fired: ${alert.firedAt}`,
		...(transition === 'cleared' && alert.clearedAt ? [`Cleared: ${alert.clearedAt}`] : []),
		...(alert.acknowledgedAt ? [`Acknowledged: ${alert.acknowledgedAt}`] : []),
		'',
		`Alert ${alert.id}, rule ${alert.ruleId} (${deliveryId(content)}).`
	];
	return { subject: alertText(content), text: lines.join('\n') };
}
