import type { AlertView } from '../alerts';

/**
 * How a screen folds alert messages into what it shows. An alert only moves forward (fired →
 * acknowledged, fired → cleared; a new breach is a new id), so two views of one alert merge by
 * keeping every step either has seen: a late list reply can never undo an acknowledgement or a
 * clearance that an `alerts:changed` already brought, whichever arrives first.
 */
export function mergeAlert(known: AlertView | undefined, incoming: AlertView): AlertView {
	if (!known) return incoming;
	const acknowledged = known.acknowledgedAt !== null ? known : incoming;
	return {
		...incoming,
		clearedAt: incoming.clearedAt ?? known.clearedAt,
		acknowledgedAt: acknowledged.acknowledgedAt,
		acknowledgedBy: acknowledged.acknowledgedBy
	};
}

export const isOpen = (alert: AlertView): boolean => alert.clearedAt === null;

/** Still asking for someone: open and nobody has acknowledged it. */
export const needsAttention = (alert: AlertView): boolean =>
	alert.clearedAt === null && alert.acknowledgedAt === null;

const LEVEL_RANK = { critical: 0, warning: 1 } as const;

/**
 * The order a supervisor reads them in: open before cleared, then what still needs someone
 * before what was acknowledged, critical before warning, newest first.
 */
export function compareAlerts(a: AlertView, b: AlertView): number {
	return (
		Number(!isOpen(a)) - Number(!isOpen(b)) ||
		Number(!needsAttention(a)) - Number(!needsAttention(b)) ||
		LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
		Date.parse(b.firedAt) - Date.parse(a.firedAt) ||
		b.id - a.id
	);
}
