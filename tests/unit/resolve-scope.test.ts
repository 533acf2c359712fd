import { describe, expect, it } from 'vitest';
import { Lookups } from '$lib/server/lookups';
import {
	defaultTenant,
	managedTenant,
	resolveScope,
	ScopeError,
	visibleQueues,
	type Manager,
	type Viewer
} from '$lib/server/scope';

function directory(): Lookups {
	const lookups = new Lookups();
	lookups.applyChange('tenants', { id: 1, name: 'Acme', timezone: 'UTC' });
	lookups.applyChange('tenants', { id: 2, name: 'Coral', timezone: 'UTC' });
	lookups.applyChange('queues', { id: 10, tenant_id: 1, name: 'Sales' });
	lookups.applyChange('queues', { id: 11, tenant_id: 1, name: 'Support' });
	lookups.applyChange('queues', { id: 20, tenant_id: 2, name: 'Billing' });
	return lookups;
}

const base = {
	kind: 'user' as const,
	userId: 1,
	sessionId: 's',
	sessionExpiresAt: Number.MAX_SAFE_INTEGER,
	username: 'u',
	displayName: 'U',
	permissions: ['interactions' as const]
};
const platform: Manager = { ...base, role: 'platform_admin', tenantId: null, queueIds: [] };
const admin: Manager = { ...base, role: 'cc_admin', tenantId: 1, queueIds: [] };
const supervisor: Viewer = { ...base, role: 'cc_supervisor', tenantId: 1, queueIds: [10] };

function refusal(run: () => unknown): ScopeError {
	try {
		run();
	} catch (error) {
		if (error instanceof ScopeError) return error;
		throw error;
	}
	throw new Error('expected a ScopeError');
}

describe('resolveScope', () => {
	it('binds a supervisor to its tenant and queues, with the tenant it is about', () => {
		const { scope, tenant } = resolveScope(supervisor, directory());
		expect(tenant.name).toBe('Acme');
		expect(visibleQueues(scope, directory()).map((q) => q.id)).toEqual([10]);
	});

	it('refuses, never trims, a queue outside the scope: assigned elsewhere, other tenant, or missing', () => {
		for (const queueIds of [[11], [20], [999], [10, 11]]) {
			const error = refusal(() => resolveScope(supervisor, directory(), { queueIds }));
			expect(error.refusal).toBe(true);
		}
		// The message is the same whether the queue exists or not: a refusal reveals nothing.
		expect(refusal(() => resolveScope(admin, directory(), { queueIds: [20] })).message).toBe(
			refusal(() => resolveScope(admin, directory(), { queueIds: [999] })).message.replace(
				'999',
				'20'
			)
		);
	});

	it('narrows an admin to the queues asked for', () => {
		const { scope } = resolveScope(admin, directory(), { queueIds: [11] });
		expect(visibleQueues(scope, directory()).map((q) => q.id)).toEqual([11]);
	});

	it('answers an unknown tenant without calling it a refusal, and refuses another tenant', () => {
		const unknown = refusal(() => resolveScope(platform, directory(), { tenantId: 9 }));
		expect(unknown.refusal).toBe(false);
		expect(refusal(() => resolveScope(admin, directory(), { tenantId: 2 })).refusal).toBe(true);
		expect(refusal(() => resolveScope(admin, directory(), { tenantId: 9 })).refusal).toBe(true);
	});
});

describe('default and managed tenants', () => {
	it('a platform admin defaults to the first tenant by name; others to their own', () => {
		expect(defaultTenant(platform, directory())?.id).toBe(1);
		expect(defaultTenant(supervisor, directory())?.id).toBe(1);
	});

	it('a CC admin manages its own tenant whatever it asks for', () => {
		expect(managedTenant(admin, directory(), 2)?.id).toBe(1);
		expect(managedTenant(platform, directory(), 2)?.id).toBe(2);
		expect(managedTenant(platform, directory(), 9)).toBeNull();
		expect(managedTenant(platform, directory())?.id).toBe(1);
	});

	it("opens on the session's last pick, only among the tenants the account may open now", () => {
		expect(defaultTenant({ ...platform, chosenTenantId: 2 }, directory())?.id).toBe(2);
		expect(managedTenant({ ...platform, chosenTenantId: 2 }, directory())?.id).toBe(2);
		// A pick that no longer exists, or (a platform admin demoted) is another tenant's.
		expect(defaultTenant({ ...platform, chosenTenantId: 9 }, directory())?.id).toBe(1);
		expect(defaultTenant({ ...admin, chosenTenantId: 2 }, directory())?.id).toBe(1);
		expect(defaultTenant({ ...supervisor, chosenTenantId: 2 }, directory())?.id).toBe(1);
		expect(managedTenant({ ...admin, chosenTenantId: 2 }, directory())?.id).toBe(1);
	});
});
