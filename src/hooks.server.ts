import { redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getApp, startApp } from '$lib/server/app';
import { observeRequest } from '$lib/server/http/observe';

export const init: ServerInit = async () => {
	await startApp();
};

/** Paths reachable without signing in. Everything else needs a session (or a wall token). */
const PUBLIC_PATHS = ['/login', '/health', '/ready', '/metrics'];
const WALL_PATHS = ['/wall', '/'];

const guard: Handle = async ({ event, resolve }) => {
	const app = await getApp();
	event.locals.viewer = await app.auth.viewerFrom(Object.fromEntries(event.request.headers));
	const path = event.url.pathname;
	// A wall-display link (/wall?token=…) is how a screen that never signed in gets in.
	const isWallLink = path === '/wall' && event.url.searchParams.has('token');
	const isPublic = isWallLink || PUBLIC_PATHS.some((p) => path === p || path.startsWith(p + '/'));
	if (!isPublic && !event.locals.viewer) {
		if (path.startsWith('/api/')) {
			return new Response(JSON.stringify({ message: 'Sign in first' }), {
				status: 401,
				headers: { 'content-type': 'application/json' }
			});
		}
		redirect(303, `/login?next=${encodeURIComponent(path + event.url.search)}`);
	}
	// A wall-display token grants the live wall view and nothing else.
	if (event.locals.viewer?.kind === 'wall' && !isPublic && !WALL_PATHS.includes(path)) {
		void app.audit.record({
			action: 'scope_refused',
			viewer: event.locals.viewer,
			detail: `${path}: a wall-display token grants the wall view only`
		});
		return new Response('Not found', { status: 404 });
	}
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'same-origin');
	response.headers.set('x-frame-options', 'DENY');
	return response;
};

// Every request gets an id and one log line; /metrics checks its own scrape credentials.
export const handle = sequence(observeRequest, guard);

export const handleError: HandleServerError = async ({ error, status, message }) => {
	if (status >= 500) {
		const app = await getApp().catch(() => null);
		app?.log.error('request failed', { error });
	}
	return { message: status >= 500 ? 'Something went wrong on the server' : message };
};
