import type { TenantInfo } from '$lib/interaction';
import type { Lookups } from '../lookups';
import { narrowScope, scopeFor, ScopeError, type Scope } from './rules';
import type { Manager, Viewer } from './viewer';

/**
 * "Which tenant" and "which queues", decided once for every path: HTTP routes, sockets, the wall
 * and the admin pages all resolve here. A tenant or queue that does not exist reads exactly like
 * one outside the viewer's scope; only the latter is flagged as a refusal (audited).
 */

/** The directory scope decisions read: tenants and queues, kept current from the binlog. */
export type Directory = Pick<Lookups, 'tenants' | 'queues' | 'agents' | 'dispositions'>;

/** A scope with the tenant it is about. */
export interface TenantScope {
	scope: Scope;
	tenant: TenantInfo;
}

export interface ScopeRequest {
	/** Platform admins pick a tenant; for everyone else it must be their own, or be left out. */
	tenantId?: number;
	/** Narrows to these queues; a queue outside the scope is refused, never trimmed. */
	queueIds?: readonly number[];
}

export const NO_SUCH_TENANT = 'No such tenant';

export function resolveScope(
	viewer: Viewer,
	directory: Directory,
	request: ScopeRequest = {}
): TenantScope {
	const wide = scopeFor(viewer, request.tenantId);
	const tenant = directory.tenants.get(wide.tenantId);
	if (!tenant) throw new ScopeError(NO_SUCH_TENANT, false);
	const queueIds = request.queueIds ?? [];
	const unknown = queueIds.filter((id) => directory.queues.get(id)?.tenantId !== tenant.id);
	if (unknown.length > 0) {
		throw new ScopeError(`Queue ${unknown.join(', ')} is outside your scope`, true);
	}
	return { scope: narrowScope(wide, queueIds), tenant };
}

/** Tenants a viewer may open, by name: every tenant for platform admins, else its own. */
export function visibleTenants(viewer: Viewer, directory: Directory): TenantInfo[] {
	const all = [...directory.tenants.values()].sort((a, b) => a.name.localeCompare(b.name));
	if (viewer.kind === 'user' && viewer.role === 'platform_admin') return all;
	return all.filter((tenant) => tenant.id === viewer.tenantId);
}

/**
 * The tenant a screen opens on when the address names none: the one last chosen in this session
 * if the viewer may still open it (a platform admin demoted keeps its session and its stale
 * choice), else the first it may open.
 */
export function defaultTenant(viewer: Viewer, directory: Directory): TenantInfo | null {
	const tenants = visibleTenants(viewer, directory);
	const chosen = viewer.kind === 'user' ? viewer.chosenTenantId : null;
	return tenants.find((tenant) => tenant.id === chosen) ?? tenants[0] ?? null;
}

/** Tenants a manager administers (accounts, wall tokens, thresholds). */
export function manageableTenants(manager: Manager, directory: Directory): TenantInfo[] {
	return visibleTenants(manager, directory);
}

/**
 * The tenant a manager works on: a platform admin's pick (else the one it last chose), a
 * Contact Center Admin's own whatever was asked. Null when that is not a tenant the manager
 * administers.
 */
export function managedTenant(
	manager: Manager,
	directory: Directory,
	requested?: number
): TenantInfo | null {
	if (manager.role !== 'platform_admin' || requested === undefined) {
		return defaultTenant(manager, directory);
	}
	return manageableTenants(manager, directory).find((tenant) => tenant.id === requested) ?? null;
}

/** The tenant a manager is bound to; null = every tenant (platform admins). */
export function boundTenantId(manager: Manager): number | null {
	return manager.role === 'platform_admin' ? null : manager.tenantId;
}

/** Whether a manager may edit an account: platform admins any, CC Admins their tenant's. */
export function canManageAccount(
	manager: Manager,
	account: { role: string; tenantId: number | null }
): boolean {
	const bound = boundTenantId(manager);
	if (bound === null) return true;
	return account.role !== 'platform_admin' && account.tenantId === bound;
}
