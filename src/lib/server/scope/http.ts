import { error, isHttpError, json } from '@sveltejs/kit';
import * as v from 'valibot';
import { parseFields } from '$lib/params';
import type { RefusalAudit } from '../audit/refusals';
import type { Lookups } from '../lookups';
import { defaultTenant, NO_SUCH_TENANT, resolveScope, type TenantScope } from './resolve';
import { ScopeError } from './rules';
import { isManager, type Manager, type Viewer } from './viewer';

/**
 * The scope module's HTTP face. A refusal is audited and answered 404, the same as for
 * something that does not exist; a request that is merely incomplete is a 400 saying why.
 */

const TenantParamSchema = v.pipe(
	v.string(),
	v.regex(/^[1-9]\d{0,9}$/, 'tenant must be a positive integer'),
	v.transform(Number)
);

/** `?tenant=` of a URL; absent or empty means "not asked"; given twice, or not an id, is a 400. */
export function tenantParam(url: URL): number | undefined {
	const { values, errors } = parseFields(url.searchParams, { tenant: TenantParamSchema });
	if (errors.tenant) error(400, errors.tenant);
	return values.tenant;
}

/** What resolving a request's scope reads, and where its refusals are audited. */
export interface ScopeDeps {
	lookups: Lookups;
	refusals: Pick<RefusalAudit, 'record'>;
}

export interface RequestScopeOptions {
	/** Narrow to these queues (refused, not trimmed, when outside the scope). */
	queueIds?: readonly number[];
	/** With no `?tenant=`, a platform admin gets the default tenant instead of a 400. */
	defaultTenant?: boolean;
}

export function requestScope(
	deps: ScopeDeps,
	viewer: Viewer | null,
	url: URL,
	options: RequestScopeOptions = {}
): TenantScope {
	if (!viewer) error(401, 'Sign in first');
	let tenantId = tenantParam(url);
	if (tenantId === undefined && options.defaultTenant) {
		tenantId = defaultTenant(viewer, deps.lookups)?.id;
	}
	try {
		return resolveScope(viewer, deps.lookups, { tenantId, queueIds: options.queueIds });
	} catch (e) {
		if (!(e instanceof ScopeError)) throw e;
		if (e.refusal) {
			deps.refusals.record({
				viewer,
				// The route without its parameters: requestScope runs in matched routes only, whose
				// first two segments are fixed names.
				where: url.pathname.split('/').slice(0, 3).join('/'),
				reason: e.message,
				detail: `${url.pathname}: ${e.message}`
			});
			error(404, 'Not found');
		}
		if (e.message === NO_SUCH_TENANT) error(404, 'Not found');
		error(400, e.message);
	}
}

/**
 * requestScope for routes that answer JSON with their own cache headers: the refusal comes back
 * as the same status and body SvelteKit would send, with `headers` added.
 */
export function requestScopeOrResponse(
	deps: ScopeDeps,
	viewer: Viewer | null,
	url: URL,
	headers: Record<string, string>
): TenantScope | Response {
	try {
		return requestScope(deps, viewer, url);
	} catch (e) {
		if (isHttpError(e)) return json(e.body, { status: e.status, headers });
		throw e;
	}
}

/** The Administrators pages are for platform admins and Contact Center Admins; others get 404. */
export function requireManager(viewer: Viewer | null): Manager {
	if (!isManager(viewer)) error(404, 'Not found');
	return viewer;
}
