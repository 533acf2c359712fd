import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getApp, requestServices, startApp, type RequestServices } from '$lib/server/app';
import {
	addSecurityHeaders,
	apiError,
	apiErrorAsJson,
	failedActionStatus,
	malformedUrl,
	repeatedParam,
	signInRedirect
} from '$lib/server/http';
import { compressPage } from '$lib/server/http/compress';
import { NOT_A_FORM } from '$lib/server/http/form';
import { observeRequest } from '$lib/server/http/observe';

export const init: ServerInit = async () => {
	await startApp();
};

let services: RequestServices | undefined;

/** Where the two module graphs meet: every later handle and every route reads event.locals. */
const provideServices: Handle = async ({ event, resolve }) => {
	services ??= requestServices(await getApp());
	Object.assign(event.locals, services);
	return resolve(event);
};

/** Paths reachable without signing in. Everything else needs a session (or a wall token). */
const PUBLIC_PATHS = ['/login', '/health', '/ready', '/metrics'];
// '/api/replay': a wall replays its own board (`/wall?at=`), fields and queues as live (scope/fields.ts).
const WALL_PATHS = ['/wall', '/', '/api/replay'];

const guard: Handle = async ({ event, resolve }) => {
	const { config, auth, refusals } = event.locals;
	const https = config.origin?.startsWith('https:') ?? false;
	const path = event.url.pathname;
	const isApi = path.startsWith('/api/');
	// Before anything reads the address: SvelteKit answers these in HTML, and routes would each
	// pick one of two values.
	if (isApi) {
		const malformed = malformedUrl(event.url);
		if (malformed) return addSecurityHeaders(apiError(400, malformed), https);
		const repeated = repeatedParam(event.url);
		if (repeated) {
			const message = `${repeated} is given more than once`;
			return addSecurityHeaders(apiError(400, message, repeated), https);
		}
	}
	event.locals.viewer = await auth.viewerFrom(Object.fromEntries(event.request.headers));
	// A wall-display link (/wall?token=…) is how a screen that never signed in gets in.
	const isWallLink = path === '/wall' && event.url.searchParams.has('token');
	const isPublic = isWallLink || PUBLIC_PATHS.some((p) => path === p || path.startsWith(p + '/'));
	if (!isPublic && !event.locals.viewer) {
		if (isApi) return addSecurityHeaders(apiError(401, 'Sign in first'), https);
		return addSecurityHeaders(signInRedirect(event.request, path + event.url.search), https);
	}
	// A wall-display token grants the live wall view and nothing else.
	if (event.locals.viewer?.kind === 'wall' && !isPublic && !WALL_PATHS.includes(path)) {
		const reason = 'a wall-display token grants the wall view only';
		refusals.record({
			viewer: event.locals.viewer,
			// The route, not the path: a client chooses paths, and each would be a kind of its own.
			where: event.route.id ?? 'no route',
			reason,
			detail: `${path}: ${reason}`
		});
		const notFound = isApi
			? apiError(404, 'Not found')
			: new Response('Not found', { status: 404 });
		return addSecurityHeaders(notFound, https);
	}
	let response = await failedActionStatus(event.request, await resolve(event));
	if (isApi) response = apiErrorAsJson(response);
	return addSecurityHeaders(response, https);
};

/** Pages go out gzipped (http/compress): outermost, so it sends what every other hook made. */
const compress: Handle = async ({ event, resolve }) =>
	compressPage(event.request, await resolve(event));

// Every request gets an id and one log line; /metrics checks its own scrape credentials.
export const handle = sequence(compress, provideServices, observeRequest, guard);

export const handleError: HandleServerError = async ({ error, status, message }) => {
	if (status >= 500) {
		const app = await getApp().catch(() => null);
		app?.log.error('request failed', { error });
	}
	if (status >= 500) return { message: 'Something went wrong on the server' };
	// SvelteKit's own words for a form action posted as JSON or the like: 'Unsupported Media Type'.
	if (status === 415) return { message: NOT_A_FORM };
	return { message };
};
