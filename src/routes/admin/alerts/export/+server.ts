import { error } from '@sveltejs/kit';
import { exportFileName } from '$lib/server/export';
import { alertHistory, alertsCsv, parseHistoryFilter } from '$lib/server/alerts/history';
import { managedTenant } from '$lib/server/scope';
import { requireManager, tenantParam } from '$lib/server/scope/http';
import type { RequestHandler } from './$types';

/** The most alerts one export holds: 90 days of a tenant that alerts a great deal. */
const MAX_ROWS = 100_000;

/** The alerts of the page's filter as CSV, times in the tenant's zone. Managers only. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const manager = requireManager(locals.viewer);
	const tenant = managedTenant(manager, locals.lookups, tenantParam(url));
	if (!tenant) error(404, 'Not found');
	const { filter, errors } = parseHistoryFilter(url.searchParams);
	const problem = Object.values(errors)[0];
	if (problem) error(400, problem);
	const now = Date.now();
	const alerts = await alertHistory(locals.dashboardPool, tenant.id, filter, now, MAX_ROWS);
	const queueName = (id: number) => locals.lookups.queues.get(id)?.name ?? `Queue ${id}`;
	await locals.audit.record({
		action: 'export',
		viewer: locals.viewer,
		tenantId: tenant.id,
		subject: 'alerts',
		detail: `${alerts.length} alerts, last ${filter.days} days`
	});
	const day = new Date(now).toISOString().slice(0, 10);
	const name = exportFileName(tenant, `alerts-${filter.days}d`, day).replace(/^interactions_/, 'alerts_'); // prettier-ignore
	return new Response(alertsCsv(alerts, tenant.timezone, queueName), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'no-store'
		}
	});
};
