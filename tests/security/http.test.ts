import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { msToSqlTime } from '../../src/lib/server/db/time';
import {
	browserPost,
	createWallToken,
	dashRows,
	postAction,
	thresholdsForm
} from '../support/access';
import { Stack } from '../support/stack';

/**
 * HTTP as a scanner sees it: response headers, the health check, bad
 * URL encodings, the status codes of sign-in, strict query validation, and malformed values for
 * every parameter of every route: always a 4xx with a message, never a 500.
 */

let stack: Stack;
let tenant: DemoTenant;
let admin = '';
let platform = '';

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 2 }).prepare();
	[tenant] = stack.lookups.tenants;
	const yesterday = msToSqlTime(Date.now() - 26 * 3_600_000);
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   crm_contact_id, phone_number, created_at, closed_at) VALUES ?`,
		[
			Array.from({ length: 5 }, (_, i) => [
				97_000 + i,
				`h-${i}`,
				tenant.id,
				tenant.queues[0].id,
				'voice',
				tenant.agents[0].id,
				tenant.contacts[0].id,
				tenant.contacts[0].phone,
				yesterday,
				yesterday
			])
		]
	);
	await stack.createUser({ username: 'http.admin', role: 'cc_admin', tenantId: tenant.id });
	await stack.createUser({ username: 'http.platform', role: 'platform_admin' });
	await stack.createUser({ username: 'http.locked', role: 'cc_admin', tenantId: tenant.id });
	await stack.startServer();
	admin = await stack.signIn('http.admin');
	platform = await stack.signIn('http.platform');
});

afterAll(async () => {
	await stack?.destroy();
});

/** A GET with the raw path and query as given (no re-encoding by URL). */
async function rawGet(pathAndQuery: string, cookie = admin) {
	const response = await fetch(stack.url + pathAndQuery, {
		redirect: 'manual',
		headers: { cookie }
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, text };
}

describe('security headers on every answer', () => {
	it('every JSON answer of the API says Cache-Control: no-store', async () => {
		for (const [path, cookie] of [
			['/api/interactions?range=last7', admin],
			['/api/interactions/count?range=last7', admin],
			[`/api/history?agent=${tenant.agents[0].id}`, admin],
			['/api/interactions?range=forever', admin],
			['/api/interactions', ''],
			['/api/transcriptions/1', admin],
			['/api/recordings/1', admin],
			['/api/interactions?tenant=999999', admin],
			['/api/nothing-here', admin],
			['/health', '']
		]) {
			const answer = await rawGet(path, cookie);
			expect(answer.headers.get('content-type'), path).toMatch(/json/);
			expect(answer.headers.get('cache-control'), path).toMatch(/no-store/);
		}
	});

	it('/health and /ready say alive and ready, not how many changes were carried', async () => {
		const health = await rawGet('/health', '');
		expect(health.status).toBe(200);
		expect(JSON.parse(health.text)).toEqual({ ok: true });
		const ready = await rawGet('/ready', '');
		expect(ready.status).toBe(200);
		expect(JSON.parse(ready.text)).toEqual({ ready: true });
	});

	it('pages carry a Content-Security-Policy with a nonce or hashes, no unsafe-inline script', async () => {
		for (const [path, cookie] of [
			['/login', ''],
			['/interactions', admin]
		]) {
			const answer = await rawGet(path, cookie);
			expect(answer.status, path).toBe(200);
			const csp = answer.headers.get('content-security-policy') ?? '';
			expect(csp, path).toMatch(/script-src [^;]*('nonce-|'sha256-)/);
			expect(csp, path).not.toMatch(/script-src [^;]*'unsafe-inline'/);
			expect(csp, path).toMatch(/frame-ancestors 'none'/);
			expect(csp, path).toMatch(/object-src 'none'/);
		}
	});

	it('no HSTS over plain http (ORIGIN is http here)', async () => {
		expect((await rawGet('/login', '')).headers.get('strict-transport-security')).toBeNull();
	});
});

describe('bad URL encodings', () => {
	it('answer 400 in JSON on /api/*, in the path and in the query', async () => {
		for (const path of [
			'/api/recordings/%E0%A4%A',
			'/api/transcriptions/%ZZ',
			'/api/history?agent=%E0%A4%A',
			'/api/interactions?agent=%',
			'/api/interactions/count?did=%C0%AF',
			'/api/interactions/export?range=%FF'
		]) {
			const answer = await rawGet(path);
			expect(answer.status, path).toBe(400);
			expect(answer.headers.get('content-type'), path).toMatch(/json/);
			expect((JSON.parse(answer.text) as { message?: string }).message, path).toBeTruthy();
		}
	});
});

describe('sign-in status codes, whatever the client asks for', () => {
	const scripted = (username: string, password: string, accept?: string) =>
		fetch(`${stack.url}/login`, {
			method: 'POST',
			redirect: 'manual',
			body: new URLSearchParams({ username, password }),
			headers: {
				origin: stack.url,
				'content-type': 'application/x-www-form-urlencoded',
				...(accept ? { accept } : {})
			}
		});

	it('a failed sign-in answers 400 and a locked one 429, as JSON too', async () => {
		await dashRows(stack, 'DELETE FROM login_throttle');
		for (const accept of [undefined, 'application/json', '*/*']) {
			const failed = await scripted('http.locked', 'wrong password', accept);
			expect(failed.status, String(accept)).toBe(400);
		}
		for (let i = 0; i < 3; i++) await scripted('http.locked', `wrong ${i}`);
		for (const accept of [undefined, 'application/json', 'text/html']) {
			const locked = await scripted('http.locked', 'correct horse battery', accept);
			expect(locked.status, String(accept)).toBe(429);
		}
		const empty = await scripted('', '');
		expect(empty.status).toBe(400);
		await dashRows(stack, 'DELETE FROM login_throttle');
		// A success is still a success (a redirect, or its JSON form).
		expect([200, 303]).toContain((await scripted('http.admin', 'correct horse battery')).status);
	});
});

describe('strict query validation', () => {
	const contact = () => tenant.contacts[0];
	it('answers 400 for two person keys, undecodable cursors, repeated parameters, tenant= 1', async () => {
		const c = contact();
		const paths = [
			`/api/history?contact=${c.id}&agent=${tenant.agents[0].id}`,
			`/api/history?contact=${c.id}&phone=${encodeURIComponent(c.phone ?? '')}`,
			`/api/history?contact=${c.id}&agent=`,
			`/api/history?contact=${c.id}&contact=${c.id}`,
			`/api/history?agent=${tenant.agents[0].id}&cursor=nope`,
			`/api/history?agent=${tenant.agents[0].id}&cursor=${Buffer.from('["x","1"]').toString('base64url')}`,
			`/api/history?agent=${tenant.agents[0].id}&cursor=${Buffer.from('[5,"1"]').toString('base64url')}`,
			`/api/history?agent=${tenant.agents[0].id}&limit=5&limit=6`,
			`/api/interactions?range=last7&cursor=${Buffer.from('["2026-01-01 00:00:00","1"]').toString('base64url')}&sort=duration`,
			`/api/interactions?range=last7&cursor=${Buffer.from('[{"a":1},"1"]').toString('base64url')}`,
			`/api/interactions?range=last7&cursor=abc&cursor=def`,
			'/api/interactions?range=last7&range=today',
			'/api/interactions?range=last7&limit=10&limit=20',
			`/api/interactions?range=last7&tenant=${tenant.id}&tenant=${tenant.id}`,
			`/api/interactions?range=last7&tenant=%20${tenant.id}`,
			`/api/interactions?range=last7&tenant=${tenant.id}%20`,
			`/api/interactions?range=last7&tenant=+${tenant.id}`,
			`/api/interactions?range=last7&tenant=0${tenant.id}`,
			`/api/recordings/97000?download=1&download=1`,
			`/api/transcriptions/97000?tenant=${tenant.id}&tenant=${tenant.id}`
		]; // prettier-ignore
		for (const path of paths) {
			const answer = await rawGet(path);
			expect(answer.status, path).toBe(400);
			expect((JSON.parse(answer.text) as { message?: string }).message, path).toBeTruthy();
		}
		for (const path of [
			`/interactions?tenant=%20${tenant.id}`,
			`/interactions?tenant=${tenant.id}&tenant=${tenant.id}`,
			`/wall?tenant=%20${tenant.id}`,
			`/admin/thresholds?tenant=%20${tenant.id}`
		]) {
			expect((await rawGet(path, platform)).status, path).toBe(400);
		}
	});

	it('form fields: a tenant or queue id with spaces is refused', async () => {
		const answer = await browserPost(
			stack,
			'/admin/thresholds?/save',
			thresholdsForm(` ${tenant.id}`, String(tenant.queues[0].id)),
			platform
		);
		expect(answer.status).toBe(400);
	});
});

describe('malformed values for every parameter answer 4xx, never 500', () => {
	const VALUES = [
		'',
		' ',
		'%20%20',
		'-1',
		'0',
		'1e3',
		'1.5',
		'99999999999999999999999',
		'NaN',
		'%5B%5D',
		'%7B%7D',
		'%00',
		'%F0%9F%98%80',
		'%E0%A4%A',
		'%',
		"'%20OR%201%3D1%20--",
		'..%2F..%2Fetc%2Fpasswd',
		'%3Cscript%3E',
		'x'.repeat(5000)
	];
	const VIEW = [
		'agent',
		'queue',
		'channel',
		'did',
		'disposition',
		'range',
		'from',
		'to',
		'sort',
		'dir'
	];
	const ROUTES: [string, string[]][] = [
		['/api/interactions?range=last7', [...VIEW, 'cursor', 'limit', 'tenant']],
		['/api/interactions/count?range=last7', [...VIEW, 'tenant']],
		['/api/interactions/export?range=last7', [...VIEW, 'tenant']],
		[`/api/history?agent=${0}`, ['cursor', 'limit', 'tenant']],
		['/api/history?x=1', ['contact', 'phone', 'agent']],
		['/api/recordings/97000?x=1', ['download', 'tenant']],
		['/api/transcriptions/97000?x=1', ['tenant']],
		['/interactions?x=1', [...VIEW, 'win', 'tenant']],
		['/wall?x=1', ['tenant', 'queues', 'rotate', 'group']],
		['/admin/thresholds?x=1', ['tenant']],
		['/login?x=1', ['next']]
	]; // prettier-ignore

	it('query parameters', async () => {
		const failures: string[] = [];
		for (const [base, params] of ROUTES) {
			const fixed = base.replace('agent=0', `agent=${tenant.agents[0].id}`);
			for (const param of params) {
				for (const value of VALUES) {
					const path = `${fixed}&${param}=${value}`;
					for (const cookie of [admin, platform]) {
						const { status, headers } = await rawGet(path, cookie);
						if (status >= 500) failures.push(`${status} ${path.slice(0, 120)}`);
						if (path.startsWith('/api/') && !(headers.get('content-type') ?? '').includes('json') && status !== 200) {
							failures.push(`not JSON: ${status} ${path.slice(0, 120)}`);
						}
					} // prettier-ignore
				}
			}
		}
		expect(failures).toEqual([]);
	}, 180_000);

	it('path ids and Range headers', async () => {
		const failures: string[] = [];
		for (const id of VALUES.filter(Boolean)) {
			for (const route of ['/api/recordings/', '/api/transcriptions/']) {
				const { status } = await rawGet(route + id);
				if (status >= 500 || status < 400) failures.push(`${status} ${route}${id.slice(0, 40)}`);
			}
		}
		for (const range of ['bytes=', 'bytes=a-b', 'bytes=-', 'bytes=9999999999999999999-', 'x'.repeat(5000), 'bytes=0-1,2-3']) {
			const response = await fetch(`${stack.url}/api/recordings/97000`, { headers: { cookie: admin, range } });
			if (response.status >= 500) failures.push(`${response.status} range ${range.slice(0, 40)}`);
		} // prettier-ignore
		expect(failures).toEqual([]);
	});

	it('form fields of every Administrators action', async () => {
		const decode = (value: string) => {
			try {
				return decodeURIComponent(value);
			} catch {
				return value;
			}
		};
		const account = {
			username: 'fz-user',
			displayName: 'Fuzz',
			role: 'cc_supervisor',
			tenantId: String(tenant.id),
			queueIds: [String(tenant.queues[0].id)],
			permissions: ['interactions'],
			password: 'long enough password'
		};
		const thresholds = thresholdsForm(String(tenant.id), String(tenant.queues[0].id));
		const actions: [string, Record<string, string | string[]>][] = [
			['/admin?/saveUser', { ...account, id: '' }],
			['/admin?/createWallToken', { label: 'fuzz', tenantId: String(tenant.id), queueIds: [] }],
			['/admin?/revokeWallToken', { id: '1' }],
			['/admin/thresholds?/save', thresholds],
			['/admin/thresholds?/reset', { tenantId: String(tenant.id), queueId: String(tenant.queues[0].id) }]
		]; // prettier-ignore
		const failures: string[] = [];
		let n = 0;
		for (const [path, form] of actions) {
			for (const field of [...Object.keys(form), 'id']) {
				for (const value of VALUES) {
					const fuzzed = { ...form, [field]: decode(value) };
					// Unique names, so a valid account is created rather than refused as taken.
					if (path.endsWith('saveUser') && field !== 'username') fuzzed.username = `fz-${n++}`;
					for (const cookie of [admin, platform]) {
						const result = await postAction(stack, path, fuzzed, cookie);
						if (result.httpStatus >= 500 || result.status >= 500) {
							failures.push(`${result.httpStatus} ${path} ${field}=${value.slice(0, 30)}`);
						}
					}
				}
			}
		}
		expect(failures).toEqual([]);
	}, 180_000);

	it('sign-in and form fields', async () => {
		await dashRows(stack, 'DELETE FROM login_throttle');
		const failures: string[] = [];
		for (const value of VALUES) {
			const decoded = (() => {
				try {
					return decodeURIComponent(value);
				} catch {
					return value;
				}
			})();
			for (const form of [
				{ username: decoded, password: 'x' },
				{ username: 'http.admin', password: decoded }
			]) {
				const response = await browserPost(stack, '/login', form);
				if (response.status >= 500) failures.push(`${response.status} login ${JSON.stringify(form).slice(0, 60)}`);
			} // prettier-ignore
			await dashRows(stack, 'DELETE FROM login_throttle');
		}
		expect(failures).toEqual([]);
	});
});

describe('form bodies that are not a form answer 4xx with a message', () => {
	const BODIES: [what: string, type: string | null, body: string, status: number][] = [
		['text/plain', 'text/plain', 'username=a&password=b', 400],
		['text/plain; charset', 'text/plain;charset=UTF-8', 'x', 400],
		['broken multipart', 'multipart/form-data; boundary=x', '--x\r\nbroken', 400],
		['multipart without boundary', 'multipart/form-data', 'aaa', 400],
		['SvelteKit binary form', 'application/x-sveltekit-formdata', 'aaa', 400],
		['JSON', 'application/json', '{"username":"a"}', 415],
		['no content type', null, 'x', 415]
	];
	const ACTIONS = [
		'/login',
		'/admin?/saveUser',
		'/admin?/createWallToken',
		'/admin?/revokeWallToken',
		'/admin/thresholds?/save',
		'/admin/thresholds?/reset'
	];
	const ANSWERS: Record<string, Record<string, string>> = {
		page: { accept: 'text/html' },
		'use:enhance': { accept: 'application/json', 'x-sveltekit-action': 'true' },
		script: {}
	};

	it('on every action, as a page, as use:enhance and as a script', async () => {
		const failures: string[] = [];
		for (const path of ACTIONS) {
			for (const [what, type, body, status] of BODIES) {
				for (const [answer, headers] of Object.entries(ANSWERS)) {
					const response = await fetch(stack.url + path, {
						method: 'POST',
						redirect: 'manual',
						body: new TextEncoder().encode(body),
						headers: { origin: stack.url, cookie: platform, ...(type ? { 'content-type': type } : {}), ...headers }
					}); // prettier-ignore
					const text = await response.text();
					const label = `${path} ${what} (${answer})`;
					if (response.status !== status) failures.push(`${label}: ${response.status}`);
					else if (!/form/i.test(text) || /went wrong/.test(text)) failures.push(`${label}: ${text.slice(0, 80)}`);
				} // prettier-ignore
			}
		}
		expect(failures).toEqual([]);
	});

	it('a form over the size limit keeps its 413', async () => {
		const response = await stack.post('/login', { username: 'x'.repeat(600_000), password: 'x' });
		expect(response.status).toBe(413);
	});
});

describe('the server as docs/API.md describes it', () => {
	it('ids with leading zeros (or anything but an id) answer 400 with a message', async () => {
		const agent = tenant.agents[0].id;
		const contact = tenant.contacts[0].id;
		for (const path of [
			'/api/recordings/097000',
			'/api/recordings/0',
			'/api/recordings/abc',
			'/api/transcriptions/097000',
			'/api/transcriptions/-1',
			`/api/history?agent=0${agent}`,
			`/api/history?contact=0${contact}`,
			'/api/history?agent=0'
		]) {
			const answer = await rawGet(path);
			expect(answer.status, path).toBe(400);
			expect((JSON.parse(answer.text) as { message?: string }).message, path).toBeTruthy();
		}
		// The same ids written plainly are found.
		expect((await rawGet(`/api/history?agent=${agent}`)).status).toBe(200);
		expect((await rawGet('/api/transcriptions/97000')).status).toBe(404);
	});

	it('a method an API route lacks answers 405 in JSON, with Allow', async () => {
		for (const [method, path] of [
			['POST', '/api/interactions'],
			['DELETE', '/api/history?agent=1'],
			['PUT', '/api/recordings/97000'],
			['PATCH', '/api/interactions/count']
		]) {
			const response = await fetch(stack.url + path, {
				method,
				headers: { cookie: admin, origin: stack.url }
			});
			const what = `${method} ${path}`;
			expect(response.status, what).toBe(405);
			expect(response.headers.get('content-type'), what).toMatch(/application\/json/);
			expect(response.headers.get('allow'), what).toMatch(/GET/);
			expect((await response.json()) as unknown, what).toEqual({ message: 'Method not allowed' });
		}
	});

	it('every answer carries the security headers and a CSP: redirects, errors, refusals', async () => {
		const wall = await createWallToken(stack, admin, { label: 'headers', tenantId: tenant.id });
		const wallCookie = `il_wall=${String(wall.data.wallToken)}`;
		const html = { accept: 'text/html' };
		const answers: [string, string, RequestInit][] = [
			['guard redirect', '/interactions', { headers: html }],
			['guard redirect of a form post', '/admin?/saveUser', { method: 'POST', body: new URLSearchParams({ a: '1' }), headers: { ...html, origin: stack.url } }],
			['sign-in redirect', '/login?next=/wall', { headers: { ...html, cookie: admin } }],
			['wall error page', `/wall?tenant=%20${tenant.id}`, { headers: { ...html, cookie: platform } }],
			['wall page refusal', '/wall?tenant=99999', { headers: { ...html, cookie: admin } }],
			['wall token outside the wall', '/interactions', { headers: { ...html, cookie: wallCookie } }],
			['wall token on the API', '/api/interactions', { headers: { cookie: wallCookie } }],
			['API 401', '/api/interactions', {}],
			['API 405', '/api/interactions', { method: 'DELETE', headers: { cookie: admin } }],
			['health', '/health', {}]
		]; // prettier-ignore
		for (const [what, path, init] of answers) {
			const response = await fetch(stack.url + path, { redirect: 'manual', ...init });
			const headers = response.headers;
			expect(headers.get('x-frame-options'), what).toBe('DENY');
			expect(headers.get('x-content-type-options'), what).toBe('nosniff');
			expect(headers.get('referrer-policy'), what).toBe('same-origin');
			const csp = headers.get('content-security-policy') ?? '';
			expect(csp, what).toMatch(/frame-ancestors 'none'/);
			expect(csp, what).not.toMatch(/script-src [^;]*'unsafe-inline'/);
		}
	});

	it('a form post of use:enhance without a session still reads as a redirect to sign in', async () => {
		const result = await postAction(stack, '/admin?/saveUser', { username: 'x' }, '');
		expect(result.type).toBe('redirect');
		expect(result.location).toBe('/login?next=%2Fadmin%3F%2FsaveUser');
	});
});

describe('HSTS behind https', () => {
	it('sends Strict-Transport-Security when ORIGIN is https', async () => {
		const httpUrl = stack.url;
		await stack.stopServer();
		await stack.startServer({ env: { ORIGIN: 'https://live.example.com' } });
		try {
			const response = await fetch(`${stack.url}/health`);
			expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
		} finally {
			await stack.stopServer();
		}
		expect(httpUrl).not.toBe('');
	});
});
