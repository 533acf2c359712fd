import { describe, it, expect } from 'vitest';
import type { InteractionChange } from '$lib/interaction';
import {
	canSee,
	narrowScope,
	projectChange,
	scopeFor,
	ScopeError,
	scopeSql,
	type Permission,
	type Role,
	type Scope,
	type Viewer,
	wallClientName,
	wallRow
} from '$lib/server/scope';
import { interaction } from './fixtures';

function user(
	role: Role,
	tenantId: number | null,
	queueIds: number[] = [],
	permissions: Permission[] = ['interactions']
): Viewer {
	return {
		kind: 'user',
		userId: 1,
		sessionId: 's',
		sessionExpiresAt: Date.parse('2026-03-17T00:00:00Z'),
		username: 'u',
		displayName: 'U',
		role,
		tenantId,
		queueIds,
		permissions
	};
}

function wall(tenantId: number, queueIds: number[] | 'all'): Viewer {
	return { kind: 'wall', tokenId: 1, label: 'Floor', tenantId, queueIds };
}

/** The ScopeError thrown by `fn`, or a failed expectation. */
function scopeErrorOf(fn: () => unknown): ScopeError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(ScopeError);
		return error as ScopeError;
	}
	expect.fail('expected a ScopeError');
}

const queues = (...ids: number[]): Scope['queues'] => new Set(ids);

describe('scopeFor', () => {
	it('platform admins must choose a tenant and then see all of it', () => {
		const admin = user('platform_admin', null);
		expect(scopeErrorOf(() => scopeFor(admin)).refusal).toBe(false);
		expect(scopeFor(admin, 3)).toEqual({ tenantId: 3, queues: 'all' });
		expect(scopeFor(admin, 5)).toEqual({ tenantId: 5, queues: 'all' });
	});

	it('cc_admin is bound to its tenant, sees all of it, and is refused another', () => {
		const admin = user('cc_admin', 2);
		expect(scopeFor(admin)).toEqual({ tenantId: 2, queues: 'all' });
		expect(scopeFor(admin, 2)).toEqual({ tenantId: 2, queues: 'all' });
		const error = scopeErrorOf(() => scopeFor(admin, 3));
		expect(error.refusal).toBe(true);
	});

	it('cc_supervisor is bound to its tenant and its queues, and is refused another tenant', () => {
		const supervisor = user('cc_supervisor', 2, [4, 5]);
		expect(scopeFor(supervisor)).toEqual({ tenantId: 2, queues: queues(4, 5) });
		expect(scopeFor(supervisor, 2)).toEqual({ tenantId: 2, queues: queues(4, 5) });
		expect(scopeErrorOf(() => scopeFor(supervisor, 1)).refusal).toBe(true);
	});

	it('a supervisor without queues sees nothing rather than everything', () => {
		const scope = scopeFor(user('cc_supervisor', 2, []));
		expect(scope.queues).toEqual(queues());
		expect(canSee(scope, { tenantId: 2, queueId: 1 })).toBe(false);
		expect(canSee(scope, { tenantId: 2, queueId: null })).toBe(false);
	});

	it('a tenant user without a tenant is an error, not a refusal', () => {
		expect(scopeErrorOf(() => scopeFor(user('cc_admin', null))).refusal).toBe(false);
		expect(scopeErrorOf(() => scopeFor(user('cc_supervisor', null, [1]))).refusal).toBe(false);
	});

	it.each(['platform_admin', 'cc_admin', 'cc_supervisor'] as const)(
		'%s without the cdr or interactions permission is refused',
		(role) => {
			const viewer = user(role, role === 'platform_admin' ? null : 1, [1], []);
			expect(scopeErrorOf(() => scopeFor(viewer, 1)).refusal).toBe(true);
			expect(scopeErrorOf(() => scopeFor(viewer)).refusal).toBe(true);
		}
	);

	it('either permission opens the screen', () => {
		expect(scopeFor(user('cc_admin', 1, [], ['cdr'])).tenantId).toBe(1);
		expect(scopeFor(user('cc_admin', 1, [], ['interactions'])).tenantId).toBe(1);
	});

	it('a wall display sees its token’s tenant and queues, and is refused another tenant', () => {
		expect(scopeFor(wall(2, 'all'))).toEqual({ tenantId: 2, queues: 'all' });
		expect(scopeFor(wall(2, [1, 3]), 2)).toEqual({ tenantId: 2, queues: queues(1, 3) });
		expect(scopeErrorOf(() => scopeFor(wall(2, 'all'), 1)).refusal).toBe(true);
	});

	it('returns a scope that does not alias the viewer’s queue list', () => {
		const ids = [1, 2];
		const scope = scopeFor(user('cc_supervisor', 1, ids));
		ids.push(3);
		expect(scope.queues).toEqual(queues(1, 2));
	});
});

describe('narrowScope', () => {
	const supervisor: Scope = { tenantId: 1, queues: queues(1, 2, 3) };
	const admin: Scope = { tenantId: 1, queues: 'all' };

	it('keeps the scope when no queues are asked for', () => {
		expect(narrowScope(supervisor, undefined)).toBe(supervisor);
		expect(narrowScope(supervisor, [])).toBe(supervisor);
		expect(narrowScope(admin, undefined)).toBe(admin);
	});

	it('narrows to a subset', () => {
		expect(narrowScope(supervisor, [2])).toEqual({ tenantId: 1, queues: queues(2) });
		expect(narrowScope(supervisor, [1, 3])).toEqual({ tenantId: 1, queues: queues(1, 3) });
		expect(narrowScope(admin, [7, 8])).toEqual({ tenantId: 1, queues: queues(7, 8) });
	});

	it('refuses to widen, naming the queues outside', () => {
		const error = scopeErrorOf(() => narrowScope(supervisor, [2, 9, 10]));
		expect(error.refusal).toBe(true);
		expect(error.message).toContain('9, 10');
		expect(scopeErrorOf(() => narrowScope({ tenantId: 1, queues: queues() }, [1])).refusal).toBe(
			true
		);
	});
});

