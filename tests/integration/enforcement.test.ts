import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { Interaction, InteractionChange } from '../../src/lib/interaction';
import { dashRows, openSocket, subscribe, whenEnded } from '../support/access';
import { TestClient } from '../support/client';
import { TestPbx } from '../support/pbx';
import { Stack, waitFor, type LiveClient } from '../support/stack';

/**
 * Scope and session enforcement that nothing else in the suite would miss if it were removed
 * (`npm run mutate` removes each line and runs this file): a reconnect's replay,
 * the in-progress part of a client's history, a history window's title, the expiry of a session
 * whose socket stays open, and the Origin of a socket handshake. All against the production
 * server, as a browser uses it.
 */

const SWEEP_MS = 250;

let stack: Stack;
let pbx: TestPbx;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
let tenantC: DemoTenant;
const sockets: LiveClient[] = [];
const cookies: Record<string, string> = {};

beforeAll(async () => {
	stack = await new Stack({
		mariadbPort: inject('mariadb').port,
		contactsPerTenant: 5,
		env: { SESSION_SWEEP_MS: String(SWEEP_MS) }
	}).prepare();
	[tenantA, tenantB, tenantC] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	await stack.startServer();
	const users: Parameters<Stack['createUser']>[0][] = [
		{
			username: 'en-sup-a',
			role: 'cc_supervisor',
			tenantId: tenantA.id,
			queueIds: [tenantA.queues[0].id]
		},
		{ username: 'en-admin-a', role: 'cc_admin', tenantId: tenantA.id },
		{ username: 'en-admin-b', role: 'cc_admin', tenantId: tenantB.id },
		{ username: 'en-expiring', role: 'cc_admin', tenantId: tenantA.id }
	];
	for (const user of users) {
		await stack.createUser(user);
		cookies[user.username] = await stack.signIn(user.username);
	}
});

afterAll(async () => {
	for (const socket of sockets) socket.close();
	await stack?.destroy();
});

/** A change as a viewer sees it: `id:status@queue`, or `id:removed`. */
const shape = (change: InteractionChange) =>
	`${change.id}:${change.row ? `${change.row.status}@${change.row.queueId}` : 'removed'}`;

/** A live client (the browser's protocol) of that user, subscribed. */
async function liveClient(username: string): Promise<TestClient> {
	const client = new TestClient(stack.socket(cookies[username]));
	sockets.push(client.socket);
	await waitFor(() => client.ready, 10_000, `${username} to subscribe`);
	return client;
}

