import { json, type RequestEvent } from '@sveltejs/kit';
import type { AuditAction } from '../audit';
import { withinTimeLimit } from '../db';
import { requestScopeOrResponse, type ScopeDeps } from '../scope/http';
import type { Scope, Viewer } from '../scope';
import { interactionId, NOT_AN_INTERACTION_ID } from './lookup';

/** Recordings, transcriptions and conversations are personal data: no browser or proxy may keep a copy. */
export const NO_STORE = { 'cache-control': 'private, no-store' };

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

/** How one kind of an interaction's text (its transcription, its conversation) is read. */
export interface TextReading<T extends object> {
	/** The text, when the interaction is in `scope` and has one. */
	find: (scope: Scope, id: string) => Promise<T | null>;
	/** The 404's message: the same for "none" and "not yours", so a probe learns nothing. */
	missing: string;
	action: Extract<AuditAction, 'transcription_viewed' | 'conversation_viewed'>;
}

/**
 * The answer to a request for an interaction's text: refused as `interactionRequest` refuses,
 * 404 when there is none in the viewer's scope, 503 on database trouble (a lock wait, no
 * connection left, the server gone) rather than a 500, and every text read in the audit log.
 */
export async function interactionTextResponse<T extends object>(
	event: RequestEvent<{ id: string }>,
	reading: TextReading<T>
): Promise<Response> {
	const { locals, params, url } = event;
	const asked = interactionRequest(locals, locals.viewer, url, params.id, NO_STORE);
	if (asked instanceof Response) return asked;
	const { scope, id } = asked;
	const text = await withinTimeLimit(() => reading.find(scope, id));
	if (!text) return json({ message: reading.missing }, { status: 404, headers: NO_STORE });
	await locals.audit.record({
		action: reading.action,
		viewer: locals.viewer,
		tenantId: scope.tenantId,
		subject: `interaction:${id}`,
		ip: event.getClientAddress()
	});
	return json({ id, ...text }, { headers: NO_STORE });
}
