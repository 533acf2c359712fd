import { error, redirect } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { getApp } from '$lib/server/app';
import { WALL_COOKIE } from '$lib/server/auth';
import { canSeeQueue } from '$lib/server/scope';
import { requestScope, tenantChoices } from '$lib/server/viewer';
import type { PageServerLoad } from './$types';

/** Cookie lifetime for a wall token: the token itself never idles out, only revocation ends it. */
const TEN_YEARS = 10 * 365 * 24 * 3600;

export const load: PageServerLoad = async ({ locals, url, cookies }) => {
	const app = await getApp();
	const token = url.searchParams.get('token');
	if (token) {
		// Exchange the token in the address for an HttpOnly cookie, so it leaves the URL bar.
		if (!(await app.auth.wallTokens.resolve(token))) error(404, 'This display link is not valid');
		cookies.set(WALL_COOKIE, token, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: !dev && url.protocol === 'https:',
			maxAge: TEN_YEARS
		});
		redirect(303, '/wall');
	}
	const viewer = locals.viewer;
	if (!viewer) redirect(303, '/login?next=/wall');
	const tenants = viewer.kind === 'user' ? tenantChoices(app, viewer) : [];
	let tenantParam = url.searchParams.get('tenant');
	if (viewer.kind === 'user' && viewer.role === 'platform_admin' && !tenantParam) {
		tenantParam = tenants[0] ? String(tenants[0].id) : null;
	}
	const { scope, tenant } = requestScope(app, viewer, tenantParam, url.pathname);
	const queues = [...app.live.lookups.queues.values()]
		.filter((q) => q.tenantId === scope.tenantId && canSeeQueue(scope, q.id))
		.sort((a, b) => a.name.localeCompare(b.name))
		.map(({ id, name }) => ({ id, name }));
	return { tenant, queues, byToken: viewer.kind === 'wall' };
};
