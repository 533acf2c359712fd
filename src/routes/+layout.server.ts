import { hasScreenAccess, isManager, visibleTenants } from '$lib/server/scope';
import { tenantParam } from '$lib/server/scope/http';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => {
	const viewer = locals.viewer;
	if (viewer?.kind !== 'user') {
		return {
			viewer: viewer ? { kind: 'wall' as const, displayName: viewer.label, role: null } : null,
			tenant: null
		};
	}
	// The tenant the page shows, resolved as the pages resolve it (?tenant=, else the default),
	// so the header can name it and its links keep it. Only for an account that may open a
	// screen or administer: a refused page names nothing.
	const asked = tenantParam(url);
	const mine =
		hasScreenAccess(viewer) || isManager(viewer) ? visibleTenants(viewer, locals.lookups) : [];
	const tenant = mine.find((t) => t.id === asked) ?? mine[0] ?? null;
	return {
		viewer: { kind: 'user' as const, displayName: viewer.displayName, role: viewer.role },
		tenant: tenant && { id: tenant.id, name: tenant.name }
	};
};
