import { formatZonedDate, zonedDateOf } from '$lib/time/zone';
import { parseAt } from './at';

/** `?at=` of a screen's address, read the same way by /interactions and /wall. */

export interface ReplayAt {
	atMs: number;
	/** T's day in the tenant's zone, YYYY-MM-DD: the day the screen loads. */
	date: string;
}

export type ReplayParam = { replay: ReplayAt | null; error: string | null };

export function replayParam(
	params: URLSearchParams,
	timeZone: string,
	nowMs = Date.now()
): ReplayParam {
	const text = params.get('at');
	if (text === null || text === '') return { replay: null, error: null };
	const parsed = parseAt(text, timeZone);
	if ('error' in parsed) return { replay: null, error: parsed.error };
	if (parsed.ms > nowMs) {
		return { replay: null, error: `${text} has not happened yet: a replay shows the past` };
	}
	return {
		replay: { atMs: parsed.ms, date: formatZonedDate(zonedDateOf(parsed.ms, timeZone)) },
		error: null
	};
}

/** The day's rows for a screen: its tenant (platform admins name one) and a wall's queues. */
export function replayDayUrl(
	date: string,
	o: { tenantId?: number | null; queueIds?: readonly number[] | null } = {}
): string {
	const params = new URLSearchParams({ date });
	if (o.tenantId) params.set('tenant', String(o.tenantId));
	if (o.queueIds && o.queueIds.length > 0) params.set('queues', o.queueIds.join(','));
	return `/api/replay?${params}`;
}
