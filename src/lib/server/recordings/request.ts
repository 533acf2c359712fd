import { json } from '@sveltejs/kit';
import { requestScopeOrResponse, type ScopeDeps } from '../scope/http';
import type { Scope, Viewer } from '../scope';
import { interactionId, NOT_AN_INTERACTION_ID } from './lookup';

/**
 * What a recording or transcription request asks for: the viewer's scope and the interaction
 * id, or the answer that refuses it (the scope's 401/404, or 400 for an id that is not one),
 * with `headers` on it. A refusal keeps the caller's no-store: a 404 is cacheable by default.
 */
export function interactionRequest(
	deps: ScopeDeps,
	viewer: Viewer | null,
	url: URL,
	rawId: string,
	headers: Record<string, string>
): { scope: Scope; id: string } | Response {
	const scoped = requestScopeOrResponse(deps, viewer, url, headers);
	if (scoped instanceof Response) return scoped;
	const id = interactionId(rawId);
	if (id === null) return json({ message: NOT_AN_INTERACTION_ID }, { status: 400, headers });
	return { scope: scoped.scope, id };
}
