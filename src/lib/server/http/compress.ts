/**
 * Pages (server-rendered HTML) gzipped for browsers that say they take it. adapter-node serves
 * the built assets precompressed, but a page went out as it was rendered: /interactions with
 * its first screenful is some 75 KB of HTML that gzips to about 6 KB, and on a slow mobile link
 * those 69 KB were several round trips before the first paint (issue 26). Only HTML: API
 * answers, exports and recordings (ranges, streams) go out untouched.
 *
 * Never for a request another site started (Sec-Fetch-Site: cross-site): a page holds the
 * viewer's rows, and a site that could make the browser fetch a page many times with words of
 * its choosing in the address could read those rows from the compressed sizes (BREACH). A
 * person opening the dashboard (typed, bookmarked, or from its own pages) is not affected.
 */
export function compressPage(request: Request, response: Response): Response {
	if (!response.body || response.headers.has('content-encoding')) return response;
	if (!/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) return response;
	const headers = new Headers(response.headers);
	// Caches must not hand the gzipped page to a client that did not ask for it, nor the reverse.
	headers.append('vary', 'Accept-Encoding');
	const crossSite = request.headers.get('sec-fetch-site') === 'cross-site';
	if (crossSite || !acceptsGzip(request.headers.get('accept-encoding'))) {
		return new Response(response.body, { status: response.status, statusText: response.statusText, headers }); // prettier-ignore
	}
	headers.set('content-encoding', 'gzip');
	headers.delete('content-length');
	const body = response.body.pipeThrough(new CompressionStream('gzip'));
	return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** Whether an Accept-Encoding header takes gzip (`gzip`, `gzip;q=0.5`, `*`), not `gzip;q=0`. */
export function acceptsGzip(header: string | null): boolean {
	if (!header) return false;
	return header.split(',').some((part) => {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		if (name.trim() !== 'gzip' && name.trim() !== '*') return false;
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		return q === undefined || Number(q.slice(2)) > 0;
	});
}