describe('a reconnect that resumes by replay', () => {
	it('replays only the missed changes in scope: none of other queues or tenants', async () => {
		const [inside, outside] = tenantA.queues;
		const ids = {
			moved: 93_001,
			otherQueue: 93_002,
			mine: 93_003,
			tenantB: 93_004,
			tenantC: 93_005,
			lastMine: 93_006
		};
		// In the supervisor's queue before it disconnects; moved out while it is away.
		await pbx.insertNew({ id: ids.moved, tenantId: tenantA.id, queueId: inside.id });
		// Calls waiting throughout, in both scopes: a replay is only sent while it is shorter than
		// the screen's rows (a longer one gets the snapshot), and this test is about the replay.
		for (const [i, tenant, queueId] of [
			[0, tenantA, inside.id],
			[1, tenantA, inside.id],
			[2, tenantB, tenantB.queues[0].id],
			[3, tenantB, tenantB.queues[0].id]
		] as const) {
			await pbx.insertNew({ id: 93_010 + i, tenantId: tenant.id, queueId });
		}

		const supervisor = await liveClient('en-sup-a');
		const adminB = await liveClient('en-admin-b');
		// Sees every change of tenant A: tells when the server has logged the last one.
		const adminA = await liveClient('en-admin-a');
		expect(supervisor.rows.has(String(ids.moved))).toBe(true);
		const away = [supervisor, adminB].map((client) => {
			if (!client.epoch) throw new Error('no epoch after a snapshot');
			return { epoch: client.epoch, seq: client.seq };
		});
		supervisor.socket.disconnect();
		adminB.socket.disconnect();

		// While they are away: every tenant and queue changes.
		await pbx.insertNew({ id: ids.otherQueue, tenantId: tenantA.id, queueId: outside.id });
		await pbx.insertNew({ id: ids.mine, tenantId: tenantA.id, queueId: inside.id });
		await pbx.moveQueue(ids.moved, outside.id);
		await pbx.answer(ids.moved, tenantA.agents[0].id);
		await pbx.insertNew({ id: ids.tenantB, tenantId: tenantB.id, queueId: tenantB.queues[0].id });
		await pbx.answer(ids.tenantB, tenantB.agents[0].id);
		await pbx.insertNew({ id: ids.tenantC, tenantId: tenantC.id, queueId: tenantC.queues[0].id });
		await pbx.answer(ids.otherQueue, tenantA.agents[1].id);
		await pbx.insertNew({ id: ids.lastMine, tenantId: tenantA.id, queueId: inside.id });
		await waitFor(
			() => adminA.rows.has(String(ids.lastMine)),
			10_000,
			'the last change to be logged'
		);

		// Back, as the browser comes back: a new connection that names where it left off.
		const resumed = await Promise.all(
			['en-sup-a', 'en-admin-b'].map(async (username, i) => {
				const socket = await openSocket(stack.url, { cookie: cookies[username] }, sockets);
				return subscribe(socket, { resume: away[i] });
			})
		);
		const [supReply, adminBReply] = resumed.map((reply) => {
			if (!reply.ok) throw new Error(reply.error);
			expect(reply.kind).toBe('replay');
			if (reply.kind !== 'replay') throw new Error('resumed by snapshot, not replay');
			return reply;
		});

		// The supervisor: its queue's new rows, and the row that left its queue as a removal only
		// (not the answer that followed in the other queue).
		expect(supReply.changes.map(shape)).toEqual([
			`${ids.mine}:new@${inside.id}`,
			`${ids.moved}:removed`,
			`${ids.lastMine}:new@${inside.id}`
		]);
		expect(supReply.changes.every((c) => c.tenantId === tenantA.id)).toBe(true);
		// The admin of tenant B: its tenant's changes, nothing of A or C.
		const queueB = tenantB.queues[0].id;
		expect(adminBReply.changes.map(shape)).toEqual([
			`${ids.tenantB}:new@${queueB}`,
			`${ids.tenantB}:active@${queueB}`
		]);
		expect(adminBReply.changes.every((c) => c.tenantId === tenantB.id)).toBe(true);
	});
});

describe('client and agent history windows', () => {
	it('never list an interaction in progress in a queue outside the supervisor’s scope', async () => {
		const [inside, outside] = tenantA.queues;
		const client = tenantA.contacts[0];
		const agent = tenantA.agents[3];
		const of = { crmContactId: client.id, phone: client.phone ?? '+15550142' };
		const ids = { closedIn: 93_101, activeIn: 93_102, activeOut: 93_103, closedOut: 93_104 };
		for (const [id, queueId] of [
			[ids.closedIn, inside.id],
			[ids.activeIn, inside.id],
			[ids.activeOut, outside.id],
			[ids.closedOut, outside.id]
		]) {
			await pbx.insertNew({ id, tenantId: tenantA.id, queueId, ...of });
			await pbx.answer(id, agent.id);
		}
		for (const id of [ids.closedIn, ids.closedOut]) {
			await pbx.startAcw(id);
			await pbx.close(id, { dispositionId: tenantA.dispositions[0].id });
		}

		const history = async (username: string, query: string) => {
			const response = await stack.get(`/api/history?${query}`, cookies[username]);
			expect(response.status, query).toBe(200);
			const body = (await response.json()) as { rows: Interaction[] };
			return body.rows.filter((r) => Object.values(ids).includes(Number(r.id)));
		};
		const idsOf = (rows: Interaction[]) => rows.map((r) => Number(r.id)).sort();
		const queries = [
			`contact=${client.id}`,
			`phone=${encodeURIComponent(of.phone)}`,
			`agent=${agent.id}`
		];
		for (const query of queries) {
			// The admin sees all four: the out-of-scope rows exist and match the client.
			expect(idsOf(await history('en-admin-a', query)), query).toEqual(Object.values(ids).sort());
			const rows = await history('en-sup-a', query);
			expect(idsOf(rows), query).toEqual([ids.closedIn, ids.activeIn].sort());
			expect(rows.find((r) => Number(r.id) === ids.activeIn)?.status, query).toBe('active');
		}
	});
});

