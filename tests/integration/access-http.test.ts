import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { InteractionChange } from '../../src/lib/interaction';
import {
	browserPost,
	createWallToken,
	dashCount,
	dashRows,
	openSocket,
	postAction,
	subscribe
} from '../support/access';
import { TestPbx } from '../support/pbx';
import { Stack, waitFor, type LiveClient } from '../support/stack';

/**
 * Every route and every socket message, tried as every kind of viewer against the production
 * server: who gets a page, who is sent to sign in, who gets a 404 — and that a 404 or a page
 * never carries a byte about another tenant (or, for a supervisor, another queue).
 */

let stack: Stack;
let pbx: TestPbx;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
let tenantC: DemoTenant;
const sockets: LiveClient[] = [];

type Role = 'anon' | 'platform' | 'adminA' | 'adminB' | 'supA' | 'noPerm' | 'wall';
const ROLES: Role[] = ['anon', 'platform', 'adminA', 'adminB', 'supA', 'noPerm', 'wall'];
const cookies = {} as Record<Role, string>;
const userIds = {} as Record<Exclude<Role, 'anon' | 'wall'>, number>;
let wallToken = '';
let wallTokenId = 0;
let tokenOfB = 0;

const USERNAMES = {
	platform: 'zz-platform-root',
	adminA: 'zz-admin-of-a',
	adminB: 'zz-admin-of-b',
	supA: 'zz-sup-a-first-queue',
	noPerm: 'zz-no-permission'
} as const;

/** Words that occur only in data of that tenant (tenant name, distinctive queue names). */
function markersOf(tenant: DemoTenant): string[] {
	const generic = new Set(['Sales', 'Support', 'Billing', 'Accounts', 'Cards']);
	return [tenant.name, ...tenant.queues.map((q) => q.name).filter((name) => !generic.has(name))];
}

function expectNoneOf(body: string, words: string[], what: string): void {
	for (const word of words) expect(body.includes(word), `${what} contains "${word}"`).toBe(false);
}

async function refusals(column: 'user_id' | 'wall_token_id', id: number): Promise<number> {
	return dashCount(
		stack,
		`SELECT COUNT(*) FROM audit_log WHERE action = 'scope_refused' AND ${column} = ?`,
		[id]
	);
}

/** Waits for one more scope_refused row of that viewer than `before`. */
/**
 * A socket refusal of this kind is on record for the principal: the first of a kind in a minute
 * is written at once, later ones are counted on the next row (RefusalAudit), so an earlier test's
 * row may be the one.
 */
async function expectSocketRefusalOnRecord(
	column: 'user_id' | 'wall_token_id',
	id: number,
	detail: string
): Promise<void> {
	const count = async () =>
		dashCount(
			stack,
			`SELECT COUNT(*) FROM audit_log WHERE action = 'scope_refused' AND ${column} = ? AND detail LIKE ?`,
			[id, `%${detail}%`]
		);
	await waitFor(async () => (await count()) > 0, 3000, `a scope_refused row "${detail}"`);
}