describe('projectChange', () => {
	const supervisor: Scope = { tenantId: 1, queues: queues(1) };
	const admin: Scope = { tenantId: 1, queues: 'all' };

	function change(
		queueIds: (number | null)[],
		row: { queueId: number | null; tenantId?: number } | null,
		tenantId = row?.tenantId ?? 1
	): InteractionChange {
		return {
			seq: 9,
			id: '42',
			tenantId,
			queueIds,
			row: row ? interaction({ id: '42', tenantId, queueId: row.queueId }) : null
		};
	}

	it('passes a change of a row in the supervisor’s queue as is', () => {
		const moved = change([2, 1], { queueId: 1 });
		expect(projectChange(moved, supervisor)).toBe(moved);
	});

	it('turns a row that moved out of the supervisor’s queue into a removal', () => {
		const moved = change([1, 2], { queueId: 2 });
		expect(projectChange(moved, supervisor)).toEqual({
			seq: 9,
			id: '42',
			tenantId: 1,
			queueIds: [1, 2],
			row: null
		});
		expect(projectChange(change([1, null], { queueId: null }), supervisor)?.row).toBeNull();
	});

	it('hides a change that never touched the supervisor’s queues', () => {
		expect(projectChange(change([2, 3], { queueId: 3 }), supervisor)).toBeNull();
		expect(projectChange(change([2], null), supervisor)).toBeNull();
		expect(projectChange(change([null], { queueId: null }), supervisor)).toBeNull();
	});

	it('passes a removal from the supervisor’s queue, removedFrom included', () => {
		const removed: InteractionChange = { ...change([1], null), removedFrom: 'active' };
		expect(projectChange(removed, supervisor)).toBe(removed);
	});

	it('hides every change of another tenant', () => {
		for (const scope of [supervisor, admin]) {
			expect(projectChange(change([1], { queueId: 1, tenantId: 2 }), scope)).toBeNull();
			expect(projectChange(change([1], null, 2), scope)).toBeNull();
		}
	});

	it('gives admins everything of their tenant, unqueued rows and removals included', () => {
		for (const c of [
			change([1, 2], { queueId: 2 }),
			change([null], { queueId: null }),
			change([5], null),
			change([], null)
		]) {
			expect(projectChange(c, admin)).toBe(c);
		}
	});
});

describe('scopeSql', () => {
	const placeholders = (sql: string) => sql.split('?').length - 1;

	it('a whole tenant: one tenant predicate, one param', () => {
		const params: unknown[] = ['before'];
		const sql = scopeSql({ tenantId: 4, queues: 'all' }, 'c', params);
		expect(sql).toBe('c.tenant_id = ?');
		expect(params).toEqual(['before', 4]);
	});

	it('some queues: tenant and queue list', () => {
		const params: unknown[] = [];
		const sql = scopeSql({ tenantId: 4, queues: queues(2, 7) }, 'ai', params);
		expect(sql).toBe('ai.tenant_id = ? AND ai.queue_id IN (?)');
		expect(params).toEqual([4, [2, 7]]);
		expect(placeholders(sql)).toBe(params.length);
	});

	it('no queues: matches nothing', () => {
		const sql = scopeSql({ tenantId: 4, queues: queues() }, 'c', []);
		expect(sql).toBe('1 = 0');
	});

	// Bug: for an empty queue set scopeSql pushes the tenant id before returning '1 = 0', which
	// has no placeholder, so every later `?` in the caller's query binds the wrong value.
	it('no queues: appends as many params as the predicate has placeholders', () => {
		const params: unknown[] = [];
		const sql = scopeSql({ tenantId: 4, queues: queues() }, 'c', params);
		expect(params.length).toBe(placeholders(sql));
	});
});

describe('wallClientName', () => {
	it('shows a wall the CRM name, never the caller’s number', () => {
		const known = interaction({ crmContactId: '7', clientName: 'Ada Lovelace' });
		expect(wallClientName(known)).toBe('Ada Lovelace');
		expect(wallRow(known).clientName).toBe('Ada Lovelace');
		// The grid falls back to the number (then the DID) when the CRM has no name.
		const unknown = interaction({
			clientName: '+1 (555) 010-0142',
			phoneNumber: '+1 (555) 010-0142'
		});
		expect(wallClientName(unknown)).toBe('Caller ··42');
		expect(wallRow(unknown).clientName).toBe('Caller ··42');
		// A contact whose CRM entry is missing, or named after the number, is no name either.
		const unnamed = interaction({ crmContactId: '8', clientName: '+15550100', phoneNumber: '+15550100' }); // prettier-ignore
		expect(wallClientName(unnamed)).toBe('Caller ··00');
		const viaDid = interaction({ crmContactId: '9', clientName: '+15550999', phoneNumber: null, did: '+15550999' }); // prettier-ignore
		expect(wallClientName(viaDid)).toBeNull();
		expect(wallClientName(interaction({ clientName: null, phoneNumber: null }))).toBeNull();
		expect(wallClientName(interaction({ clientName: '12', phoneNumber: '12' }))).toBeNull();
	});
});