describe('a history window named in the address', () => {
	it('is titled with a client or agent of the own tenant only, never of another', async () => {
		const page = async (win: string) => {
			const response = await stack.get(`/interactions?win=${win}`, cookies['en-admin-a']);
			expect(response.status, win).toBe(200);
			return response.text();
		};
		const [ownClient, foreignClient] = [tenantA.contacts[0], tenantB.contacts[0]];
		const [ownAgent, foreignAgent] = [tenantA.agents[0], tenantB.agents[0]];
		expect(await page(`contact:${ownClient.id}`)).toContain(`Client history: ${ownClient.name}`);
		expect(await page(`agent:${ownAgent.id}`)).toContain(`Agent history: ${ownAgent.name}`);
		// Another tenant's ids read like ids that do not exist: no window, no name.
		for (const [win, name] of [
			[`contact:${foreignClient.id}`, foreignClient.name],
			[`agent:${foreignAgent.id}`, foreignAgent.name]
		]) {
			const html = await page(win);
			expect(html, win).not.toContain(name);
			expect(html, win).not.toMatch(/(Client|Agent) history: /);
		}
	});
});

describe('a session that ends while its socket is open', () => {
	it('gets session:ended and is disconnected once it passes its absolute expiry', async () => {
		const cookie = cookies['en-expiring'];
		const [session] = await dashRows(
			stack,
			`SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?`,
			['en-expiring']
		);
		await dashRows(
			stack,
			'UPDATE sessions SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 3 SECOND WHERE id = ?',
			[session.id]
		);
		const socket = await openSocket(stack.url, { cookie }, sockets);
		expect((await subscribe(socket, {})).ok).toBe(true);
		const ended = whenEnded(socket, 10_000);
		// Several sweeps pass while the session is still valid: they leave it alone.
		await new Promise((resolve) => setTimeout(resolve, 4 * SWEEP_MS));
		expect(socket.connected).toBe(true);

		const { reason, disconnect } = await ended;
		expect(reason).toBe('Your session has expired');
		expect(disconnect).toBe('io server disconnect');
		await expect(openSocket(stack.url, { cookie }, sockets)).rejects.toThrow('unauthorized');
		expect((await stack.get('/interactions', cookie)).status).toBe(303);
	});
});

describe('the socket handshake', () => {
	it('refuses a foreign Origin even with a valid session cookie, and accepts our own', async () => {
		const cookie = cookies['en-admin-a'];
		const port = new URL(stack.url).port;
		for (const origin of ['https://evil.example', `http://localhost:${port}`, 'null']) {
			// Refused before authentication: the upgrade itself fails, not the sign-in check.
			await expect(
				openSocket(stack.url, { cookie, origin }, sockets),
				`Origin ${origin}`
			).rejects.toThrow('websocket error');
		}
		const own = await openSocket(stack.url, { cookie, origin: stack.url }, sockets);
		const reply = await subscribe(own, {});
		expect(reply.ok && reply.kind === 'snapshot' && reply.snapshot.tenant.id).toBe(tenantA.id);
		own.close();
	});

	it('without ORIGIN configured, refuses an Origin other than the Host it connected to', async () => {
		// The in-process app, not given ORIGIN: the Origin must name the host the socket reached.
		const local = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
		try {
			await local.start();
			const tenantId = local.lookups.tenants[0].id;
			const { cookie } = await local.signedInAs({ role: 'cc_admin', tenantId });
			await expect(
				openSocket(local.url, { cookie, origin: 'https://evil.example' }, sockets)
			).rejects.toThrow('websocket error');
			const own = await openSocket(local.url, { cookie, origin: local.url }, sockets);
			expect((await subscribe(own, {})).ok).toBe(true);
			own.close();
		} finally {
			await local.destroy();
		}
	});
});
