import { fail, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import type { ChannelsView } from '$lib/alert-channels';
import { idField, parseFields } from '$lib/params';
import type { AuditAction } from '$lib/server/audit';
import { formDataOr400 } from '$lib/server/http/form';
import { managedTenant } from '$lib/server/scope';
import { requireManager } from '$lib/server/scope/http';

/**
 * The "Webhooks and email" part of /admin/alerts (issue 23): what its component shows, and the
 * form actions that change a tenant's webhooks and alert email addresses. A Contact Center Admin
 * changes its own tenant's only, whatever the form says; a platform admin picks the tenant.
 * Every change is audited. +page.server.ts loads it and spreads these actions into its own.
 */

export async function loadChannels(locals: App.Locals, tenantId: number): Promise<ChannelsView> {
	const { settings, emailEnabled } = locals.alertChannels;
	const [webhooks, recipients, deliveries] = await Promise.all([
		settings.webhooks(tenantId),
		settings.recipients(tenantId),
		settings.deliveryLog(tenantId, 100)
	]);
	const timezone = locals.lookups.tenants.get(tenantId)?.timezone ?? 'UTC';
	return { tenantId, timezone, webhooks, recipients, deliveries, emailEnabled };
}

const FIELDS = {
	tenantId: idField('Choose a tenant'),
	webhookId: idField('Choose a webhook'),
	url: v.pipe(v.string(), v.trim(), v.nonEmpty('Type the webhook URL')),
	address: v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(254, 'An email address has at most 254 characters'),
		v.email('Type an email address like name@example.com')
	),
	enabled: v.picklist(['true', 'false'], 'enabled must be true or false')
};

/** The form, the manager, and the tenant it may act on (or a 400 that says what is wrong). */
async function formOf({ request, locals }: RequestEvent) {
	const manager = requireManager(locals.viewer);
	const { values, errors } = parseFields(await formDataOr400(request), FIELDS);
	const tenantId = errors.tenantId
		? undefined
		: managedTenant(manager, locals.lookups, values.tenantId)?.id;
	return { manager, values, errors, tenantId };
}

type Form = Awaited<ReturnType<typeof formOf>>;

function audit(locals: App.Locals, form: Form, action: AuditAction, subject: string) {
	return locals.audit.record({ action, viewer: form.manager, tenantId: form.tenantId, subject });
}

const NO_TENANT = { channels: true, errors: { form: 'Choose a tenant you manage' } };

export const channelActions = {
	addWebhook: async (event: RequestEvent) => {
		const form = await formOf(event);
		if (form.tenantId === undefined) return fail(400, NO_TENANT);
		const url = form.values.url;
		if (!url || form.errors.url) {
			return fail(400, {
				channels: true,
				errors: { url: form.errors.url ?? 'Type the webhook URL' }
			});
		}
		const added = await event.locals.alertChannels.settings.addWebhook(
			form.tenantId,
			url,
			form.manager.userId
		);
		if (!added.ok)
			return fail(400, { channels: true, url, errors: { [added.field]: added.error } });
		await audit(event.locals, form, 'alert_webhook_added', `webhook:${added.id}`);
		// Shown once: the admin copies it into the receiver now.
		return { channels: true, addedWebhook: { id: added.id, url, secret: added.secret } };
	},

	setWebhookEnabled: async (event: RequestEvent) => {
		const form = await formOf(event);
		const { webhookId, enabled } = form.values;
		if (form.tenantId === undefined || !webhookId || !enabled) {
			return fail(400, { channels: true, errors: { form: 'Choose a webhook of your tenant' } });
		}
		const on = enabled === 'true';
		if (
			!(await event.locals.alertChannels.settings.setWebhookEnabled(form.tenantId, webhookId, on))
		) {
			return fail(400, { channels: true, errors: { form: 'Choose a webhook of your tenant' } });
		}
		await audit(
			event.locals,
			form,
			on ? 'alert_webhook_enabled' : 'alert_webhook_disabled',
			`webhook:${webhookId}`
		);
		return { channels: true, changed: 'webhook' };
	},

	deleteWebhook: async (event: RequestEvent) => {
		const form = await formOf(event);
		const { webhookId } = form.values;
		if (form.tenantId === undefined || !webhookId) {
			return fail(400, { channels: true, errors: { form: 'Choose a webhook of your tenant' } });
		}
		if (!(await event.locals.alertChannels.settings.deleteWebhook(form.tenantId, webhookId))) {
			return fail(400, { channels: true, errors: { form: 'Choose a webhook of your tenant' } });
		}
		await audit(event.locals, form, 'alert_webhook_deleted', `webhook:${webhookId}`);
		return { channels: true, changed: 'webhook' };
	},

	addRecipient: async (event: RequestEvent) => {
		const form = await formOf(event);
		if (form.tenantId === undefined) return fail(400, NO_TENANT);
		const address = form.values.address;
		if (!address || form.errors.address) {
			return fail(400, {
				channels: true,
				errors: { address: form.errors.address ?? 'Type an email address' }
			});
		}
		const added = await event.locals.alertChannels.settings.addRecipient(
			form.tenantId,
			address,
			form.manager.userId
		);
		if (!added.ok) return fail(400, { channels: true, errors: { [added.field]: added.error } });
		await audit(event.locals, form, 'alert_recipient_added', `email:${address}`);
		return { channels: true, changed: 'recipient' };
	},

	removeRecipient: async (event: RequestEvent) => {
		const form = await formOf(event);
		const { address } = form.values;
		if (form.tenantId === undefined || !address) {
			return fail(400, { channels: true, errors: { form: 'Choose an address of your tenant' } });
		}
		if (!(await event.locals.alertChannels.settings.removeRecipient(form.tenantId, address))) {
			return fail(400, { channels: true, errors: { form: 'Choose an address of your tenant' } });
		}
		await audit(event.locals, form, 'alert_recipient_removed', `email:${address}`);
		return { channels: true, changed: 'recipient' };
	}
};
