/**
 * Alerts as every screen sees them: the browser-safe contract between the server's alert
 * evaluator (`src/lib/server/alerts/`) and the screens (`/interactions`, `/wall`). The server
 * sends an alert only to viewers whose scope includes its queue.
 */

/** What a rule watches (issue 23): queue-wide figures, or one interaction past a limit. */
export const ALERT_METRICS = [
	'longest-wait',
	'waiting-count',
	'interaction-wait',
	'interaction-acw',
	'service-level',
	'abandon-rate'
] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

export const ALERT_LEVELS = ['warning', 'critical'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** One breach of one rule on one queue (and, for per-interaction rules, one interaction). */
export interface AlertView {
	id: number;
	tenantId: number;
	queueId: number;
	queueName: string;
	ruleId: number;
	metric: AlertMetric;
	level: AlertLevel;
	/** A sentence a supervisor reads at a glance: "Sales: longest wait 3:12 (over 2:00)". */
	summary: string;
	/** The value that breached and the rule's mark, in the metric's unit (seconds, count, %). */
	value: number;
	threshold: number;
	/** Set for the per-interaction metrics. */
	interactionId: string | null;
	firedAt: string;
	clearedAt: string | null;
	acknowledgedAt: string | null;
	/** The display name of who acknowledged it; never sent to wall displays. */
	acknowledgedBy: string | null;
}

/** A fired, cleared or acknowledged alert: the screen upserts it by id. */
export interface AlertsMessage {
	alerts: AlertView[];
}

export type AlertsListReply = { ok: true; alerts: AlertView[] } | { ok: false; error: string };
export type AcknowledgeReply = { ok: true; alert: AlertView } | { ok: false; error: string };

/** Socket events of alerts, merged into the event maps of `$lib/realtime.ts`. */
export interface AlertServerEvents {
	'alerts:changed': (message: AlertsMessage) => void;
}
export interface AlertClientEvents {
	/** The open alerts (and those cleared in the last hour) in the socket's scope. */
	'alerts:list': (reply: (reply: AlertsListReply) => void) => void;
	/** People only: wall displays cannot acknowledge. */
	'alerts:acknowledge': (request: unknown, reply: (reply: AcknowledgeReply) => void) => void;
}
