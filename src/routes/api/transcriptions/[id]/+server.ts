import { json } from '@sveltejs/kit';
import { findTranscription } from '$lib/server/recordings/lookup';
import { interactionRequest } from '$lib/server/recordings/request';
import type { RequestHandler } from './$types';

/** The transcription of a voice interaction, when the viewer's scope lets the interaction through. */

/** Transcripts are personal data: no browser or proxy may keep a copy. */
const NO_STORE = { 'cache-control': 'private, no-store' };

export const GET: RequestHandler = async (event) => {
	const { locals, params, url } = event;
	const asked = interactionRequest(locals, locals.viewer, url, params.id, NO_STORE);
	if (asked instanceof Response) return asked;
	const { scope, id } = asked;
	const transcription = await findTranscription(locals, scope, id);
	if (!transcription) {
		return json({ message: 'Transcription unavailable' }, { status: 404, headers: NO_STORE });
	}
	await locals.audit.record({
		action: 'transcription_viewed',
		viewer: locals.viewer,
		tenantId: scope.tenantId,
		subject: `interaction:${id}`,
		ip: event.getClientAddress()
	});
	return json({ id, ...transcription }, { headers: NO_STORE });
};
