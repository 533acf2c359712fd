import { describe, expect, it } from 'vitest';
import {
	HEARTBEAT_INTERVAL_MS,
	type ChangesMessage,
	type SubscribeReply
} from '../../src/lib/realtime';
import type { Status } from '../../src/lib/interaction';
import { TestPbx } from '../support/pbx';
import { waitFor, type LiveClient, type Stack } from '../support/stack';
import { stackForFile } from '../support/file-stack';

let stack: Stack;
let pbx: TestPbx;

stackForFile((ready) => {
	stack = ready;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
});

function subscribe(socket: LiveClient, request: object = {}): Promise<SubscribeReply> {
	return new Promise((resolve) => socket.emit('live:subscribe', request, resolve));
}

describe('live pipeline', () => {
	it('delivers a lifecycle written with plain SQL as New → Active → ACW → Closed, in order', async () => {
		const tenant = stack.lookups.tenants[0];
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: tenant.id });
		const socket = stack.socket(cookie);
		const seen: { status: Status | 'removed'; seq: number }[] = [];
		socket.on('live:changes', (message: ChangesMessage) => {
			for (const change of message.changes) {
				if (change.id === '9001')
					seen.push({ status: change.row?.status ?? 'removed', seq: change.seq });
			}
		});
		const reply = await subscribe(socket);
		expect(reply.ok).toBe(true);

		await pbx.insertNew({ id: 9001, tenantId: tenant.id, queueId: tenant.queues[0].id });
		await pbx.answer(9001, tenant.agents[0].id);
		await pbx.startAcw(9001);
		await pbx.close(9001, { dispositionId: tenant.dispositions[0].id });

		await waitFor(() => seen.length >= 4, 10_000, 'four changes');
		expect(seen.map((s) => s.status)).toEqual(['new', 'active', 'acw', 'closed']);
		const seqs = seen.map((s) => s.seq);
		expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
	});

	it('answers malformed messages and invalid resume positions with an error, and keeps serving', async () => {
		const tenant = stack.lookups.tenants[0];
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: tenant.id });
		const socket = stack.socket(cookie);
		const bad: unknown[] = [
			'not an object',
			42,
			{ queueIds: 'all' },
			{ queueIds: [1.5] },
			{ resume: { epoch: 'x', seq: -1 } },
			{ resume: { epoch: 'x'.repeat(1000), seq: 1 } },
			{ tenantId: 99999 },
			{ unknown: true }
		];
		for (const request of bad) {
			const reply = await new Promise<SubscribeReply>((resolve) =>
				socket.emit('live:subscribe', request, resolve)
			);
			expect(reply.ok, JSON.stringify(request)).toBe(false);
		}
		// A resume from an epoch the server never had: a fresh snapshot, not an error or a gap.
		const resumed = await subscribe(socket, { resume: { epoch: 'gone', seq: 123456 } });
		expect(resumed.ok && resumed.kind).toBe('snapshot');
		// A resume from a sequence ahead of the log: also a snapshot.
		const epoch = resumed.ok && resumed.kind === 'snapshot' ? resumed.snapshot.epoch : '';
		const ahead = await subscribe(socket, { resume: { epoch, seq: 10 ** 12 } });
		expect(ahead.ok && ahead.kind).toBe('snapshot');
		// Messages without an acknowledgement callback are ignored without harm.
		socket.emit('live:subscribe', { queueIds: 'nope' } as never, undefined as never);
		const still = await subscribe(socket);
		expect(still.ok).toBe(true);
		expect(stack.app.live.supervisor.status).toBe('streaming');
	});

	it('sends heartbeats to subscribed sockets only, and answers a ping whether subscribed or not', async () => {
		const tenant = stack.lookups.tenants[0];
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: tenant.id });
		const watching = stack.socket(cookie);
		const idle = stack.socket(cookie);
		const beats = { watching: 0, idle: 0 };
		watching.on('live:heartbeat', () => beats.watching++);
		idle.on('live:heartbeat', () => beats.idle++);
		expect((await subscribe(watching)).ok).toBe(true);
		await waitFor(() => idle.connected, 5_000, 'the idle socket');
		await waitFor(() => beats.watching >= 2, 3 * HEARTBEAT_INTERVAL_MS, 'two heartbeats');
		// Connected but not subscribed: no live view to keep fresh, so nothing owed.
		expect(beats.idle).toBe(0);
		for (const socket of [watching, idle]) {
			await new Promise<void>((resolve) => socket.emit('live:ping', resolve));
		}
	});
});