async function expectRefusalAudited(
	column: 'user_id' | 'wall_token_id',
	id: number,
	before: number,
	detail?: string
): Promise<void> {
	await waitFor(async () => (await refusals(column, id)) > before, 3000, 'a scope_refused row');
	if (detail) {
		const rows = await dashRows(
			stack,
			`SELECT detail FROM audit_log WHERE action = 'scope_refused' AND ${column} = ?
			  ORDER BY id DESC LIMIT 1`,
			[id]
		);
		expect(String(rows[0].detail)).toContain(detail);
	}
}

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 5 }).prepare();
	[tenantA, tenantB, tenantC] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	// Live rows in every tenant, in two queues of A, so snapshots have something to leak.
	await pbx.insertNew({ id: 81_001, tenantId: tenantA.id, queueId: tenantA.queues[0].id });
	await pbx.insertNew({ id: 81_002, tenantId: tenantA.id, queueId: tenantA.queues[1].id });
	await pbx.insertNew({ id: 81_003, tenantId: tenantB.id, queueId: tenantB.queues[0].id });
	await pbx.insertNew({ id: 81_004, tenantId: tenantC.id, queueId: tenantC.queues[0].id });

	userIds.platform = await stack.createUser({
		username: USERNAMES.platform,
		role: 'platform_admin'
	});
	userIds.adminA = await stack.createUser({
		username: USERNAMES.adminA,
		role: 'cc_admin',
		tenantId: tenantA.id
	});
	userIds.adminB = await stack.createUser({
		username: USERNAMES.adminB,
		role: 'cc_admin',
		tenantId: tenantB.id
	});
	userIds.supA = await stack.createUser({
		username: USERNAMES.supA,
		role: 'cc_supervisor',
		tenantId: tenantA.id,
		queueIds: [tenantA.queues[0].id]
	});
	userIds.noPerm = await stack.createUser({
		username: USERNAMES.noPerm,
		role: 'cc_supervisor',
		tenantId: tenantA.id,
		queueIds: [tenantA.queues[0].id]
	});
	// The form insists on a permission; an account without one can only come from SQL.
	await dashRows(stack, "UPDATE users SET permissions = '' WHERE id = ?", [userIds.noPerm]);

	await stack.startServer();
	cookies.anon = '';
	for (const role of ['platform', 'adminA', 'adminB', 'supA', 'noPerm'] as const) {
		cookies[role] = await stack.signIn(USERNAMES[role]);
	}

	// Wall tokens are minted on the Administrators page, as an admin would.
	const minted = await createWallToken(stack, cookies.adminA, {
		label: 'zz-wall-a-lobby',
		tenantId: tenantA.id,
		queueIds: [tenantA.queues[0].id]
	});
	expect(minted.type).toBe('success');
	wallToken = String(minted.data.wallToken);
	// What GET /wall?token=… should set (see the failing test below: it does not get there).
	cookies.wall = `il_wall=${wallToken}`;
	const [row] = await dashRows(stack, 'SELECT id FROM wall_tokens WHERE label = ?', [
		'zz-wall-a-lobby'
	]);
	wallTokenId = Number(row.id);

	const ofB = await createWallToken(stack, cookies.adminB, {
		label: 'zz-wall-b-hall',
		tenantId: tenantB.id
	});
	expect(ofB.type).toBe('success');
	const [rowB] = await dashRows(stack, 'SELECT id FROM wall_tokens WHERE label = ?', [
		'zz-wall-b-hall'
	]);
	tokenOfB = Number(rowB.id);
});

afterAll(async () => {
	for (const socket of sockets) socket.close();
	await stack?.destroy();
});

/** What each viewer gets for a page: 200, 404, or a redirect to the given location. */
type Expected = 200 | 404 | { redirect: string | RegExp };

async function expectPage(role: Role, path: string, expected: Expected): Promise<string> {
	const response = await stack.get(path, cookies[role]);
	const body = await response.text();
	const what = `${role} GET ${path}`;
	if (typeof expected === 'number') {
		expect(response.status, what).toBe(expected);
	} else {
		expect(response.status, what).toBe(303);
		const location = response.headers.get('location') ?? '';
		if (typeof expected.redirect === 'string') expect(location, what).toBe(expected.redirect);
		else expect(location, what).toMatch(expected.redirect);
	}
	return body;
}

const toLogin = (path: string) => ({ redirect: `/login?next=${encodeURIComponent(path)}` });

