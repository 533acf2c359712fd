import { findConversation } from '$lib/server/history/conversation';
import { interactionTextResponse } from '$lib/server/recordings/request';
import type { RequestHandler } from './$types';

/**
 * The whole message text of a chat, SMS or WhatsApp interaction, in the transcription's shape
 * (turns as segments without times, `language` null) so one view reads both. Scope-checked
 * like a transcription.
 */
export const GET: RequestHandler = (event) =>
	interactionTextResponse(event, {
		find: async (scope, id) => {
			const conversation = await findConversation(event.locals.history, scope, id);
			return conversation && { language: null, ...conversation };
		},
		missing: 'Conversation unavailable',
		action: 'conversation_viewed'
	});
