import { error, redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { canSeeQueue } from '$lib/server/scope';
import { requestScope, tenantChoices } from '$lib/server/viewer';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const app = await getApp();
	const viewer = locals.viewer;
	if (!viewer || viewer.kind !== 'user') error(404, 'Not found');
	const tenants = tenantChoices(app, viewer);
	let tenantParam = url.searchParams.get('tenant');
	if (viewer.role === 'platform_admin' && !tenantParam) {
		if (tenants.length === 0) error(404, 'No tenants yet');
		tenantParam = String(tenants[0].id);
		url.searchParams.set('tenant', tenantParam);
		redirect(303, url.pathname + url.search);
	}
	const { scope, tenant } = requestScope(app, viewer, tenantParam, url.pathname);
	const queues = [...app.live.lookups.queues.values()]
		.filter((q) => q.tenantId === scope.tenantId && canSeeQueue(scope, q.id))
		.sort((a, b) => a.name.localeCompare(b.name))
		.map(({ id, name }) => ({ id, name }));
	return {
		tenant,
		tenants: viewer.role === 'platform_admin' ? tenants : [],
		queues
	};
};