describe('pages, as every kind of viewer', () => {
	// BUG: hooks.server.ts sends every request without a viewer to /login before the wall page's
	// load can exchange ?token= for the il_wall cookie, so a fresh display cannot use its link
	// (and the token ends up in the login URL's `next`).
	it('a wall-display link signs a fresh screen in: GET /wall?token=… sets il_wall', async () => {
		// As a browser asks for it: /wall also answers JSON (the board's settings) to non-HTML requests.
		const response = await fetch(`${stack.url}/wall?token=${encodeURIComponent(wallToken)}`, {
			redirect: 'manual',
			headers: { accept: 'text/html' }
		});
		expect(response.headers.get('location') ?? '').not.toContain(wallToken);
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/wall');
		const set = response.headers.getSetCookie().find((c) => c.startsWith('il_wall='));
		expect(set?.split(';')[0]).toBe(`il_wall=${wallToken}`);
		expect(set).toMatch(/HttpOnly/i);
	});

	it('/ sends each viewer to its screen, and the anonymous to sign in', async () => {
		const expected: Record<Role, Expected> = {
			anon: toLogin('/'),
			platform: { redirect: '/interactions' },
			adminA: { redirect: '/interactions' },
			adminB: { redirect: '/interactions' },
			supA: { redirect: '/interactions' },
			noPerm: { redirect: '/interactions' },
			wall: { redirect: '/wall' }
		};
		for (const role of ROLES) await expectPage(role, '/', expected[role]);
	});

	it('/interactions: own tenant only; supervisors see their queues only', async () => {
		const path = '/interactions';
		await expectPage('anon', path, toLogin(path));
		// A platform admin is sent to a tenant (see the failing test below for where it lands).
		await expectPage('platform', path, { redirect: /^\/interactions/ });

		const a = await expectPage('adminA', path, 200);
		expect(a).toContain(tenantA.name);
		expectNoneOf(a, [...markersOf(tenantB), ...markersOf(tenantC)], 'admin A page');

		const b = await expectPage('adminB', path, 200);
		expect(b).toContain(tenantB.name);
		expectNoneOf(b, [...markersOf(tenantA), ...markersOf(tenantC)], 'admin B page');

		const sup = await expectPage('supA', path, 200);
		expect(sup).toContain(tenantA.queues[0].name);
		expectNoneOf(
			sup,
			[...tenantA.queues.slice(1).map((q) => q.name), ...markersOf(tenantB), ...markersOf(tenantC)],
			'supervisor page'
		);

		const before = await refusals('user_id', userIds.noPerm);
		const none = await expectPage('noPerm', path, 404);
		expectNoneOf(none, [...markersOf(tenantA), ...markersOf(tenantB)], 'no-permission 404');
		await expectRefusalAudited('user_id', userIds.noPerm, before, '/interactions');

		const wall = await expectPage('wall', path, 404);
		expectNoneOf(wall, markersOf(tenantA), 'wall 404');
	});

	// BUG: interactions/+page.server.ts sets `tenant` on load's `url.searchParams` and redirects to
	// `url.pathname + url.search`; SvelteKit's tracked url does not carry the change, so a platform
	// admin is redirected from /interactions to /interactions, forever.
	it('/interactions sends a platform admin to a tenant, not to itself', async () => {
		const response = await stack.get('/interactions', cookies.platform);
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe(`/interactions?tenant=${tenantA.id}`);
	});

	it('/interactions?tenant=<other>: 404 and audited for anyone bound to a tenant', async () => {
		const path = `/interactions?tenant=${tenantB.id}`;
		await expectPage('anon', path, toLogin(path));
		expect(await expectPage('platform', path, 200)).toContain(tenantB.name);
		expect(await expectPage('adminB', path, 200)).toContain(tenantB.name);
		for (const role of ['adminA', 'supA'] as const) {
			const before = await refusals('user_id', userIds[role]);
			const body = await expectPage(role, path, 404);
			expectNoneOf(body, markersOf(tenantB), `${role} 404`);
			await expectRefusalAudited('user_id', userIds[role], before, '/interactions');
		}
		// Refused here above, the same way: within the minute that is counted, not a row.
		expectNoneOf(await expectPage('noPerm', path, 404), markersOf(tenantB), 'noPerm 404');
		expectNoneOf(await expectPage('wall', path, 404), markersOf(tenantB), 'wall 404');
		// The same page as client-side navigation loads it.
		const data = await stack.get(
			`/interactions/__data.json?tenant=${tenantB.id}&x-sveltekit-invalidated=01`,
			cookies.adminA
		);
		expectNoneOf(await data.text(), markersOf(tenantB), 'admin A __data.json');
		// A tenant that does not exist answers the same as one that is not yours.
		await expectPage('platform', '/interactions?tenant=999999', 404);
	});

	it('/wall: the live wall of the own tenant; a token sees its queues only', async () => {
		const path = '/wall';
		await expectPage('anon', path, toLogin(path));
		await expectPage('platform', path, 200);
		const a = await expectPage('adminA', path, 200);
		expect(a).toContain(tenantA.name);
		expectNoneOf(a, [...markersOf(tenantB), ...markersOf(tenantC)], 'admin A wall');
		const b = await expectPage('adminB', path, 200);
		expectNoneOf(b, [...markersOf(tenantA), ...markersOf(tenantC)], 'admin B wall');
		for (const role of ['supA', 'wall'] as const) {
			const body = await expectPage(role, path, 200);
			expect(body).toContain(tenantA.queues[0].name);
			expectNoneOf(
				body,
				[...tenantA.queues.slice(1).map((q) => q.name), ...markersOf(tenantB)],
				`${role} wall`
			);
		}
		await expectPage('noPerm', path, 404);
	});

	it('/wall?tenant=<other>: 404 and audited, for users and tokens', async () => {
		const path = `/wall?tenant=${tenantB.id}`;
		await expectPage('anon', path, toLogin(path));
		expect(await expectPage('platform', path, 200)).toContain(tenantB.name);
		await expectPage('adminB', path, 200);
		for (const role of ['adminA', 'supA'] as const) {
			const before = await refusals('user_id', userIds[role]);
			expectNoneOf(await expectPage(role, path, 404), markersOf(tenantB), `${role} 404`);
			await expectRefusalAudited('user_id', userIds[role], before, '/wall');
		}
		// Refused on /wall above, the same way: within the minute that is counted, not a row.
		expectNoneOf(await expectPage('noPerm', path, 404), markersOf(tenantB), 'noPerm 404');
		const before = await refusals('wall_token_id', wallTokenId);
		expectNoneOf(await expectPage('wall', path, 404), markersOf(tenantB), 'wall 404');
		await expectRefusalAudited('wall_token_id', wallTokenId, before, '/wall');
	});

	it('/admin: platform admins see everything, a CC Admin its own tenant, others 404', async () => {
		const path = '/admin';
		await expectPage('anon', path, toLogin(path));
		const all = await expectPage('platform', path, 200);
		for (const tenant of [tenantA, tenantB, tenantC]) expect(all).toContain(tenant.name);
		expect(all).toContain(USERNAMES.adminB);

		const a = await expectPage('adminA', path, 200);
		expect(a).toContain(USERNAMES.supA);
		expect(a).toContain('zz-wall-a-lobby');
		expectNoneOf(
			a,
			[
				...markersOf(tenantB),
				...markersOf(tenantC),
				USERNAMES.adminB,
				USERNAMES.platform,
				'zz-wall-b-hall'
			],
			'admin A page'
		);
		const b = await expectPage('adminB', path, 200);
		expectNoneOf(
			b,
			[...markersOf(tenantA), USERNAMES.adminA, USERNAMES.supA, 'zz-wall-a-lobby'],
			'admin B page'
		);
		for (const role of ['supA', 'noPerm', 'wall'] as const) {
			expectNoneOf(await expectPage(role, path, 404), [USERNAMES.adminA], `${role} 404`);
		}
	});

	it('/health answers everyone, signed in or not', async () => {
		for (const role of ROLES) {
			const response = await stack.get('/health', cookies[role]);
			expect(response.status, role).toBe(200);
			const body = (await response.json()) as { ok: boolean };
			expect(body.ok).toBe(true);
		}
	});
});

