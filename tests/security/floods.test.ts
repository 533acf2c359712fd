import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { TOO_MANY_SOCKETS, type SubscribeReply } from '../../src/lib/realtime';
import { SUBSCRIBE_BURST } from '../../src/lib/server/realtime/limits';
import { openSocket, subscribe } from '../support/access';
import { TestClient } from '../support/client';
import { TestPbx } from '../support/pbx';
import { Stack, waitFor, type LiveClient } from '../support/stack';

/**
 * A script with one sign-in, one wall link or one address cannot make the
 * server do much more than a screen does: sockets are bounded per sign-in and per wall token,
 * handshakes per address, a resume further back than a snapshot gets the snapshot, replays are
 * shared by the sockets of one scope, and a socket's catch-up work is one job at a time.
 *
 * The server trusts X-Forwarded-For (ADDRESS_HEADER), so each test dials from an address of
 * its own and the handshake limit of one does not touch the others.
 */

const PER_SESSION = 3;
const PER_WALL = 2;
const HANDSHAKES_PER_MINUTE = 6;

let stack: Stack;
let pbx: TestPbx;
let a: DemoTenant;
const opened: LiveClient[] = [];
let nextAddress = 1;
const freshAddress = () => `198.51.100.${nextAddress++}`;

beforeAll(async () => {
	stack = await new Stack({
		mariadbPort: inject('mariadb').port,
		contactsPerTenant: 3,
		env: {
			SOCKETS_PER_SESSION: String(PER_SESSION),
			SOCKETS_PER_WALL_TOKEN: String(PER_WALL),
			SOCKET_HANDSHAKES_PER_MINUTE: String(HANDSHAKES_PER_MINUTE),
			ADDRESS_HEADER: 'x-forwarded-for'
		}
	}).prepare();
	[a] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	await stack.start();
});

afterAll(async () => {
	for (const socket of opened) socket.close();
	await stack?.destroy();
});

/** The handshake's refusal: its message and the data the browser reads. */
async function refusal(
	credentials: Parameters<typeof openSocket>[1]
): Promise<{ message: string; data?: { code?: string; retryAfterMs?: number } }> {
	const outcome = await openSocket(stack.url, credentials, opened).then(
		() => null,
		(error: Error & { data?: { code?: string } }) => error
	);
	if (!outcome) throw new Error('the handshake was accepted');
	return outcome;
}

