import { error } from '@sveltejs/kit';
import type { TenantInfo } from '$lib/interaction';
import {
	addDays,
	formatZonedDate,
	parseZonedDate,
	zonedDateOf,
	zonedMidnight
} from '$lib/time/zone';
import { parseBoardOptions, boardOptionProblems } from '$lib/wall/board-options';
import { rowViewOf, type RowView, type Scope, type Viewer } from '../scope';
import { requestScope, type ScopeDeps } from '../scope/http';

/**
 * The edge of `/api/replay`: which scope (the viewer's, narrowed by a wall's `?queues=` as the
 * board narrows it), which fields (a wall token gets the board's only), and which day
 * (`?date=YYYY-MM-DD` in the tenant's zone, today or before).
 */
export interface ReplayRequest {
	scope: Scope;
	tenant: TenantInfo;
	view: RowView;
	date: string;
	startMs: number;
	endMs: number;
}

export function replayRequest(
	deps: ScopeDeps,
	viewer: Viewer | null,
	url: URL,
	nowMs = Date.now()
): ReplayRequest {
	if (!viewer) error(401, 'Sign in first');
	const options = parseBoardOptions(url.searchParams);
	const { scope, tenant } = requestScope(deps, viewer, url, {
		queueIds: options.queueIds ?? undefined,
		defaultTenant: true
	});
	// After the scope check: who may not see the day learns nothing from its address.
	const problems = boardOptionProblems(url.searchParams).filter((p) => p.startsWith('queues'));
	if (problems.length > 0) error(400, problems.join('; '));
	const given = url.searchParams.get('date') ?? '';
	const date = parseZonedDate(given);
	if (!date) error(400, `date must be a day as YYYY-MM-DD (not "${given.slice(0, 20)}")`);
	const today = zonedDateOf(nowMs, tenant.timezone);
	if (formatZonedDate(date) > formatZonedDate(today)) {
		error(400, `${formatZonedDate(date)} is after today in ${tenant.timezone}: nothing to replay`);
	}
	return {
		scope,
		tenant,
		view: rowViewOf(viewer),
		date: formatZonedDate(date),
		startMs: zonedMidnight(date, tenant.timezone),
		endMs: zonedMidnight(addDays(date, 1), tenant.timezone)
	};
}