describe('Administrators form actions across tenants', () => {
	const counts = async () => ({
		users: await dashCount(stack, 'SELECT COUNT(*) FROM users'),
		queues: await dashCount(stack, 'SELECT COUNT(*) FROM user_queues')
	});
	const supervisorForm = (username: string, tenant: DemoTenant, queueId: number) => ({
		username,
		displayName: username,
		role: 'cc_supervisor',
		tenantId: String(tenant.id),
		queueIds: [String(queueId)],
		permissions: ['interactions'],
		password: 'long enough password'
	});

	it('saveUser: a CC Admin cannot create or edit anything outside its tenant', async () => {
		const before = await counts();
		const adminBBefore = await dashRows(stack, 'SELECT * FROM users WHERE id = ?', [
			userIds.adminB
		]);

		// Anonymous: sent to sign in; people without the Administrators page: 404.
		const form = supervisorForm('zz-new-sup-b', tenantB, tenantB.queues[0].id);
		const anon = await browserPost(stack, '/admin?/saveUser', form);
		expect(anon.status).toBe(303);
		expect(anon.headers.get('location')).toMatch(/^\/login\?next=/);
		for (const role of ['supA', 'noPerm', 'wall'] as const) {
			const response = await browserPost(stack, '/admin?/saveUser', form, cookies[role]);
			expect(response.status, role).toBe(404);
		}

		// A supervisor in tenant B.
		const cross = await browserPost(stack, '/admin?/saveUser', form, cookies.adminA);
		expect(cross.status).toBe(400);
		expectNoneOf(await cross.text(), markersOf(tenantB), 'refused save');

		// A supervisor of A with a queue of B.
		const mixed = await postAction(
			stack,
			'/admin?/saveUser',
			supervisorForm('zz-new-sup-mixed', tenantA, tenantB.queues[1].id),
			cookies.adminA
		);
		expect(mixed.type).toBe('failure');
		expect(mixed.status).toBe(400);
		expect(JSON.stringify(mixed.data)).not.toContain(tenantB.queues[1].name);

		// A platform admin.
		const platform = await postAction(
			stack,
			'/admin?/saveUser',
			{ ...form, username: 'zz-new-root', role: 'platform_admin', tenantId: '' },
			cookies.adminA
		);
		expect(platform.status).toBe(400);

		// Editing B's admin by id (the form claims tenant A, the account is B's): 404, unchanged.
		const edit = await browserPost(
			stack,
			'/admin?/saveUser',
			{
				id: String(userIds.adminB),
				username: USERNAMES.adminB,
				displayName: 'taken over',
				role: 'cc_admin',
				tenantId: String(tenantA.id),
				permissions: ['interactions'],
				password: 'a new password of mine'
			},
			cookies.adminA
		);
		expect(edit.status).toBe(404);
		expectNoneOf(await edit.text(), markersOf(tenantB), 'refused edit');

		// Demoting the platform admin into tenant A: 404 as well.
		const demote = await browserPost(
			stack,
			'/admin?/saveUser',
			{
				id: String(userIds.platform),
				username: USERNAMES.platform,
				displayName: 'demoted',
				role: 'cc_admin',
				tenantId: String(tenantA.id),
				permissions: ['interactions']
			},
			cookies.adminA
		);
		expect(demote.status).toBe(404);

		expect(await counts()).toEqual(before);
		expect(await dashRows(stack, 'SELECT * FROM users WHERE id = ?', [userIds.adminB])).toEqual(
			adminBBefore
		);
		const [root] = await dashRows(stack, 'SELECT role, tenant_id FROM users WHERE id = ?', [
			userIds.platform
		]);
		expect(root.role).toBe('platform_admin');
		// B's admin can still sign in with its own password.
		await stack.signIn(USERNAMES.adminB);

		// The platform admin may create a supervisor in B (the control).
		const ok = await postAction(stack, '/admin?/saveUser', form, cookies.platform);
		expect(ok.type).toBe('success');
		expect((await counts()).users).toBe(before.users + 1);
	});

	it("createWallToken / revokeWallToken: another tenant's tokens are out of reach", async () => {
		const foreign = await createWallToken(stack, cookies.adminA, {
			label: 'zz-sneaky',
			tenantId: tenantB.id
		});
		expect(foreign.status).toBe(400);
		const foreignQueue = await createWallToken(stack, cookies.adminA, {
			label: 'zz-sneaky',
			tenantId: tenantA.id,
			queueIds: [tenantB.queues[0].id]
		});
		expect(foreignQueue.status).toBe(400);
		expect(
			await dashCount(stack, "SELECT COUNT(*) FROM wall_tokens WHERE label = 'zz-sneaky'")
		).toBe(0);

		const anon = await browserPost(stack, '/admin?/revokeWallToken', { id: String(tokenOfB) });
		expect(anon.status).toBe(303);
		for (const role of ['supA', 'noPerm', 'wall'] as const) {
			const response = await browserPost(
				stack,
				'/admin?/revokeWallToken',
				{ id: String(tokenOfB) },
				cookies[role]
			);
			expect(response.status, role).toBe(404);
		}
		const cross = await browserPost(
			stack,
			'/admin?/revokeWallToken',
			{ id: String(tokenOfB) },
			cookies.adminA
		);
		expect(cross.status).toBe(404);
		expectNoneOf(await cross.text(), ['zz-wall-b-hall', ...markersOf(tenantB)], 'refused revoke');
		const [row] = await dashRows(stack, 'SELECT revoked_at FROM wall_tokens WHERE id = ?', [
			tokenOfB
		]);
		expect(row.revoked_at).toBeNull();

		// B's own admin may (the control).
		const own = await postAction(
			stack,
			'/admin?/revokeWallToken',
			{ id: String(tokenOfB) },
			cookies.adminB
		);
		expect(own.type).toBe('success');
	});
});

