import { error, json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { CursorError, decodeCursor } from '$lib/server/history/cursor';
import { personHistoryPage, type PersonKey } from '$lib/server/history/person';
import { requestScope } from '$lib/server/viewer';
import type { RequestHandler } from './$types';

/**
 * A client's or an agent's history: `?contact=<crm id>`, `?phone=<number>` or `?agent=<id>`,
 * plus `cursor` and `limit` (see docs/API.md).
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	const app = await getApp();
	const { scope } = requestScope(app, locals.viewer, url.searchParams.get('tenant'), url.pathname);
	const params = url.searchParams;
	let key: PersonKey;
	const contact = params.get('contact');
	const phone = params.get('phone');
	const agent = params.get('agent');
	if (contact && /^\d{1,20}$/.test(contact)) key = { kind: 'contact', contactId: contact };
	else if (phone && phone.length <= 32) key = { kind: 'phone', phone };
	else if (agent && /^\d{1,10}$/.test(agent)) key = { kind: 'agent', agentId: Number(agent) };
	else
		error(400, {
			message: 'Give one of contact (CRM id), phone (up to 32 characters) or agent (id)'
		});
	// An agent of another tenant reads exactly like an agent that does not exist.
	if (
		key.kind === 'agent' &&
		app.live.lookups.agents.get(key.agentId)?.tenantId !== scope.tenantId
	) {
		error(404, 'Not found');
	}
	let cursor;
	try {
		cursor = decodeCursor(params.get('cursor'));
	} catch (e) {
		if (e instanceof CursorError) error(400, { message: e.message, errors: { cursor: e.message } });
		throw e;
	}
	const limitText = params.get('limit') ?? '50';
	if (!/^\d{1,3}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 200) {
		error(400, { message: 'limit must be between 1 and 200' });
	}
	return json(await personHistoryPage(app.history, scope, key, cursor, Number(limitText)));
};
