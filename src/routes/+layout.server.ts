import { getApp } from '$lib/server/app';
import { defaultTenant, visibleTenants } from '$lib/server/scope';
import { tenantParam } from '$lib/server/scope/http';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, url }) => {
	const viewer = locals.viewer;
	if (viewer?.kind !== 'user') {
		return {
			viewer: viewer ? { kind: 'wall' as const, displayName: viewer.label, role: null } : null,
			tenant: null
		};
	}
	// The tenant the page shows, resolved as the pages resolve it (?tenant=, else the default),
	// so the header can name it and its links keep it.
	const app = await getApp();
	const asked = tenantParam(url);
	const tenant =
		visibleTenants(viewer, app.lookups).find((t) => t.id === asked) ??
		defaultTenant(viewer, app.lookups);
	return {
		viewer: { kind: 'user' as const, displayName: viewer.displayName, role: viewer.role },
		tenant: tenant && { id: tenant.id, name: tenant.name }
	};
};
