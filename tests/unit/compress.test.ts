import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, compressPage } from '$lib/server/http/compress';

const PAGE = `<!doctype html><table>${'<tr><td>16:05:59</td><td>Sales</td></tr>'.repeat(500)}</table>`;

function page(headers: Record<string, string> = {}): Response {
	return new Response(PAGE, { headers: { 'content-type': 'text/html', ...headers } });
}
const asking = (encoding: string | null, site = 'same-origin') =>
	new Request('http://localhost/interactions', {
		headers: {
			'sec-fetch-site': site,
			...(encoding === null ? {} : { 'accept-encoding': encoding })
		}
	});

describe('compressPage', () => {
	it('gzips a page for a browser that takes gzip, the same HTML once unpacked', async () => {
		const response = compressPage(asking('gzip, deflate, br'), page({ 'set-cookie': 'a=1' }));
		expect(response.headers.get('content-encoding')).toBe('gzip');
		expect(response.headers.get('vary')).toMatch(/Accept-Encoding/);
		expect(response.headers.get('set-cookie')).toBe('a=1');
		const packed = Buffer.from(await response.arrayBuffer());
		expect(packed.length).toBeLessThan(PAGE.length / 10);
		expect(gunzipSync(packed).toString()).toBe(PAGE);
	});

	it('sends the page as it is to a client that does not take gzip', async () => {
		for (const encoding of [null, 'br', 'gzip;q=0']) {
			const response = compressPage(asking(encoding), page());
			expect(response.headers.get('content-encoding')).toBeNull();
			expect(response.headers.get('vary')).toMatch(/Accept-Encoding/);
			expect(await response.text()).toBe(PAGE);
		}
	});

	it('sends a page another site asked for as it is (no compressed sizes to read: BREACH)', async () => {
		const response = compressPage(asking('gzip', 'cross-site'), page());
		expect(response.headers.get('content-encoding')).toBeNull();
		expect(await response.text()).toBe(PAGE);
		for (const site of ['none', 'same-site']) {
			expect(compressPage(asking('gzip', site), page()).headers.get('content-encoding')).toBe(
				'gzip'
			);
		}
	});

	it('leaves what is not a page alone: JSON, files, bodies already encoded, no body', async () => {
		const json = new Response('{"a":1}', { headers: { 'content-type': 'application/json' } });
		expect(compressPage(asking('gzip'), json)).toBe(json);
		const audio = new Response('RIFF', { status: 206, headers: { 'content-type': 'audio/wav' } });
		expect(compressPage(asking('gzip'), audio)).toBe(audio);
		const packed = page({ 'content-encoding': 'br' });
		expect(compressPage(asking('gzip'), packed)).toBe(packed);
		const empty = new Response(null, { status: 304, headers: { 'content-type': 'text/html' } });
		expect(compressPage(asking('gzip'), empty)).toBe(empty);
	});
});

describe('acceptsGzip', () => {
	it('reads the header as HTTP does', () => {
		expect(acceptsGzip('gzip')).toBe(true);
		expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
		expect(acceptsGzip('*')).toBe(true);
		expect(acceptsGzip('gzip;q=0')).toBe(false);
		expect(acceptsGzip('deflate, br')).toBe(false);
		expect(acceptsGzip('')).toBe(false);
		expect(acceptsGzip(null)).toBe(false);
	});
});
