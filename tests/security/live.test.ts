import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { Interaction, InteractionChange } from '../../src/lib/interaction';
import { SNAPSHOT_SHARE_MS } from '../../src/lib/server/realtime/snapshots';
import { SUBSCRIBE_BURST, SUBSCRIBE_REFILL_MS } from '../../src/lib/server/realtime/limits';
import { dashCount, openSocket, subscribe } from '../support/access';
import { TestClient } from '../support/client';
import { newRow, TestPbx } from '../support/pbx';
import { Stack, waitFor, type LiveClient } from '../support/stack';

/**
 * The socket as an attacker's scripted client sees it: a wall
 * token's stream carries only what the board shows, subscribes are rate-limited and their
 * refusals audited once a minute, other origins cannot open a socket, and a socket that asks for
 * other queues or tenants is refused.
 */

let stack: Stack;
let pbx: TestPbx;
let a: DemoTenant;
let b: DemoTenant;
const opened: LiveClient[] = [];
let wallToken = '';
let wallTokenId = 0;

/** Fields a wall never needs: the board shows none of them. */
const HIDDEN = ['phoneNumber', 'crmContactId', 'did', 'contentPreview', 'dispositionCode'] as const;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 3 }).prepare();
	[a, b] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	await stack.pbx(
		`INSERT INTO active_interactions (id, uniqueid, tenant_id, queue_id, channel, status,
		   crm_contact_id, phone_number, did, created_at, message_body)
		 VALUES (95001, 'w-1', ?, ?, 'chat', 'new', ?, '+15551230001', '+18005550111', UTC_TIMESTAMP(3),
		   'Hello, my account number is 12345678')`,
		[a.id, a.queues[0].id, a.contacts[0].id]
	);
	// A caller the CRM does not know: the grid shows its number as the Client, a wall must not.
	// (And two more rows: a replay longer than the scope's rows would be answered with a snapshot.)
	await pbx.insertActive([
		newRow({ id: 95003, tenantId: a.id, queueId: a.queues[0].id, phone: '+1 (555) 123-9876' }),
		newRow({ id: 95004, tenantId: a.id, queueId: a.queues[0].id, crmContactId: a.contacts[1].id }),
		newRow({ id: 95005, tenantId: a.id, queueId: a.queues[0].id, crmContactId: a.contacts[2].id })
	]);
	await stack.start();
	const created = await stack.app.auth.wallTokens.create({
		label: 'hallway',
		tenantId: a.id,
		queueIds: 'all',
		createdBy: 0
	});
	wallToken = created.token;
	wallTokenId = created.id;
});

afterAll(async () => {
	for (const socket of opened) socket.close();
	await stack?.destroy();
});

/** The unknown caller's row as a wall gets it: the last two digits, never the number. */
function expectUnknownCaller(rows: (Interaction | null | undefined)[], what: string): void {
	const row = rows.find((r) => r?.id === '95003');
	expectWallRow(row, what);
	expect(row?.clientName, what).toBe('Caller ··76');
}

function expectWallRow(row: Interaction | null | undefined, what: string): void {
	expect(row, what).toBeTruthy();
	for (const field of HIDDEN) expect(row?.[field], `${what}: ${field}`).toBeNull();
	expect(row?.hasRecording, what).toBe(false);
	// What the board does show is there.
	expect(row?.clientName, what).toBeTruthy();
	expect(row?.queueName, what).toBeTruthy();
}

