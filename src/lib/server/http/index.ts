import { json } from '@sveltejs/kit';

/**
 * What every HTTP answer gets, whatever route made it: the hook (src/hooks.server.ts) runs these
 * around SvelteKit, so no route can forget them.
 */

/** A JSON refusal for /api/*: clients of the API read JSON, never an HTML error page. */
export function apiError(status: number, message: string, field?: string): Response {
	return json(field ? { message, errors: { [field]: message } } : { message }, { status });
}

const STATUS_MESSAGES: Record<number, string> = {
	404: 'Not found',
	405: 'Method not allowed'
};

/**
 * An error SvelteKit answered in HTML or plain text on /api/* (no such route, a method the
 * route lacks) in JSON instead, keeping its status and Allow header. Its 405 names no type at
 * all (its text() helper sets none).
 */
export function apiErrorAsJson(response: Response): Response {
	const type = response.headers.get('content-type');
	if (response.status < 400 || (type !== null && !/^text\/(html|plain)/.test(type))) {
		return response;
	}
	const answer = apiError(response.status, STATUS_MESSAGES[response.status] ?? 'Request failed');
	const allow = response.headers.get('allow');
	if (allow) answer.headers.set('allow', allow);
	return answer;
}

/** Whether every %-escape of the path and the query decodes (to UTF-8); else why not. */
export function malformedUrl(url: URL): string | null {
	try {
		decodeURIComponent(url.pathname);
		for (const part of url.search.slice(1).split('&')) {
			decodeURIComponent(part.replaceAll('+', ' '));
		}
		return null;
	} catch {
		return 'The address has a malformed %-encoding';
	}
}

/** The first query parameter given more than once: an API address must mean one thing. */
export function repeatedParam(url: URL): string | null {
	const seen = new Set<string>();
	for (const key of url.searchParams.keys()) {
		if (seen.has(key)) return key;
		seen.add(key);
	}
	return null;
}

/**
 * The hook's way to the sign-in page, answered rather than thrown with redirect(): a thrown
 * redirect leaves the hook before it adds the headers below. use:enhance reads the answer to
 * its form posts as an ActionResult; for data requests SvelteKit turns the 303 into its JSON.
 */
export function signInRedirect(request: Request, next: string): Response {
	const location = `/login?next=${encodeURIComponent(next)}`;
	if (request.method === 'POST' && request.headers.get('x-sveltekit-action') === 'true') {
		return json({ type: 'redirect', status: 303, location });
	}
	return new Response(null, { status: 303, headers: { location } });
}

/** One year, without includeSubDomains: other hosts of the customer's domain are not ours. */
const HSTS = 'max-age=31536000';

/**
 * The policy of every answer that is not a page SvelteKit rendered with its own (svelte.config.js):
 * redirects, JSON, plain-text refusals, SvelteKit's static error page. Nothing may run or frame
 * them; the static error page's inline <style>, and a recording opened on its own, still show.
 */
const NON_PAGE_CSP = [
	"default-src 'none'",
	"style-src 'unsafe-inline'",
	"img-src 'self'",
	"media-src 'self'",
	"base-uri 'none'",
	"form-action 'none'",
	"frame-ancestors 'none'"
].join('; ');

export function addSecurityHeaders(response: Response, https: boolean): Response {
	const headers = response.headers;
	headers.set('x-content-type-options', 'nosniff');
	headers.set('referrer-policy', 'same-origin');
	headers.set('x-frame-options', 'DENY');
	if (https) headers.set('strict-transport-security', HSTS);
	if (!headers.has('content-security-policy')) headers.set('content-security-policy', NON_PAGE_CSP);
	// JSON answers carry per-user data (API, page data, form results): no cache may keep them.
	const type = headers.get('content-type') ?? '';
	if (type.includes('application/json') && !/no-store/.test(headers.get('cache-control') ?? '')) {
		headers.set('cache-control', 'no-store');
	}
	return response;
}

/**
 * A form action that failed answers with the failure's status (400, 429…) also when the client
 * asked for JSON: SvelteKit sends `{type: "failure", status}` with HTTP 200 there, which tells a
 * script, a proxy or a log the attempt worked. `use:enhance` reads the body either way.
 */
export async function failedActionStatus(request: Request, response: Response): Promise<Response> {
	if (request.method !== 'POST' || response.status !== 200) return response;
	if (!(response.headers.get('content-type') ?? '').includes('application/json')) return response;
	const body = (await response
		.clone()
		.json()
		.catch(() => null)) as { type?: unknown; status?: unknown } | null;
	if (body?.type !== 'failure' || typeof body.status !== 'number') return response;
	return new Response(response.body, { status: body.status, headers: response.headers });
}
