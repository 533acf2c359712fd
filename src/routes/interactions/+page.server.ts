import { error, redirect } from '@sveltejs/kit';
import { getApp, type App } from '$lib/server/app';
import { parseView } from '$lib/server/history/request';
import { canSeeQueue, type Scope } from '$lib/server/scope';
import { tenantChoices } from '$lib/server/viewer';
import type { PageServerLoad } from './$types';

/** An open history window, from the URL: `win=contact:<id>`, `win=phone:<n>` or `win=agent:<id>`. */
export interface HistoryWindowKey {
	kind: 'client' | 'agent';
	param: 'contact' | 'phone' | 'agent';
	value: string;
	title: string;
}

async function windowFromUrl(app: App, scope: Scope, win: string | null) {
	if (!win) return { window: null };
	const [param, ...rest] = win.split(':');
	const value = rest.join(':');
	const lookups = app.live.lookups;
	if (param === 'agent' && /^\d{1,10}$/.test(value)) {
		const agent = lookups.agents.get(Number(value));
		if (agent && agent.tenantId === scope.tenantId) {
			return { window: { kind: 'agent', param, value, title: `Agent history: ${agent.name}` } };
		}
	} else if (param === 'contact' && /^\d{1,20}$/.test(value)) {
		await lookups.loadContacts(app.pbxPool, lookups.missingContacts([value]));
		const contact = lookups.contacts.get(value);
		if (contact && contact.tenantId === scope.tenantId) {
			return { window: { kind: 'client', param, value, title: `Client history: ${contact.name}` } };
		}
	} else if (param === 'phone' && value.length > 0 && value.length <= 32) {
		return { window: { kind: 'client', param, value, title: `Client history: ${value}` } };
	}
	return {
		window: null,
		windowError: 'That history window does not exist or is out of your scope'
	};
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const app = await getApp();
	const viewer = locals.viewer;
	if (!viewer || viewer.kind !== 'user') error(404, 'Not found');
	const tenants = tenantChoices(app, viewer);
	if (viewer.role === 'platform_admin' && !url.searchParams.get('tenant')) {
		if (tenants.length === 0) error(404, 'No tenants yet');
		// The url given to load is read-only in effect: build the target from a copy.
		const params = new URLSearchParams(url.searchParams);
		params.set('tenant', String(tenants[0].id));
		redirect(303, `${url.pathname}?${params}`);
	}
	const view = parseView(app, viewer, url);
	const { scope, tenant } = view;
	const queues = [...app.live.lookups.queues.values()]
		.filter((q) => q.tenantId === scope.tenantId && canSeeQueue(scope, q.id))
		.sort((a, b) => a.name.localeCompare(b.name))
		.map(({ id, name }) => ({ id, name }));
	const dispositions = [...app.live.lookups.dispositions.values()]
		.filter((d) => d.tenantId === scope.tenantId)
		.sort((a, b) => a.code.localeCompare(b.code))
		.map(({ code, label }) => ({ code, label }));
	const { window, windowError } = await windowFromUrl(app, scope, url.searchParams.get('win'));
	return {
		tenant,
		tenants: viewer.role === 'platform_admin' ? tenants : [],
		tenantQuery: viewer.role === 'platform_admin' ? `tenant=${tenant.id}` : '',
		queues,
		dispositions,
		filters: view.filters,
		errors: { ...view.errors, ...(windowError ? { win: windowError } : {}) },
		span: { fromDate: view.range.fromDate, toDate: view.range.toDate },
		window: window as HistoryWindowKey | null
	};
};