describe('wall sockets get only what the wall shows', () => {
	it('snapshot, live changes and replay carry no phone number, CRM id or message preview', async () => {
		const wall = await openSocket(stack.url, { wallToken }, opened);
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const admin = await openSocket(stack.url, { cookie }, opened);
		const wallChanges: InteractionChange[] = [];
		const adminChanges: InteractionChange[] = [];
		wall.on('live:changes', ({ changes }) => wallChanges.push(...changes));
		admin.on('live:changes', ({ changes }) => adminChanges.push(...changes));

		const snapshot = await subscribe(wall, {});
		if (!snapshot.ok || snapshot.kind !== 'snapshot') throw new Error(JSON.stringify(snapshot));
		expectWallRow(
			snapshot.snapshot.rows.find((r) => r.id === '95001'),
			'snapshot'
		);
		// A CRM name is what a wall shows of a known caller.
		expect(snapshot.snapshot.rows.find((r) => r.id === '95001')?.clientName).toBe(
			a.contacts[0].name
		);
		expectUnknownCaller(snapshot.snapshot.rows, 'snapshot');
		const adminSnapshot = await subscribe(admin, {});
		if (!adminSnapshot.ok || adminSnapshot.kind !== 'snapshot') throw new Error('admin');
		// The same position as the wall's: snapshots are serialised once per room and position,
		// and had the wall's room and the admin's been one, the admin would have the wall's rows.
		expect(adminSnapshot.snapshot.seq).toBe(snapshot.snapshot.seq);
		const full = adminSnapshot.snapshot.rows.find((r) => r.id === '95001');
		expect(full?.phoneNumber).toBe('+15551230001');
		expect(full?.contentPreview).toContain('account number');

		await pbx.answer(95003, a.agents[0].id);
		await pbx.answer(95001, a.agents[0].id);
		await waitFor(() => wallChanges.length > 1 && adminChanges.length > 1, 5000, 'changes');
		expectWallRow(wallChanges.at(-1)?.row, 'live change');
		expect(wallChanges.at(-1)?.row?.agentName).toBe(a.agents[0].name);
		expect(adminChanges.at(-1)?.row?.phoneNumber).toBe('+15551230001');
		expectUnknownCaller(
			wallChanges.map((c) => c.row),
			'live change'
		);
		expect(adminChanges.find((c) => c.id === '95003')?.row?.clientName).toBe('+1 (555) 123-9876');

		// A wall that comes back after missing changes gets them as a projection too.
		await pbx.startAcw(95001);
		await waitFor(() => adminChanges.length > 1, 5000, 'the second change');
		const replay = await subscribe(wall, {
			resume: { epoch: snapshot.snapshot.epoch, seq: snapshot.snapshot.seq }
		});
		if (!replay.ok || replay.kind !== 'replay') throw new Error(JSON.stringify(replay));
		expect(replay.changes.length).toBeGreaterThan(0);
		for (const change of replay.changes) expectWallRow(change.row, 'replay');
		expectUnknownCaller(
			replay.changes.map((c) => c.row),
			'replay'
		);
	});

	it('a wall still follows every change of its queues', async () => {
		const client = new TestClient(await openSocket(stack.url, { wallToken }, opened));
		await waitFor(() => client.ready, 5000, 'subscription');
		await pbx.insertNew({ id: 95002, tenantId: a.id, queueId: a.queues[1].id });
		await waitFor(() => client.rows.get('95002')?.status === 'new', 5000, 'the new row');
		await pbx.answer(95002, a.agents[1].id);
		await waitFor(() => client.rows.get('95002')?.status === 'active', 5000, 'the answer');
		await pbx.moveQueue(95002, a.queues[2].id);
		await waitFor(() => client.rows.get('95002')?.queueId === a.queues[2].id, 5000, 'the move');
		await pbx.startAcw(95002);
		await pbx.close(95002);
		await waitFor(() => client.rows.get('95002')?.status === 'closed', 5000, 'the close');
		expectWallRow(client.rows.get('95002'), 'closed row');
	});
});

