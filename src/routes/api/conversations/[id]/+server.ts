import { json } from '@sveltejs/kit';
import { findConversation } from '$lib/server/history/conversation';
import { withinTimeLimit } from '$lib/server/history/request';
import { interactionRequest } from '$lib/server/recordings/request';
import type { RequestHandler } from './$types';

/**
 * The whole message text of a chat, SMS or WhatsApp interaction, in the transcription's shape
 * (turns as segments without times) so one view reads both. Scope-checked like a transcription.
 */

/** Conversations are personal data: no browser or proxy may keep a copy. */
const NO_STORE = { 'cache-control': 'private, no-store' };

export const GET: RequestHandler = async (event) => {
	const { locals, params, url } = event;
	const asked = interactionRequest(locals, locals.viewer, url, params.id, NO_STORE);
	if (asked instanceof Response) return asked;
	const { scope, id } = asked;
	// Database trouble (a lock wait, no connection left, …) is a 503 with a message.
	const conversation = await withinTimeLimit(() => findConversation(locals.history, scope, id));
	if (!conversation) {
		return json({ message: 'Conversation unavailable' }, { status: 404, headers: NO_STORE });
	}
	await locals.audit.record({
		action: 'conversation_viewed',
		viewer: locals.viewer,
		tenantId: scope.tenantId,
		subject: `interaction:${id}`,
		ip: event.getClientAddress()
	});
	return json({ id, language: null, ...conversation }, { headers: NO_STORE });
};
