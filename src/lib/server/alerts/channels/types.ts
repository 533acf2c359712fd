import type { AlertView } from '$lib/alerts';

/** What happened to an alert that its channels tell of. */
export type Transition = 'fired' | 'cleared';
export type ChannelKind = 'webhook' | 'email';

/** The alert as webhooks and emails carry it: who acknowledged it stays on our screens. */
export type DeliveredAlert = Omit<AlertView, 'acknowledgedBy'>;

/** What an outbox row carries: the alert as it was when the transition was written. */
export interface DeliveryContent {
	transition: Transition;
	alert: DeliveredAlert;
	/** When the transition was queued (ISO): the payload's `createdAt`, the same on every retry. */
	queuedAt: string;
}

/** One outbox row claimed by the worker: one transition for one webhook or one address. */
export interface Delivery {
	id: number;
	tenantId: number;
	channel: ChannelKind;
	/** The webhook's id, or the email address: one in-flight send per target at a time. */
	targetKey: string;
	/** The URL or the address. */
	target: string;
	/** The webhook's signing secret (webhooks only; null when it was deleted or disabled). */
	secret: string | null;
	content: DeliveryContent;
	/** Including the one about to be made. */
	attempts: number;
	/** Milliseconds since the row was queued, in the database's clock. */
	ageMs: number;
}

/**
 * The outcome of one attempt. `retry: false` is final: a refused address, a redirect, a 4xx
 * that a retry cannot change, a deleted webhook.
 */
export type SendOutcome = { ok: true } | { ok: false; retry: boolean; error: string };

export interface ChannelSender {
	send(delivery: Delivery, signal: AbortSignal): Promise<SendOutcome>;
}
