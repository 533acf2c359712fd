import type { RequestHandler } from './$types';

/**
 * Prometheus metrics, for the scrape address(es) in METRICS_ALLOW or a bearer METRICS_TOKEN;
 * everyone else gets 401 (when a token would do) or 403, and no figure.
 */
export const GET: RequestHandler = async ({ locals, request, getClientAddress }) => {
	const { scrapeAccess, metrics } = locals;
	const verdict = scrapeAccess.check(request.headers.get('authorization'), clientAddress());
	if (verdict !== 'allowed') {
		const asksForToken = scrapeAccess.wantsToken;
		return new Response(asksForToken ? 'Unauthorized\n' : 'Forbidden\n', {
			status: asksForToken ? 401 : 403,
			headers: {
				'content-type': 'text/plain; charset=utf-8',
				'cache-control': 'no-store',
				...(asksForToken ? { 'www-authenticate': 'Bearer realm="metrics"' } : {})
			}
		});
	}
	const { body, contentType } = await metrics.scrape();
	return new Response(body, {
		headers: { 'content-type': contentType, 'cache-control': 'no-store' }
	});

	function clientAddress(): string | null {
		try {
			return getClientAddress();
		} catch {
			return null; // no address known (an unusual adapter): only the token can open it
		}
	}
};
