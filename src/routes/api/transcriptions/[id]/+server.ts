import { json } from '@sveltejs/kit';
import {
	findTranscription,
	interactionId,
	NOT_AN_INTERACTION_ID
} from '$lib/server/recordings/lookup';
import { requestScopeOrResponse } from '$lib/server/scope/http';
import type { RequestHandler } from './$types';

/** The transcription of a voice interaction, when the viewer's scope lets the interaction through. */

/** Transcripts are personal data: no browser or proxy may keep a copy. */
const NO_STORE = { 'cache-control': 'private, no-store' };

export const GET: RequestHandler = async (event) => {
	const { locals, params, url } = event;
	// A refusal keeps no-store too: a 404 is cacheable by default.
	const scoped = requestScopeOrResponse(locals, locals.viewer, url, NO_STORE);
	if (scoped instanceof Response) return scoped;
	const { scope } = scoped;
	const id = interactionId(params.id);
	if (id === null)
		return json({ message: NOT_AN_INTERACTION_ID }, { status: 400, headers: NO_STORE });
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
