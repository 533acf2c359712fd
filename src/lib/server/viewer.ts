import { error, isHttpError, json } from '@sveltejs/kit';
import type { TenantInfo } from '$lib/interaction';
import type { App } from './app';
import { scopeFor, ScopeError, type Scope, type Viewer } from './scope';

/**
 * Resolves the scope of an HTTP request through the one scope function. A refusal is audited
 * and answered 404 — the same as for something that does not exist.
 */
export function requestScope(
	app: App,
	viewer: Viewer | null,
	tenantParam: string | null,
	path: string
): { scope: Scope; tenant: TenantInfo } {
	if (!viewer) error(401, 'Sign in first');
	const requested = tenantParam === null || tenantParam === '' ? undefined : Number(tenantParam);
	if (requested !== undefined && !(Number.isInteger(requested) && requested > 0)) {
		error(400, 'tenant must be a positive integer');
	}
	let scope: Scope;
	try {
		scope = scopeFor(viewer, requested);
	} catch (e) {
		if (!(e instanceof ScopeError)) throw e;
		if (e.refusal) {
			void app.audit.record({ action: 'scope_refused', viewer, detail: `${path}: ${e.message}` });
			error(404, 'Not found');
		}
		error(400, e.message);
	}
	const tenant = app.live.lookups.tenants.get(scope.tenantId);
	if (!tenant) error(404, 'Not found');
	return { scope, tenant };
}

/** Tenants a viewer can pick from (platform admins) or is bound to. */
export function tenantChoices(app: App, viewer: Viewer): TenantInfo[] {
	const all = [...app.live.lookups.tenants.values()].sort((a, b) => a.name.localeCompare(b.name));
	if (viewer.kind === 'user' && viewer.role === 'platform_admin') return all;
	return all.filter((t) => t.id === viewer.tenantId);
}

/**
 * requestScope for routes that answer JSON with their own cache headers: the refusal comes back
 * as the same status and body SvelteKit would send, with `headers` added.
 */
export function requestScopeOrResponse(
	app: App,
	viewer: Viewer | null,
	url: URL,
	headers: Record<string, string>
): { scope: Scope; tenant: TenantInfo } | Response {
	try {
		return requestScope(app, viewer, url.searchParams.get('tenant'), url.pathname);
	} catch (e) {
		if (isHttpError(e)) return json(e.body, { status: e.status, headers });
		throw e;
	}
}

export type Manager = Extract<Viewer, { kind: 'user' }> & { role: 'platform_admin' | 'cc_admin' };

/** The Administrators pages are for platform admins and Contact Center Admins; others get 404. */
export function requireManager(viewer: Viewer | null): Manager {
	if (viewer?.kind !== 'user' || (viewer.role !== 'platform_admin' && viewer.role !== 'cc_admin')) {
		error(404, 'Not found');
	}
	return viewer as Manager;
}
