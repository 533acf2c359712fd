import { error, fail } from '@sveltejs/kit';
import { rulesFromThresholds, sameKind } from '$lib/alerts/defaults';
import { parseRule, type AlertRuleInput } from '$lib/alerts/rules';
import { idField, parseFields } from '$lib/params';
import { alertHistory, parseHistoryFilter } from '$lib/server/alerts/history';
import { formDataOr400 } from '$lib/server/http/form';
import { managedTenant, manageableTenants, visibleQueues } from '$lib/server/scope';
import { requireManager, tenantParam } from '$lib/server/scope/http';
import { QueueThresholdStore } from '$lib/server/thresholds';
import { channelActions, loadChannels } from './channels.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * Alert rules and the alerts of the last 90 days, per tenant. Platform admins pick any tenant; a
 * Contact Center Admin works on its own only, whatever the form says. Everyone else gets 404.
 */

/** Rows of history shown on the page; the CSV export has them all. */
const HISTORY_ROWS = 500;

export const load: PageServerLoad = async ({ locals, url }) => {
	const { lookups, dashboardPool, alerts } = locals;
	const manager = requireManager(locals.viewer);
	const tenant = managedTenant(manager, lookups, tenantParam(url));
	if (!tenant) error(404, 'Not found');
	const queues = visibleQueues({ tenantId: tenant.id, queues: 'all' }, lookups);
	const { filter, errors } = parseHistoryFilter(url.searchParams);
	const [rules, history, proposed, channels] = await Promise.all([
		alerts.rules.forTenant(tenant.id),
		alertHistory(dashboardPool, tenant.id, filter, Date.now(), HISTORY_ROWS),
		defaultRules(locals, tenant.id),
		loadChannels(locals, tenant.id)
	]);
	return {
		tenants: manager.role === 'platform_admin' ? manageableTenants(manager, lookups) : [],
		tenant,
		queues: queues.map((q) => ({ id: q.id, name: q.name })),
		rules,
		proposed: proposed.filter((p) => !rules.some((rule) => sameKind(rule, p))),
		history,
		historyLimit: HISTORY_ROWS,
		filter,
		filterErrors: errors,
		channels
	};
};

/** The rules the queue thresholds imply, for every queue of the tenant. */
async function defaultRules(locals: App.Locals, tenantId: number): Promise<AlertRuleInput[]> {
	const queues = visibleQueues({ tenantId, queues: 'all' }, locals.lookups);
	const stored = await new QueueThresholdStore(locals.dashboardPool).list(
		tenantId,
		queues.map((q) => q.id)
	);
	return stored.flatMap(({ queueId, thresholds }) => rulesFromThresholds(queueId, thresholds));
}

const TARGET = { tenantId: idField('Choose a tenant'), id: idField('Choose a rule') };

/** The tenant a form names, if the manager may manage it, and the rule id it names, if any. */
async function target(request: Request, locals: App.Locals) {
	const manager = requireManager(locals.viewer);
	const form = await formDataOr400(request);
	const { values, errors } = parseFields(form, TARGET);
	const tenantId = errors.tenantId
		? undefined
		: managedTenant(manager, locals.lookups, values.tenantId ?? 0)?.id;
	return { manager, form, tenantId, ruleId: errors.id ? undefined : values.id };
}

/** The rule of a form, its queue one of the tenant's; or the 400 with a message per field. */
function ruleOf(form: FormData, tenantId: number, locals: App.Locals) {
	const input: Record<string, unknown> = Object.fromEntries(form);
	input.channels = form.getAll('channels');
	const values = Object.fromEntries([...form].map(([k, v]) => [k, String(v)]));
	const parsed = parseRule(input);
	if (!parsed.ok) return { failure: fail(400, { values, errors: parsed.errors }) };
	const { queueId } = parsed.value;
	if (queueId !== null && locals.lookups.queues.get(queueId)?.tenantId !== tenantId) {
		return { failure: fail(400, { values, errors: { queueId: 'Choose a queue of this tenant' } }) }; // prettier-ignore
	}
	return { rule: parsed.value };
}

const NO_TENANT = { errors: { form: 'Choose a tenant you manage' } };
const NO_RULE = { errors: { form: 'No such rule in this tenant' } };

export const actions: Actions = {
	// Webhooks and email (alerts-channels): shown by Channels.svelte below the rules.
	...channelActions,
	create: async ({ request, locals }) => {
		const { manager, form, tenantId } = await target(request, locals);
		if (tenantId === undefined) return fail(400, NO_TENANT);
		const { rule, failure } = ruleOf(form, tenantId, locals);
		if (!rule) return failure;
		const id = await locals.alerts.rules.create(tenantId, rule, manager.userId);
		await audited(locals, 'alert_rule_created', tenantId, id, rule);
		return { created: id };
	},

	update: async ({ request, locals }) => {
		const { manager, form, tenantId, ruleId } = await target(request, locals);
		if (tenantId === undefined) return fail(400, NO_TENANT);
		const { rule, failure } = ruleOf(form, tenantId, locals);
		if (!rule) return failure;
		if (!ruleId || !(await locals.alerts.rules.update(tenantId, ruleId, rule, manager.userId))) {
			return fail(400, NO_RULE);
		}
		await audited(locals, 'alert_rule_updated', tenantId, ruleId, rule);
		return { updated: ruleId };
	},

	toggle: async ({ request, locals }) => {
		const { manager, form, tenantId, ruleId } = await target(request, locals);
		if (tenantId === undefined) return fail(400, NO_TENANT);
		const enabled = form.get('enabled') === 'true';
		if (
			!ruleId ||
			!(await locals.alerts.rules.setEnabled(tenantId, ruleId, enabled, manager.userId))
		) {
			return fail(400, NO_RULE);
		}
		await audited(locals, 'alert_rule_updated', tenantId, ruleId, { enabled });
		return { updated: ruleId };
	},

	delete: async ({ request, locals }) => {
		const { tenantId, ruleId } = await target(request, locals);
		if (tenantId === undefined) return fail(400, NO_TENANT);
		if (!ruleId || !(await locals.alerts.rules.remove(tenantId, ruleId))) return fail(400, NO_RULE);
		await audited(locals, 'alert_rule_deleted', tenantId, ruleId, null);
		return { deleted: ruleId };
	},

	/** Creates the rules the queue thresholds imply that the tenant does not have yet. */
	defaults: async ({ request, locals }) => {
		const { manager, tenantId } = await target(request, locals);
		if (tenantId === undefined) return fail(400, NO_TENANT);
		const existing = await locals.alerts.rules.forTenant(tenantId);
		const missing = (await defaultRules(locals, tenantId)).filter(
			(p) => !existing.some((rule) => sameKind(rule, p))
		);
		for (const rule of missing) {
			const id = await locals.alerts.rules.create(tenantId, rule, manager.userId);
			await audited(locals, 'alert_rule_created', tenantId, id, rule);
		}
		return { createdDefaults: missing.length };
	}
};

/** Audits a rule change and has this node's evaluator read the rules again now. */
async function audited(
	locals: App.Locals,
	action: 'alert_rule_created' | 'alert_rule_updated' | 'alert_rule_deleted',
	tenantId: number,
	ruleId: number,
	detail: unknown
): Promise<void> {
	await locals.audit.record({
		action,
		viewer: locals.viewer,
		tenantId,
		subject: `alert_rule:${ruleId}`,
		detail: detail === null ? null : JSON.stringify(detail)
	});
	await locals.alerts.evaluator.reload();
}
