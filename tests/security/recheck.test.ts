import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { ACCESS_ENDED_REASON } from '../../src/lib/server/realtime/viewers';
import { dashRows, subscribe, whenEnded } from '../support/access';
import { TestClient } from '../support/client';
import { TestPbx } from '../support/pbx';
import { Stack, waitFor } from '../support/stack';

/**
 * A socket never keeps access it can no longer be shown to have. A failed
 * re-check closes it; after the binlog position was lost (and with it any access change in the
 * lost stretch), every viewer is checked again before it may subscribe. The app runs in-process
 * here, so the test can make a check fail and lose the position for real.
 */

let stack: Stack;
let tenant: DemoTenant;
let pbx: TestPbx;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 2 }).prepare();
	[tenant] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	await pbx.insertNew({ id: 94_001, tenantId: tenant.id, queueId: tenant.queues[0].id });
	await pbx.insertNew({ id: 94_002, tenantId: tenant.id, queueId: tenant.queues[1].id });
	await stack.start();
});

afterAll(async () => {
	await stack?.destroy();
});

/** Loses the binlog position for real: the tailer is stopped, its file purged, and restarted. */
async function losePosition(whileDown: () => Promise<void>): Promise<void> {
	const epochBefore = stack.app.live.changeLog.epoch;
	const originalError = console.error;
	console.error = () => {};
	try {
		await stack.app.live.supervisor.stop();
		await whileDown();
		await stack.purgeCheckpointBinlog();
		stack.app.live.supervisor.start();
		await waitFor(() => stack.app.live.changeLog.epoch !== epochBefore, 20_000, 'a resnapshot');
	} finally {
		console.error = originalError;
	}
}

/** A supervisor of the tenant's first queue, signed in, with a subscribed socket. */
async function subscribedSupervisor() {
	const { userId, cookie } = await stack.signedInAs({
		role: 'cc_supervisor',
		tenantId: tenant.id,
		queueIds: [tenant.queues[0].id]
	});
	const socket = stack.socket(cookie);
	expect((await subscribe(socket, {})).ok).toBe(true);
	return { userId, socket };
}

describe('re-checking viewers', () => {
	it('a failure to re-check a viewer closes its socket instead of keeping its access', async () => {
		const { userId, socket } = await subscribedSupervisor();
		const ended = whenEnded(socket);
		const viewerFrom = stack.app.auth.viewerFrom.bind(stack.app.auth);
		stack.app.auth.viewerFrom = () => Promise.reject(new Error('dashboard database unreachable'));
		try {
			// What an access change of that user does to its sockets (App.accessChanged).
			await stack.app.realtime
				?.refreshViewers((v) => v.kind === 'user' && v.userId === userId)
				.catch(() => {});
			const { reason, disconnect } = await ended;
			expect(disconnect).toBe('io server disconnect');
			expect(reason).toBeTruthy();
		} finally {
			stack.app.auth.viewerFrom = viewerFrom;
		}
	});

	it('a change whose binlog row says access ended closes the sockets without reading again', async () => {
		// The binlog can deliver a revoke before the database shows it: the row is what counts.
		// Here the database still says the user may watch; only the row says otherwise.
		const { userId, socket } = await subscribedSupervisor();
		const ended = whenEnded(socket);
		await stack.app.accessChanged({ kind: 'user', userId, ended: true });
		const { reason, disconnect } = await ended;
		expect(disconnect).toBe('io server disconnect');
		expect(reason).toBe(ACCESS_ENDED_REASON);
	});

	it('an admin action and its binlog echo resync a socket once, not twice', async () => {
		const second = tenant.queues[1];
		const { userId, socket } = await subscribedSupervisor();
		let resyncs = 0;
		socket.on('live:resync', () => resyncs++);
		// Re-checks of this user's socket that have finished (no other socket matches it).
		const realtime = stack.app.realtime;
		if (!realtime) throw new Error('no realtime');
		const refreshViewers = realtime.refreshViewers.bind(realtime);
		let rechecks = 0;
		realtime.refreshViewers = async (match) => {
			const sockets = await refreshViewers(match);
			if (sockets > 0) rechecks++;
			return sockets;
		};
		try {
			// What the Administrators page does: save (the binlog will echo it), then act directly.
			await dashRows(stack, 'UPDATE user_queues SET queue_id = ? WHERE user_id = ?', [
				second.id,
				userId
			]);
			await Promise.all([
				stack.app.accessChanged({ kind: 'user', userId }),
				stack.app.accessChanged({ kind: 'user', userId })
			]);
			// The two direct re-checks, then the binlog echo's: at once, and once more a moment later.
			await waitFor(() => rechecks >= 4, 10_000, "the binlog echo's re-checks");
		} finally {
			realtime.refreshViewers = refreshViewers;
		}
		expect(resyncs).toBe(1);
		const moved = await subscribe(socket, {});
		if (!moved.ok || moved.kind !== 'snapshot') throw new Error(JSON.stringify(moved));
		expect(moved.snapshot.rows.map((r) => r.id)).toEqual(['94002']);
	});

	it('after a lost binlog position every viewer is re-checked before it resubscribes', async () => {
		const [first, second] = tenant.queues;
		const moved = await stack.signedInAs({
			role: 'cc_supervisor',
			tenantId: tenant.id,
			queueIds: [first.id]
		});
		const disabled = await stack.signedInAs({
			role: 'cc_supervisor',
			tenantId: tenant.id,
			queueIds: [first.id]
		});
		const client = new TestClient(stack.socket(moved.cookie));
		const gone = new TestClient(stack.socket(disabled.cookie));
		await waitFor(() => client.ready && gone.ready, 10_000, 'subscriptions');
		expect([...client.rows.keys()]).toEqual(['94001']);
		const ended = whenEnded(gone.socket, 30_000);

		// Access changes while the tailer is down land in the purged binlog: never seen live.
		await losePosition(async () => {
			await dashRows(stack, 'UPDATE user_queues SET queue_id = ? WHERE user_id = ?', [
				second.id,
				moved.userId
			]);
			await dashRows(stack, 'UPDATE users SET disabled = 1 WHERE id = ?', [disabled.userId]);
		});

		expect((await ended).disconnect).toBe('io server disconnect');
		await waitFor(
			() => client.ready && client.epoch === stack.app.live.changeLog.epoch,
			10_000,
			'the resubscribe'
		);
		expect([...client.rows.keys()]).toEqual(['94002']);
		expect([...client.rows.values()].every((row) => row.queueId === second.id)).toBe(true);
	});
});