describe('subscribes are rate-limited, refusals audited once a minute', () => {
	it('a flood of subscribes is mostly refused without work, and writes one audit row', async () => {
		const sup = await stack.signedInAs({
			role: 'cc_supervisor',
			tenantId: a.id,
			queueIds: [a.queues[0].id]
		});
		const socket = await openSocket(stack.url, { cookie: sup.cookie }, opened);
		const refusedBefore = await dashCount(
			stack,
			"SELECT COUNT(*) FROM audit_log WHERE action = 'scope_refused' AND user_id = ?",
			[sup.userId]
		);
		const flood = 10 * SUBSCRIBE_BURST;
		const replies = await Promise.all(
			Array.from({ length: flood }, (_, i) =>
				subscribe(socket, { queueIds: [a.queues[1 + (i % 3)].id] })
			)
		);
		expect(replies.every((reply) => !reply.ok)).toBe(true);
		const limited = replies.filter((r) => !r.ok && /too many subscribe/i.test(r.error));
		// All but the burst and the few earned back while the flood is answered.
		expect(limited.length).toBeGreaterThanOrEqual(flood - SUBSCRIBE_BURST - 5);
		// Audit writes are not awaited by the reply: give them a moment to land.
		await new Promise((resolve) => setTimeout(resolve, 500));
		const refusedAfter = await dashCount(
			stack,
			"SELECT COUNT(*) FROM audit_log WHERE action = 'scope_refused' AND user_id = ?",
			[sup.userId]
		);
		expect(refusedAfter - refusedBefore).toBe(1);
		// Another kind of refusal is its own row (once the sign-in has earned a subscribe back);
		// another socket of the same sign-in does not start a minute of its own.
		await new Promise((resolve) => setTimeout(resolve, 2 * SUBSCRIBE_REFILL_MS + 100));
		expect((await subscribe(socket, { tenantId: b.id })).ok).toBe(false);
		const other = await openSocket(stack.url, { cookie: sup.cookie }, opened);
		expect((await subscribe(other, { queueIds: [a.queues[1].id] })).ok).toBe(false);
		await waitFor(
			async () =>
				(await dashCount(
					stack,
					"SELECT COUNT(*) FROM audit_log WHERE action = 'scope_refused' AND user_id = ?",
					[sup.userId]
				)) ===
				refusedBefore + 2,
			3000,
			'one more audit row'
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(
			await dashCount(
				stack,
				"SELECT COUNT(*) FROM audit_log WHERE action = 'scope_refused' AND user_id = ?",
				[sup.userId]
			)
		).toBe(refusedBefore + 2);
	});

	it('a socket over its rate gets subscribes again after a pause', async () => {
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const socket = await openSocket(stack.url, { cookie }, opened);
		let ok = 0;
		// One after another: in parallel, each subscribe would supersede the one before.
		for (let i = 0; i < 2 * SUBSCRIBE_BURST; i++) if ((await subscribe(socket, {})).ok) ok++;
		expect(ok).toBeGreaterThan(0);
		// The burst, and the few earned back while the loop runs.
		expect(ok).toBeLessThanOrEqual(SUBSCRIBE_BURST + 5);
		await new Promise((resolve) => setTimeout(resolve, 2 * SUBSCRIBE_REFILL_MS + 500));
		expect((await subscribe(socket, {})).ok).toBe(true);
	});
});

describe('the socket refuses what is not the viewer’s', () => {
	it('refuses a cross-origin handshake, with a valid session cookie', async () => {
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		for (const origin of ['https://evil.example', 'null', `${stack.url}.evil.example`]) {
			const socket: LiveClient = connectSocket(stack.url, {
				transports: ['websocket'],
				extraHeaders: { cookie, origin },
				forceNew: true,
				reconnection: false,
				timeout: 3000
			});
			opened.push(socket);
			const outcome = await new Promise<string>((resolve) => {
				socket.once('connect', () => resolve('connected'));
				socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
			});
			expect(outcome, origin).toMatch(/^refused/);
			socket.close();
		}
		// The same cookie from our own origin works.
		const own = await openSocket(stack.url, { cookie }, opened);
		expect(own.connected).toBe(true);
	});

	it('answers malformed subscribe messages with an error, and stays up', async () => {
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const socket = await openSocket(stack.url, { cookie }, opened);
		// (null and {} are an empty request: the viewer's whole scope.)
		const garbage: unknown[] = [
			'subscribe',
			42,
			[],
			{ tenantId: 'one' },
			{ tenantId: -1 },
			{ tenantId: 1.5 },
			{ tenantId: Number.MAX_SAFE_INTEGER + 2 },
			{ queueIds: 'all' },
			{ queueIds: [null] },
			{ queueIds: Array.from({ length: 501 }, (_, i) => i + 1) },
			{ resume: { epoch: 'x'.repeat(65), seq: 1 } },
			{ resume: { epoch: 'e', seq: -1 } },
			{ resume: 'yesterday' },
			{ extra: true },
			JSON.parse('{"__proto__": {"tenantId": 2}}'),
			{ tenantId: { $gt: 0 } }
		];
		for (const message of garbage) {
			// A socket each, so the subscribe rate limit does not answer for the validation.
			const fresh = await openSocket(stack.url, { cookie }, opened);
			const reply = await subscribe(fresh, message);
			expect(reply.ok, JSON.stringify(message)).toBe(false);
			if (!reply.ok) expect(reply.error).not.toMatch(/too many/i);
			fresh.close();
		}
		// No acknowledgement callback, unknown events: ignored.
		(socket as unknown as { emit: (...args: unknown[]) => void }).emit('live:subscribe', {});
		(socket as unknown as { emit: (...args: unknown[]) => void }).emit('admin:everything', {});
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(socket.connected).toBe(true);
		expect((await subscribe(socket, {})).ok).toBe(true);
	});

	it('refuses other tenants and queues outside the scope, for every viewer', async () => {
		const sup = await stack.signedInAs({
			role: 'cc_supervisor',
			tenantId: a.id,
			queueIds: [a.queues[0].id]
		});
		const admin = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const narrowWall = await stack.app.auth.wallTokens.create({
			label: 'narrow',
			tenantId: a.id,
			queueIds: [a.queues[0].id],
			createdBy: 0
		});
		const viewers = {
			supervisor: await openSocket(stack.url, { cookie: sup.cookie }, opened),
			admin: await openSocket(stack.url, { cookie: admin.cookie }, opened),
			wall: await openSocket(stack.url, { wallToken: narrowWall.token }, opened)
		};
		for (const [who, socket] of Object.entries(viewers)) {
			for (const request of [
				{ tenantId: b.id },
				{ queueIds: [b.queues[0].id] },
				{ tenantId: a.id, queueIds: [b.queues[0].id] },
				{ tenantId: b.id, queueIds: [b.queues[0].id] },
				...(who === 'admin' ? [] : [{ queueIds: [a.queues[1].id] }]),
				...(who === 'admin' ? [] : [{ queueIds: [a.queues[0].id, a.queues[1].id] }])
			]) {
				const reply = await subscribe(socket, request);
				expect(reply.ok, `${who} ${JSON.stringify(request)}`).toBe(false);
			}
			// A refusal leaves nothing behind: no rooms, and the next good subscribe works.
			expect((await subscribe(socket, {})).ok, who).toBe(true);
		}
		expect(wallTokenId).toBeGreaterThan(0);
		expect(
			await dashCount(stack, "SELECT COUNT(*) FROM audit_log WHERE action = 'scope_refused'")
		).toBeGreaterThan(0);
	});

	it('snapshots taken at one position are each of their own scope', async () => {
		const [mine, other] = [a.queues[0].id, a.queues[1].id];
		await pbx.insertNew({ id: 95101, tenantId: a.id, queueId: mine });
		await pbx.insertNew({ id: 95102, tenantId: a.id, queueId: other });
		const admin = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const watcher = new TestClient(await openSocket(stack.url, { cookie: admin.cookie }, opened));
		await waitFor(() => watcher.rows.has('95102'), 5000, 'both rows live');
		// The watcher's snapshot encoding would serve the admin below again, with the changes
		// since: let it go, so all three are taken now, at one position.
		await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_SHARE_MS + 100));
		const sup = await stack.signedInAs({ role: 'cc_supervisor', tenantId: a.id, queueIds: [mine] });
		const sockets = [
			await openSocket(stack.url, { cookie: admin.cookie }, opened),
			await openSocket(stack.url, { cookie: sup.cookie }, opened),
			await openSocket(stack.url, { cookie: sup.cookie }, opened)
		];
		const replies = [];
		for (const socket of sockets) {
			const reply = await subscribe(socket, {});
			if (!reply.ok || reply.kind !== 'snapshot') throw new Error(JSON.stringify(reply));
			replies.push(reply.snapshot);
		}
		const [whole, first, second] = replies;
		expect(new Set(replies.map((snapshot) => snapshot.seq)).size, 'one position').toBe(1);
		expect(whole.rows.map((row) => row.id)).toEqual(expect.arrayContaining(['95101', '95102']));
		expect(first.rows.map((row) => row.id)).toContain('95101');
		expect(first.rows.every((row) => row.queueId === mine)).toBe(true);
		expect(second.rows).toEqual(first.rows);
	});
});