describe('sockets per sign-in and per wall-display link', () => {
	it('refuses the socket past a sign-in’s limit with a reason, and takes it once one closed', async () => {
		const address = freshAddress();
		const { userId, cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const sockets: LiveClient[] = [];
		for (let i = 0; i < PER_SESSION; i++) {
			sockets.push(await openSocket(stack.url, { cookie, address }, opened));
		}
		const refused = await refusal({ cookie, address });
		expect(refused.message).toMatch(/3 live screens open already/);
		expect(refused.data).toMatchObject({ code: TOO_MANY_SOCKETS, retryAfterMs: 15_000 });
		// The sockets already open are untouched.
		for (const socket of sockets) expect(socket.connected).toBe(true);
		// Another sign-in is another principal, even of the same user.
		const other = await stack.app.auth.sessions.create(userId, '127.0.0.1', 'test');
		await openSocket(stack.url, { cookie: `il_session=${other}`, address }, opened);

		sockets[0].close();
		await waitFor(
			async () =>
				(await openSocket(stack.url, { cookie, address }, opened).catch(() => null)) !== null,
			5000,
			'a place freed by the closed socket'
		);
	});

	it('bounds a wall-display token’s sockets on their own', async () => {
		const address = freshAddress();
		const { token } = await stack.app.auth.wallTokens.create({
			label: 'hallway',
			tenantId: a.id,
			queueIds: 'all',
			createdBy: 0
		});
		for (let i = 0; i < PER_WALL; i++)
			await openSocket(stack.url, { wallToken: token, address }, opened);
		const refused = await refusal({ wallToken: token, address: freshAddress() });
		expect(refused.message).toMatch(/open on 2 screens already: give each screen its own link/);
		expect(refused.data?.code).toBe(TOO_MANY_SOCKETS);
	});
});

describe('subscribes per sign-in', () => {
	it('gives a sign-in’s sockets one subscribe budget between them', async () => {
		const address = freshAddress();
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const sockets: LiveClient[] = [];
		for (let i = 0; i < PER_SESSION; i++) {
			sockets.push(await openSocket(stack.url, { cookie, address }, opened));
		}
		let ok = 0;
		// One after another, round the sockets: each alone would stay within its burst.
		for (let i = 0; i < SUBSCRIBE_BURST + PER_SESSION * 3; i++) {
			if ((await subscribe(sockets[i % PER_SESSION], {})).ok) ok++;
		}
		expect(ok).toBeGreaterThanOrEqual(SUBSCRIBE_BURST);
		expect(ok).toBeLessThan(SUBSCRIBE_BURST + PER_SESSION * 2);
		// Another sign-in has its own.
		const other = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const socket = await openSocket(stack.url, { cookie: other.cookie, address }, opened);
		expect((await subscribe(socket, {})).ok).toBe(true);
	});
});

describe('handshakes per address', () => {
	it('refuses an address past its rate, before looking at its credentials; others dial on', async () => {
		const address = freshAddress();
		let accepted = 0;
		let refused = 0;
		// Unauthenticated handshakes count too: each would cost a session lookup.
		for (let i = 0; i < HANDSHAKES_PER_MINUTE + 3; i++) {
			const outcome = await refusal({ cookie: 'il_session=nobody', address });
			if (outcome.message === 'unauthorized') accepted++;
			else refused++;
		}
		expect(accepted).toBe(HANDSHAKES_PER_MINUTE);
		expect(refused).toBe(3);
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		await expect(openSocket(stack.url, { cookie, address }, opened)).rejects.toThrow();
		await openSocket(stack.url, { cookie, address: freshAddress() }, opened);
	});
});

describe('catch-up work', () => {
	/** Tenant a's second queue: one interaction in it, changed `changes` times in all. */
	async function quietQueueWithChanges(id: number, changes: number) {
		const queueId = a.queues[1].id;
		const before = stack.app.live.position().seq;
		await pbx.insertNew({ id, tenantId: a.id, queueId });
		for (let i = 1; i < changes; i++) await pbx.appendMessage(id, `line ${i}`);
		await waitFor(
			() => stack.app.live.position().seq >= before + changes,
			10_000,
			'the changes in the log'
		);
		return { queueId, before };
	}

	it('answers a resume from further back than the scope has rows with its snapshot', async () => {
		const { queueId } = await quietQueueWithChanges(97001, 6);
		const { cookie } = await stack.signedInAs({
			role: 'cc_supervisor',
			tenantId: a.id,
			queueIds: [queueId]
		});
		const socket = await openSocket(stack.url, { cookie, address: freshAddress() }, opened);
		const { epoch, seq } = stack.app.live.position();
		const rows = stack.app.live.state.rows(a.id, (row) => row.queueId === queueId).length;
		expect(rows).toBeLessThan(6);
		const fromStart = await subscribe(socket, { resume: { epoch, seq: 0 } });
		expect(fromStart).toMatchObject({ ok: true, kind: 'snapshot' });
		// One change back is fewer changes than rows: a replay, with that one change.
		const oneBack = await subscribe(socket, { resume: { epoch, seq: seq - 1 } });
		expect(oneBack).toMatchObject({ ok: true, kind: 'replay', seq });
	});

	it('shares a replay only among sockets of one scope and view', async () => {
		const { queueId, before } = await quietQueueWithChanges(97002, 2);
		const admin = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const sup = await stack.signedInAs({
			role: 'cc_supervisor',
			tenantId: a.id,
			queueIds: [a.queues[0].id]
		});
		const { token } = await stack.app.auth.wallTokens.create({
			label: 'lobby',
			tenantId: a.id,
			queueIds: 'all',
			createdBy: 0
		});
		const resume = { epoch: stack.app.live.position().epoch, seq: before };
		const replayOf = async (credentials: Parameters<typeof openSocket>[1]) => {
			const socket = await openSocket(
				stack.url,
				{ ...credentials, address: freshAddress() },
				opened
			);
			const reply: SubscribeReply = await subscribe(socket, { resume });
			if (!reply.ok || reply.kind !== 'replay') throw new Error(JSON.stringify(reply));
			return reply.changes;
		};
		// The admin's replay is made (and kept) first; the others resume from the same place.
		const adminChanges = await replayOf({ cookie: admin.cookie });
		expect(adminChanges.some((c) => c.row?.queueId === queueId)).toBe(true);
		expect(adminChanges.find((c) => c.id === '97002')?.row?.phoneNumber).toBeTruthy();
		const supChanges = await replayOf({ cookie: sup.cookie });
		expect(supChanges.filter((c) => c.id === '97002')).toEqual([]);
		const wallChanges = await replayOf({ wallToken: token });
		expect(wallChanges.find((c) => c.id === '97002')?.row?.phoneNumber).toBeNull();
	});

	it('sends a snapshot made a moment ago again with the changes since, of its scope only', async () => {
		const [mine, other] = [a.queues[0].id, a.queues[1].id];
		const sup = await stack.signedInAs({ role: 'cc_supervisor', tenantId: a.id, queueIds: [mine] });
		const first = await openSocket(
			stack.url,
			{ cookie: sup.cookie, address: freshAddress() },
			opened
		);
		const taken = await subscribe(first, {});
		if (!taken.ok || taken.kind !== 'snapshot') throw new Error(JSON.stringify(taken));
		// Changes in and out of the supervisor's queue after the snapshot was encoded.
		const before = stack.app.live.position().seq;
		await pbx.insertNew({ id: 97201, tenantId: a.id, queueId: mine });
		await pbx.insertNew({ id: 97202, tenantId: a.id, queueId: other });
		await waitFor(() => stack.app.live.position().seq >= before + 2, 5000, 'the changes');
		const second = await openSocket(
			stack.url,
			{ cookie: sup.cookie, address: freshAddress() },
			opened
		);
		const again = await subscribe(second, {});
		if (!again.ok || again.kind !== 'snapshot') throw new Error(JSON.stringify(again));
		expect(again.snapshot.seq, 'the same encoding').toBe(taken.snapshot.seq);
		expect(again.snapshot.rows).toEqual(taken.snapshot.rows);
		expect(again.changes?.map((c) => c.id)).toEqual(['97201']);
		// What a screen makes of it (the browser's LiveSync, subscribing again) is the scope's rows now.
		const client = new TestClient(second);
		await waitFor(() => client.ready, 5000, 'a fresh subscribe');
		expect(client.rows.has('97201')).toBe(true);
		expect(client.rows.has('97202')).toBe(false);
	});

	it('does one socket’s subscribes one at a time: a burst costs its last one', async () => {
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: a.id });
		const socket = await openSocket(stack.url, { cookie, address: freshAddress() }, opened);
		const resume = { epoch: stack.app.live.position().epoch, seq: 0 };
		// Counts the catch-ups made (the server runs in this process).
		const live = stack.app.live;
		const catchUp = live.catchUp;
		let made = 0;
		live.catchUp = (...args) => {
			made++;
			return catchUp.apply(live, args);
		};
		const replies = await Promise.all(
			Array.from({ length: 15 }, () => subscribe(socket, { resume }))
		).finally(() => (live.catchUp = catchUp));
		// The first starts at once; the ones that waited behind it were superseded before their turn.
		expect(made).toBeLessThanOrEqual(2);
		const answered = replies.filter((reply) => reply.ok);
		expect(answered.length).toBeLessThanOrEqual(2);
		expect(replies.at(-1)?.ok).toBe(true);
		expect(replies.filter((reply) => !reply.ok && reply.error === 'Superseded')).toHaveLength(
			15 - answered.length
		);
	});
});
