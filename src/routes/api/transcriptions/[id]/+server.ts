import { findTranscription } from '$lib/server/recordings/lookup';
import { interactionTextResponse } from '$lib/server/recordings/request';
import type { RequestHandler } from './$types';

/** The transcription of a voice interaction, when the viewer's scope lets the interaction through. */
export const GET: RequestHandler = (event) =>
	interactionTextResponse(event, {
		find: (scope, id) => findTranscription(event.locals, scope, id),
		missing: 'Transcription unavailable',
		action: 'transcription_viewed'
	});
