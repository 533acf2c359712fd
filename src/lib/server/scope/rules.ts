import type { InteractionChange } from '$lib/interaction';
import type { Viewer } from './viewer';

/** The scope rule itself: which tenant and queues, and what of a row or change that admits. */

/** What one viewer may see of one tenant: all of its queues, or a fixed set. */
export interface Scope {
	tenantId: number;
	queues: 'all' | ReadonlySet<number>;
}

export class ScopeError extends Error {
	constructor(
		message: string,
		/** Whether this was an attempt at data outside the viewer's scope (audited). */
		readonly refusal: boolean
	) {
		super(message);
	}
}

export function hasScreenAccess(viewer: Viewer): boolean {
	if (viewer.kind === 'wall') return true;
	return viewer.permissions.some((p) => p === 'cdr' || p === 'interactions');
}

/**
 * The scope of a viewer for a tenant. Platform admins choose the tenant; everyone else is bound
 * to their own, and a request for another is refused.
 */
export function scopeFor(viewer: Viewer, requestedTenantId?: number): Scope {
	if (!hasScreenAccess(viewer)) {
		throw new ScopeError('This account may not open the Interactions screen', true);
	}
	if (viewer.kind === 'wall') {
		if (requestedTenantId !== undefined && requestedTenantId !== viewer.tenantId) {
			throw new ScopeError('Tenant outside this display token', true);
		}
		const queues = viewer.queueIds === 'all' ? 'all' : new Set(viewer.queueIds);
		return { tenantId: viewer.tenantId, queues };
	}
	if (viewer.role === 'platform_admin') {
		if (requestedTenantId === undefined) throw new ScopeError('Choose a tenant', false);
		return { tenantId: requestedTenantId, queues: 'all' };
	}
	if (viewer.tenantId === null) throw new ScopeError('This account has no tenant', false);
	if (requestedTenantId !== undefined && requestedTenantId !== viewer.tenantId) {
		throw new ScopeError('Tenant outside your scope', true);
	}
	if (viewer.role === 'cc_admin') return { tenantId: viewer.tenantId, queues: 'all' };
	return { tenantId: viewer.tenantId, queues: new Set(viewer.queueIds) };
}

/** Narrows a scope to the queues a client asked for; asking for more is refused, not trimmed. */
export function narrowScope(scope: Scope, queueIds: readonly number[] | undefined): Scope {
	if (!queueIds || queueIds.length === 0) return scope;
	const outside = queueIds.filter((id) => scope.queues !== 'all' && !scope.queues.has(id));
	if (outside.length > 0) {
		throw new ScopeError(`Queue ${outside.join(', ')} is outside your scope`, true);
	}
	return { tenantId: scope.tenantId, queues: new Set(queueIds) };
}

export function canSeeQueue(scope: Scope, queueId: number | null): boolean {
	if (scope.queues === 'all') return true;
	return queueId !== null && scope.queues.has(queueId);
}

export function canSee(scope: Scope, row: { tenantId: number; queueId: number | null }): boolean {
	return row.tenantId === scope.tenantId && canSeeQueue(scope, row.queueId);
}

/**
 * What a viewer with this scope receives of a change: the change, a removal (the row left the
 * scope, e.g. moved to another queue), or nothing. Socket rooms implement the same rule.
 */
export function projectChange(change: InteractionChange, scope: Scope): InteractionChange | null {
	if (change.tenantId !== scope.tenantId) return null;
	if (scope.queues === 'all') return change;
	const touchedScope = change.queueIds.some((queueId) => canSeeQueue(scope, queueId));
	if (change.row === null) return touchedScope ? change : null;
	if (canSeeQueue(scope, change.row.queueId)) return change;
	if (!touchedScope) return null;
	const { seq, id, tenantId, queueIds } = change;
	return { seq, id, tenantId, queueIds, row: null };
}

/** SQL predicate for the scope over a table aliased `alias`; params appended to `params`. */
export function scopeSql(scope: Scope, alias: string, params: unknown[]): string {
	if (scope.queues !== 'all' && scope.queues.size === 0) return '1 = 0';
	params.push(scope.tenantId);
	if (scope.queues === 'all') return `${alias}.tenant_id = ?`;
	params.push([...scope.queues]);
	return `${alias}.tenant_id = ? AND ${alias}.queue_id IN (?)`;
}
