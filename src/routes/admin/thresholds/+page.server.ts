import { error, fail } from '@sveltejs/kit';
import { idField, parseFields } from '$lib/params';
import { formDataOr400 } from '$lib/server/http/form';
import type { Lookups } from '$lib/server/lookups';
import { managedTenant, manageableTenants, visibleQueues } from '$lib/server/scope';
import { requireManager, tenantParam } from '$lib/server/scope/http';
import { QueueThresholdStore } from '$lib/server/thresholds';
import { DEFAULT_THRESHOLDS, parseThresholds, THRESHOLD_FIELDS } from '$lib/queues/thresholds';
import type { Actions, PageServerLoad } from './$types';

/**
 * Wall thresholds per queue. Platform admins pick any tenant; a Contact Center Admin works on
 * its own tenant only, whatever the form says. Everyone else gets 404, like a missing page.
 */

function queuesOf(lookups: Lookups, tenantId: number) {
	return visibleQueues({ tenantId, queues: 'all' }, lookups);
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const { lookups, dashboardPool } = locals;
	const manager = requireManager(locals.viewer);
	const tenantId = managedTenant(manager, lookups, tenantParam(url))?.id;
	if (tenantId === undefined) error(404, 'Not found');
	const queues = queuesOf(lookups, tenantId);
	const stored = await new QueueThresholdStore(dashboardPool).list(
		tenantId,
		queues.map((q) => q.id)
	);
	return {
		tenants: manager.role === 'platform_admin' ? manageableTenants(manager, lookups) : [],
		tenantId,
		defaults: DEFAULT_THRESHOLDS,
		queues: queues.map((q, i) => ({ id: q.id, name: q.name, ...stored[i] }))
	};
};

const TARGET_FIELDS = { tenantId: idField('Choose a tenant'), queueId: idField('Choose a queue') };

/** The queue a form names, if it belongs to a tenant the manager may manage. */
async function target(request: Request, locals: App.Locals) {
	const manager = requireManager(locals.viewer);
	const form = await formDataOr400(request);
	const { values, errors } = parseFields(form, TARGET_FIELDS);
	// A tenant or queue that is not exactly an id (` 1`, `1.0`) is no tenant or queue at all.
	const valid = !errors.tenantId && !errors.queueId;
	const tenantId = valid
		? managedTenant(manager, locals.lookups, values.tenantId ?? 0)?.id
		: undefined;
	const queueId = values.queueId ?? 0;
	const allowed =
		tenantId !== undefined && locals.lookups.queues.get(queueId)?.tenantId === tenantId;
	return { manager, form, tenantId: tenantId ?? 0, queueId, allowed };
}

export const actions: Actions = {
	save: async ({ request, locals }) => {
		const { manager, form, tenantId, queueId, allowed } = await target(request, locals);
		const values = Object.fromEntries(THRESHOLD_FIELDS.map((f) => [f, String(form.get(f) ?? '')]));
		if (!allowed) {
			return fail(400, { queueId, values, errors: { form: 'Choose a queue of your tenant' } });
		}
		const parsed = parseThresholds(values);
		if (!parsed.ok) return fail(400, { queueId, values, errors: parsed.errors });
		await new QueueThresholdStore(locals.dashboardPool).save(
			tenantId,
			queueId,
			parsed.value,
			manager.userId
		);
		await locals.audit.record({
			action: 'queue_thresholds_saved',
			viewer: manager,
			tenantId,
			subject: `queue:${queueId}`
		});
		return { saved: queueId };
	},

	reset: async ({ request, locals }) => {
		const { manager, tenantId, queueId, allowed } = await target(request, locals);
		if (!allowed) {
			return fail(400, { queueId, errors: { form: 'Choose a queue of your tenant' } });
		}
		await new QueueThresholdStore(locals.dashboardPool).reset(tenantId, queueId);
		await locals.audit.record({
			action: 'queue_thresholds_reset',
			viewer: manager,
			tenantId,
			subject: `queue:${queueId}`
		});
		return { reset: queueId };
	}
};
