import type { AlertView } from '../alerts';

/** How screens name an alert's level: words, never colour alone. */
export const LEVEL_WORD = { critical: 'Critical', warning: 'Warning' } as const;

/**
 * The breach without its queue's name, for screens that show the name on its own: the
 * server's summary reads "Sales: longest wait 3:12 (over 2:00)".
 */
export function breachText(alert: AlertView): string {
	const prefix = `${alert.queueName}: `;
	return alert.summary.startsWith(prefix) ? alert.summary.slice(prefix.length) : alert.summary;
}
