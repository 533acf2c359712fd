import { tenantParam } from '$lib/server/scope/http';
import { channelActions, channelsTenant, loadChannels } from '../channels.server';
import type { Actions, PageServerLoad } from './$types';

/** Webhooks and email for alerts, per tenant (issue 23); see ../channels.server.ts. */

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId, tenants } = channelsTenant(locals, tenantParam(url));
	return { tenants, channels: await loadChannels(locals, tenantId) };
};

export const actions: Actions = channelActions;
