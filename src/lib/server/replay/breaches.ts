import type { AlertView } from '$lib/alerts';
import { alertView, type AlertRecord } from '../alerts';
import type { Lookups } from '../lookups';
import type { Scope, Viewer } from '../scope';

/**
 * A replayed day's alert breaches, for marks on the slider: those that fired during the day in
 * the viewer's scope (the store applies it in SQL, as for the live list), and of those only what
 * the live screen would have been told — a wall display the breaches of rules that alert walls,
 * as the board's fields (alertView for a wall: no one's name); a person those of rules that
 * alert screens.
 */

export interface BreachDeps {
	alerts: {
		store: { firedBetween(scope: Scope, fromMs: number, toMs: number): Promise<AlertRecord[]> };
	};
	lookups: Pick<Lookups, 'queues'>;
}

export async function dayBreaches(
	deps: BreachDeps,
	viewer: Viewer,
	scope: Scope,
	day: { startMs: number; endMs: number }
): Promise<AlertView[]> {
	const forWall = viewer.kind === 'wall';
	const queueName = (id: number) => deps.lookups.queues.get(id)?.name ?? `Queue ${id}`;
	const fired = await deps.alerts.store.firedBetween(scope, day.startMs, day.endMs);
	return fired
		.filter((alert) => alert.channels.includes(forWall ? 'walls' : 'screens'))
		.map((alert) => alertView(alert, queueName(alert.queueId), forWall));
}
