import { defaultTenant, hasScreenAccess, isManager, visibleTenants } from '$lib/server/scope';
import { tenantParam } from '$lib/server/scope/http';
import type { LayoutServerLoad } from './$types';

/** Pages that show every tenant at once to a platform admin: the header says so, not a tenant. */
const ALL_TENANT_PAGES: readonly string[] = ['/admin', '/admin/status'];

export const load: LayoutServerLoad = async ({ locals, url, route }) => {
	const viewer = locals.viewer;
	if (viewer?.kind !== 'user') {
		return {
			viewer: viewer ? { kind: 'wall' as const, displayName: viewer.label, role: null } : null,
			tenant: null,
			allTenants: false
		};
	}
	// The tenant the page shows, resolved as the pages resolve it (?tenant=, else the one this
	// session last chose, else the first), so the header can name it and its links keep it. Only
	// for an account that may open a screen or administer: a refused page names nothing.
	const asked = tenantParam(url);
	const mine =
		hasScreenAccess(viewer) || isManager(viewer) ? visibleTenants(viewer, locals.lookups) : [];
	const tenant =
		mine.find((t) => t.id === asked) ??
		(mine.length > 0 ? defaultTenant(viewer, locals.lookups) : null);
	// A platform admin's pick follows it to pages whose address names no tenant (Administrators
	// and back, a new tab): remembered on the session, written only when it changes.
	const platformAdmin = viewer.role === 'platform_admin';
	if (platformAdmin && tenant && tenant.id === asked && asked !== viewer.chosenTenantId) {
		await locals.auth.sessions.chooseTenant(viewer.sessionId, tenant.id);
	}
	return {
		viewer: { kind: 'user' as const, displayName: viewer.displayName, role: viewer.role },
		tenant: tenant && { id: tenant.id, name: tenant.name },
		allTenants: platformAdmin && ALL_TENANT_PAGES.includes(route.id ?? '')
	};
};
