import { error, redirect } from '@sveltejs/kit';
import { parseWindowParam, type HistoryWindowKey, type PersonKey } from '$lib/history/person';
import { withinTimeLimit } from '$lib/server/db';
import { parseView } from '$lib/server/history/request';
import { firstScreen } from '$lib/server/live/first-screen';
import {
	defaultTenant,
	rowViewOf,
	personInScope,
	visibleDispositions,
	visibleQueues,
	visibleTenants,
	type PersonDeps,
	type Scope
} from '$lib/server/scope';
import { withThresholds } from '$lib/server/thresholds';
import { replayParam } from '$lib/replay/param';
import type { PageServerLoad } from './$types';

const NO_WINDOW = 'That history window does not exist or is out of your scope';

/** The window's title, when the scope lets the viewer see whose history it is. */
async function windowTitle(deps: PersonDeps, scope: Scope, key: PersonKey): Promise<string | null> {
	const person = await withinTimeLimit(() => personInScope(scope, deps, key));
	if (!person) return null;
	return `${person.kind === 'agent' ? 'Agent' : 'Client'} history: ${person.name}`;
}

/** An open history window, from the URL: `win=contact:<id>`, `win=phone:<n>` or `win=agent:<id>`. */
async function windowFromUrl(deps: PersonDeps, scope: Scope, win: string | null) {
	if (!win) return { window: null };
	const key = parseWindowParam(win);
	const title = 'error' in key ? null : await windowTitle(deps, scope, key);
	if ('error' in key || title === null) return { window: null, windowError: NO_WINDOW };
	const window: HistoryWindowKey = {
		...key,
		kind: key.param === 'agent' ? 'agent' : 'client',
		title
	};
	return { window };
}

export const load: PageServerLoad = async ({ locals, url, isDataRequest }) => {
	const { viewer, lookups } = locals;
	if (!viewer || viewer.kind !== 'user') error(404, 'Not found');
	const platformAdmin = viewer.role === 'platform_admin';
	if (platformAdmin && !url.searchParams.get('tenant')) {
		const tenant = defaultTenant(viewer, lookups);
		if (!tenant) error(404, 'No tenants yet');
		// The url given to load is read-only in effect: build the target from a copy.
		const params = new URLSearchParams(url.searchParams);
		params.set('tenant', String(tenant.id));
		redirect(303, `${url.pathname}?${params}`);
	}
	const view = parseView(locals, viewer, url);
	const { scope, tenant } = view;
	// A sort history does not offer is fixable in one click: show the range by Created and say
	// so, rather than blank the grid (the API still refuses it with a 400).
	const { sort: sortProblem, ...errors } = view.errors;
	const filters = sortProblem ? { ...view.filters, sort: 'created' as const } : view.filters;
	const { window, windowError } = await windowFromUrl(locals, scope, url.searchParams.get('win'));
	const replay = replayParam(url.searchParams, tenant.timezone);
	// Today's first screenful, in the page so the grid paints at once; the day follows on the
	// socket in parts. Only when the page is opened: a navigation in it has the feed's rows.
	const live = filters.range === 'today' && !replay.replay && !replay.error;
	const first =
		live && !isDataRequest && Object.keys(errors).length === 0
			? firstScreen(locals.live.state, scope, filters, rowViewOf(viewer))
			: null;
	return {
		tenant,
		tenants: platformAdmin ? visibleTenants(viewer, lookups) : [],
		tenantQuery: platformAdmin ? `tenant=${tenant.id}` : '',
		// With the thresholds that colour the wall, so waiting rows here turn amber and red alike.
		queues: await withThresholds(locals.dashboardPool, tenant.id, visibleQueues(scope, lookups)),
		dispositions: visibleDispositions(scope, lookups).map(({ code, label }) => ({
			code,
			label
		})),
		filters,
		errors: { ...errors, ...(windowError ? { win: windowError } : {}) },
		sortNotice: sortProblem ? `${sortProblem}: showing it by Created.` : null,
		span: {
			fromDate: view.range.fromDate,
			toDate: view.range.toDate,
			fromTime: view.range.fromTime,
			toTime: view.range.toTime
		},
		window,
		// `?at=`: the screen as it was at that moment (issue 25).
		replay,
		first
	};
};
