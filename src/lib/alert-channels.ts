/**
 * A tenant's alert webhooks and email as the admin page shows them (issue 23): browser-safe
 * shapes of what src/lib/server/alerts/channels/ stores. A webhook's secret is never here: it is
 * shown once, in the answer to the form that added it.
 */

export interface WebhookView {
	id: number;
	url: string;
	enabled: boolean;
	createdAt: string;
}

/** One row of the delivery log: one transition of one alert for one webhook or address. */
export interface DeliveryLogEntry {
	id: number;
	alertId: number;
	transition: 'fired' | 'cleared';
	channel: 'webhook' | 'email';
	target: string;
	status: 'pending' | 'sent' | 'failed';
	attempts: number;
	lastError: string | null;
	createdAt: string;
	sentAt: string | null;
	/** While pending: when the next attempt is due. */
	nextAttemptAt: string | null;
}

export interface ChannelsView {
	tenantId: number;
	timezone: string;
	webhooks: WebhookView[];
	recipients: string[];
	deliveries: DeliveryLogEntry[];
	/** SMTP_URL is set on the server. */
	emailEnabled: boolean;
}
