import { randomUUID } from 'node:crypto';
import { isHttpError, isRedirect, type Handle } from '@sveltejs/kit';
import { withLogContext } from '../log';

/**
 * One log line per HTTP request, with a request id that every line logged while handling it
 * carries too (and the response's `x-request-id`, to quote in a bug report). The path is logged
 * without its query string: a wall-display link carries its token there.
 */

/** Probes and scrapes come every few seconds: at debug level, or they drown everything else. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/** An id set by the proxy in front is kept when it is short and plain; otherwise a new one. */
const FORWARDED_ID = /^[\w.:-]{1,64}$/;

export const observeRequest: Handle = async ({ event, resolve }) => {
	const forwarded = event.request.headers.get('x-request-id');
	const requestId = forwarded && FORWARDED_ID.test(forwarded) ? forwarded : randomUUID();
	const started = performance.now();
	return withLogContext({ requestId }, async () => {
		const log = event.locals.log.child('http');
		const { method } = event.request;
		const path = event.url.pathname;
		const line = QUIET_PATHS.has(path) ? log.debug : log.info;
		let response: Response;
		try {
			response = await resolve(event);
		} catch (error) {
			// Thrown by a handle (the sign-in redirect): SvelteKit makes it the response.
			const status = isRedirect(error) || isHttpError(error) ? error.status : 500;
			line(`${method} ${path} ${status}`, { ms: elapsed(started) });
			throw error;
		}
		line(`${method} ${path} ${response.status}`, { ms: elapsed(started) });
		try {
			response.headers.set('x-request-id', requestId);
		} catch {
			// Immutable headers (a fetched response passed through): the log line has the id.
		}
		return response;
	});
};

function elapsed(since: number): number {
	return Math.round(performance.now() - since);
}
