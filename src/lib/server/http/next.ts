/**
 * Where a sign-in leads: `?next=` names a page of this site, or the default. An open redirect
 * after sign-in would be a phishing aid, so the answer must stay on our origin twice over: as
 * `next` is resolved, and as the Location header it becomes is resolved again by the browser.
 * `/.//evil.example` resolves on our origin to the path `//evil.example`, which a browser reads
 * as another host.
 */

export const DEFAULT_LANDING = '/interactions';

/** Any origin of ours: only the comparison matters, never the host. */
const BASE = 'http://this.invalid';

function sameOriginPath(target: string): string | null {
	const url = new URL(target, BASE);
	return url.origin === BASE ? url.pathname + url.search + url.hash : null;
}

export function safeNext(next: string | null): string {
	if (!next?.startsWith('/')) return DEFAULT_LANDING;
	try {
		const path = sameOriginPath(next);
		// What we send must itself resolve to what we checked, on our origin.
		if (path === null || sameOriginPath(path) !== path) return DEFAULT_LANDING;
		return path;
	} catch {
		return DEFAULT_LANDING;
	}
}
