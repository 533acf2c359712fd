import { error } from '@sveltejs/kit';
import {
	parseViewParams,
	rangeBounds,
	rangeProblem,
	type FieldErrors,
	type ViewFilters
} from '$lib/filters';
import type { TenantInfo } from '$lib/interaction';
import { intField, parseFields } from '$lib/params';
import { TOO_SLOW } from '../db';
import { visibleDispositions, visibleQueues, type Scope, type Viewer } from '../scope';
import { requestScope, type ScopeDeps } from '../scope/http';
import { CursorError, decodeCursor, type Cursor } from './cursor';
import { localTimeInstant, parseLocalTime } from '$lib/time/local-time';
import { cursorKind, jumpable, type HistoryRequest } from './index';

/**
 * The edge of every history path (page, API, export): the URL is parsed into a view, checked
 * against the viewer's scope and the tenant's queues and dispositions, and turned into a range
 * in the tenant's time zone. Problems come back per field.
 */
export interface ParsedView {
	scope: Scope;
	tenant: TenantInfo;
	filters: ViewFilters;
	errors: FieldErrors;
	range: ReturnType<typeof rangeBounds>;
}

export function parseView(deps: ScopeDeps, viewer: Viewer | null, url: URL): ParsedView {
	const { scope, tenant } = requestScope(deps, viewer, url);
	const { filters, errors } = parseViewParams(url.searchParams);
	const queueId = filters.queueId;
	// A queue outside the scope reads exactly like one that does not exist.
	if (queueId !== null && !visibleQueues(scope, deps.lookups).some((q) => q.id === queueId)) {
		errors.queueId = 'Unknown queue';
		filters.queueId = null;
	}
	const disposition = filters.disposition;
	if (
		disposition &&
		!visibleDispositions(scope, deps.lookups).some((d) => d.code === disposition)
	) {
		errors.disposition = 'Unknown disposition';
	}
	// Times of day (a chart bar's interval) are checked in the tenant's zone, where they exist.
	if (!errors.from && !errors.to) Object.assign(errors, rangeProblem(filters, tenant.timezone));
	const range = rangeBounds(filters, tenant.timezone, Date.now());
	return { scope, tenant, filters, errors, range };
}

/** Up to 2,000 rows a page: the grid grows its pages as the reader scrolls on (see PagedRows). */
export const MAX_HISTORY_PAGE = 2000;
const HISTORY_PAGING = {
	limit: intField(1, MAX_HISTORY_PAGE, `limit must be between 1 and ${MAX_HISTORY_PAGE}`)
};

/**
 * `jump=YYYY-MM-DDTHH:MM`, a minute in the tenant's clock to read a time order from: its start
 * (ms), or what is wrong with it.
 */
function parseJump(
	text: string | null,
	view: ParsedView
): { jumpMs: number | null } | { error: string } {
	if (text === null || text === '') return { jumpMs: null };
	if (!jumpable(view.filters.sort)) {
		return { error: 'A jump to a time needs the view sorted by Created or Closed' };
	}
	const local = parseLocalTime(text);
	if (!local || local.offsetMinutes !== null) {
		return { error: 'jump is a time as YYYY-MM-DDTHH:MM in the tenant time zone' };
	}
	const jumpMs = localTimeInstant(local, view.tenant.timezone);
	if (jumpMs === null) return { error: `That time does not exist in ${view.tenant.timezone}` };
	return { jumpMs };
}

/** For API routes: any field error is a 400 naming the fields. */
export function historyRequestOrThrow(
	deps: ScopeDeps,
	viewer: Viewer | null,
	url: URL
): HistoryRequest & {
	tenant: TenantInfo;
	cursor: Cursor | null;
	limit: number;
	rangeDates: { from: string; to: string };
	/** The range's dates and times in the tenant's zone, for words and file names. */
	span: ParsedView['range'];
} {
	const view = parseView(deps, viewer, url);
	const errors: Record<string, string> = { ...view.errors } as Record<string, string>;
	let cursor: Cursor | null = null;
	try {
		cursor = decodeCursor(url.searchParams.get('cursor'), cursorKind(view.filters.sort));
	} catch (e) {
		if (!(e instanceof CursorError)) throw e;
		errors.cursor = e.message;
	}
	const jump = parseJump(url.searchParams.get('jump'), view);
	if ('error' in jump) errors.jump = jump.error;
	const paging = parseFields(url.searchParams, HISTORY_PAGING);
	if (paging.errors.limit) errors.limit = paging.errors.limit;
	const limit = paging.values.limit ?? 100;
	if (Object.keys(errors).length > 0) {
		const summary = Object.entries(errors)
			.map(([field, message]) => `${field}: ${message}`)
			.join('; ');
		error(400, { message: summary, errors });
	}
	return {
		scope: view.scope,
		tenant: view.tenant,
		filters: view.filters,
		range: view.range,
		jumpMs: 'jumpMs' in jump ? jump.jumpMs : null,
		rangeDates: { from: view.range.fromDate, to: view.range.toDate },
		span: view.range,
		cursor,
		limit
	};
}

export { TOO_SLOW };
