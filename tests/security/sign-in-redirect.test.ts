import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { browserPost, postAction } from '../support/access';
import { SANDBOX_PASSWORD } from '../../scripts/lib/sandbox';
import { NEXT_CASES } from '../support/next-payloads';
import { Stack } from '../support/stack';

/**
 * Where a sign-in leads: `?next=` paths the URL parser normalises into
 * `//evil.example` must not become a redirect off the site, for a signed-in user opening
 * /login and for the sign-in form, in every form of answer. Against the production server.
 */

const USERNAME = 'next.user';
let stack: Stack;
let cookie = '';

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 2 }).prepare();
	const [tenant] = stack.lookups.tenants;
	await stack.createUser({ username: USERNAME, role: 'cc_admin', tenantId: tenant.id });
	await stack.startServer();
	cookie = await stack.signIn(USERNAME);
});

afterAll(async () => {
	await stack?.destroy();
});

const loginPath = (next: string) => `/login?next=${encodeURIComponent(next)}`;
const form = { username: USERNAME, password: SANDBOX_PASSWORD };

/** Where a Location header sends a browser that is on this site. */
function landing(location: string | null | undefined): string {
	const url = new URL(location ?? '', stack.url);
	return url.origin === stack.url ? url.pathname + url.search + url.hash : url.href;
}

describe('a signed-in user opening /login?next=', () => {
	it.each(NEXT_CASES)('%j leads to %j', async (next, expected) => {
		const response = await stack.get(loginPath(next), cookie);
		expect(response.status).toBe(303);
		expect(landing(response.headers.get('location'))).toBe(expected);
	});

	it('the address as the report wrote it, unencoded', async () => {
		const response = await stack.get('/login?next=/.//evil.example', cookie);
		expect(response.headers.get('location')).toBe('/interactions');
	});
});

describe('signing in with ?next=', () => {
	it.each(NEXT_CASES)('%j leads to %j, as a page', async (next, expected) => {
		const response = await browserPost(stack, loginPath(next), form);
		expect(response.status).toBe(303);
		expect(landing(response.headers.get('location'))).toBe(expected);
	});

	it.each(NEXT_CASES)('%j leads to %j, as use:enhance reads it', async (next, expected) => {
		const result = await postAction(stack, loginPath(next), form);
		expect(result.type).toBe('redirect');
		expect(landing(result.location)).toBe(expected);
	});
});