describe('socket messages, as every kind of viewer', () => {
	it('refuses an anonymous or forged handshake', async () => {
		for (const credentials of [
			{},
			{ cookie: 'il_session=forged' },
			{ cookie: 'il_wall=forged' },
			{ wallToken: 'forged' }
		]) {
			await expect(openSocket(stack.url, credentials, sockets)).rejects.toThrow('unauthorized');
		}
	});

	it('refuses another tenant, audited, for every tenant-bound viewer', async () => {
		const viewers = [
			{ role: 'adminA', other: tenantB.id, column: 'user_id', id: userIds.adminA },
			{ role: 'adminB', other: tenantA.id, column: 'user_id', id: userIds.adminB },
			{ role: 'supA', other: tenantB.id, column: 'user_id', id: userIds.supA },
			{ role: 'noPerm', other: tenantB.id, column: 'user_id', id: userIds.noPerm },
			{ role: 'wall', other: tenantB.id, column: 'wall_token_id', id: wallTokenId }
		] as const;
		for (const viewer of viewers) {
			const socket = await openSocket(stack.url, { cookie: cookies[viewer.role] }, sockets);
			const reply = await subscribe(socket, { tenantId: viewer.other });
			expect(reply.ok, viewer.role).toBe(false);
			if (reply.ok) continue;
			await expectSocketRefusalOnRecord(viewer.column, viewer.id, `socket subscribe: ${reply.error}`); // prettier-ignore
			socket.close();
		}
		// Without permission, even the own tenant is refused (and on record).
		const socket = await openSocket(stack.url, { cookie: cookies.noPerm }, sockets);
		const reply = await subscribe(socket, {});
		expect(reply.ok).toBe(false);
		if (!reply.ok) {
			await expectSocketRefusalOnRecord('user_id', userIds.noPerm, `socket subscribe: ${reply.error}`); // prettier-ignore
		}
		socket.close();
	});

	it('refuses queues outside a supervisor or wall token, and snapshots hold only theirs', async () => {
		const [first, second] = tenantA.queues;
		for (const viewer of [
			{
				name: 'supervisor',
				credentials: { cookie: cookies.supA },
				column: 'user_id',
				id: userIds.supA
			},
			{ name: 'wall', credentials: { wallToken }, column: 'wall_token_id', id: wallTokenId }
		] as const) {
			for (const queueIds of [[second.id], [first.id, second.id], [tenantB.queues[0].id]]) {
				const refused = await openSocket(stack.url, viewer.credentials, sockets);
				const reply = await subscribe(refused, { queueIds });
				expect(reply.ok, `${viewer.name} ${queueIds.join(',')}`).toBe(false);
				await expectSocketRefusalOnRecord(viewer.column, viewer.id, 'outside your scope');
				refused.close();
			}
			const socket = await openSocket(stack.url, viewer.credentials, sockets);
			for (const request of [{}, { queueIds: [first.id] }, { tenantId: tenantA.id }]) {
				const reply = await subscribe(socket, request);
				if (!reply.ok || reply.kind !== 'snapshot') throw new Error(JSON.stringify(reply));
				const ids = reply.snapshot.rows.map((r) => r.id);
				expect(ids, viewer.name).toContain('81001');
				for (const row of reply.snapshot.rows) {
					expect(row.tenantId).toBe(tenantA.id);
					expect(row.queueId).toBe(first.id);
				}
			}
			socket.close();
		}
	});

	it('live changes reach only the viewers in scope; live:unsubscribe stops them', async () => {
		const watch = async (credentials: { cookie?: string; wallToken?: string }) => {
			const socket = await openSocket(stack.url, credentials, sockets);
			const received: InteractionChange[] = [];
			socket.on('live:changes', ({ changes }) => received.push(...changes));
			expect((await subscribe(socket, {})).ok).toBe(true);
			return { socket, received };
		};
		const admin = await watch({ cookie: cookies.adminA });
		const sup = await watch({ cookie: cookies.supA });
		const wall = await watch({ wallToken });
		const otherTenant = await watch({ cookie: cookies.adminB });

		await pbx.answer(81_002, tenantA.agents[0].id);
		await pbx.answer(81_001, tenantA.agents[1].id);
		await waitFor(() => admin.received.length >= 2, 5000, 'admin A to see both changes');
		await waitFor(
			() => sup.received.length >= 1 && wall.received.length >= 1,
			5000,
			'the queue-scoped viewers to see theirs'
		);
		for (const viewer of [sup, wall]) {
			expect(viewer.received.map((c) => c.id)).toEqual(['81001']);
		}
		expect(otherTenant.received).toEqual([]);

		const unsubscribed = await new Promise<{ ok: boolean }>((resolve) =>
			sup.socket.emit('live:unsubscribe', resolve)
		);
		expect(unsubscribed.ok).toBe(true);
		await pbx.startAcw(81_001);
		await waitFor(() => wall.received.length >= 2, 5000, 'the wall to see the ACW');
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(sup.received.map((c) => c.id)).toEqual(['81001']);
		expect(otherTenant.received).toEqual([]);
		for (const viewer of [admin, sup, wall, otherTenant]) viewer.socket.close();
	});

	it("a platform admin chooses any tenant; a CC Admin's queue filter never crosses tenants", async () => {
		const platform = await openSocket(stack.url, { cookie: cookies.platform }, sockets);
		expect((await subscribe(platform, {})).ok).toBe(false);
		const ofB = await subscribe(platform, { tenantId: tenantB.id });
		if (!ofB.ok || ofB.kind !== 'snapshot') throw new Error(JSON.stringify(ofB));
		expect(ofB.snapshot.rows.map((r) => r.id)).toEqual(['81003']);
		expect((await subscribe(platform, { tenantId: 999_999 })).ok).toBe(false);
		platform.close();

		// Admin A naming a queue of B: whatever the answer, nothing of B arrives.
		const socket = await openSocket(stack.url, { cookie: cookies.adminA }, sockets);
		const received: InteractionChange[] = [];
		socket.on('live:changes', ({ changes }) => received.push(...changes));
		const reply = await subscribe(socket, { queueIds: [tenantB.queues[0].id] });
		if (reply.ok && reply.kind === 'snapshot') {
			expect(reply.snapshot.rows).toEqual([]);
			expect(reply.snapshot.tenant.id).toBe(tenantA.id);
		}
		const watcher = await openSocket(stack.url, { cookie: cookies.adminB }, sockets);
		const seenByB: InteractionChange[] = [];
		watcher.on('live:changes', ({ changes }) => seenByB.push(...changes));
		expect((await subscribe(watcher, {})).ok).toBe(true);
		await pbx.answer(81_003, tenantB.agents[0].id);
		await waitFor(() => seenByB.some((c) => c.id === '81003'), 5000, 'B to see its change');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(received).toEqual([]);
		socket.close();
		watcher.close();
	});
});
