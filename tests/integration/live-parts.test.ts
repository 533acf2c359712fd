import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/lib/interaction';
import { LiveSync } from '../../src/lib/live/sync';
import {
	SNAPSHOT_PART_ROWS,
	type ChangesMessage,
	type HeartbeatMessage,
	type SnapshotPart,
	type SubscribeReply
} from '../../src/lib/realtime';
import { lifecycleBurst } from '../support/burst';
import { newRow, TestPbx } from '../support/pbx';
import { waitFor, type LiveClient, type Stack } from '../support/stack';
import { stackForFile } from '../support/file-stack';

/**
 * A big snapshot in parts (issue 26): the reply holds the first part, `live:snapshot` messages
 * the rest, and the client applies them one task each. Changes committed meanwhile must land
 * exactly once, after the snapshot's position: the rows the client ends with are the
 * database's. And a replay's subscription (`rows: false`) is sent no rows at all (issue 25).
 */

let stack: Stack;
stackForFile((ready) => (stack = ready));

/** More than two parts' worth of rows in progress, so a snapshot has at least three parts. */
const ROWS = SNAPSHOT_PART_ROWS * 2 + 500;
const FIRST_ID = 8_100_000;

function subscribe(socket: LiveClient, request: object): Promise<SubscribeReply> {
	return new Promise((resolve) => socket.emit('live:subscribe', request, resolve));
}

describe('a snapshot in parts', () => {
	it('ends with the database rows when changes are committed while its parts come and apply', async () => {
		const tenant = stack.lookups.tenants[0];
		const pbx = new TestPbx(stack.admin, stack.pbxDb);
		const rows = Array.from({ length: ROWS }, (_, i) =>
			newRow({
				id: FIRST_ID + i,
				tenantId: tenant.id,
				queueId: tenant.queues[i % tenant.queues.length].id,
				createdAt: new Date(Date.now() - 60_000 + i)
			})
		);
		for (let i = 0; i < rows.length; i += 500) await pbx.insertActive(rows.slice(i, i + 500));
		await waitFor(
			() => stack.app.live.state.get(tenant.id, String(FIRST_ID + ROWS - 1)) !== undefined,
			20_000,
			'the rows in the live state'
		);

		// Commits go on the whole time: the tenant's rows in progress answered and closed,
		// new lifecycles inserted and closed.
		let writing = true;
		const writes = (async () => {
			let n = 0;
			while (writing) {
				const id = FIRST_ID + ((n * 7) % ROWS);
				if (n % 2 === 0) await pbx.answer(id, tenant.agents[n % tenant.agents.length].id);
				else await pbx.close(id, { dispositionId: tenant.dispositions[0].id });
				n++;
			}
			return n;
		})();
		const burst = lifecycleBurst(stack, tenant, {
			interactions: 60,
			firstId: FIRST_ID + ROWS + 1000,
			concurrency: 4
		});

		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: tenant.id });
		const socket = stack.socket(cookie);
		const own = new Map<string, Interaction>();
		const partsSeen: number[] = [];
		const changesWhileParts: number[] = [];
		const applied = new Map<string, number[]>();
		socket.on('live:snapshot', (part: SnapshotPart) => partsSeen.push(part.part));
		socket.on('live:changes', (message: ChangesMessage) => {
			if (!sync.ready) changesWhileParts.push(message.changes.length);
		});
		// Each part a few milliseconds after the one before, as a slow screen applies them: the
		// commits above keep arriving in between.
		const sync: LiveSync = new LiveSync(socket, {
			rows: own,
			defer: (task) => setTimeout(task, 15),
			hooks: {
				snapshot: () => applied.clear(),
				change: (change) => applied.set(change.id, [...(applied.get(change.id) ?? []), change.seq])
			}
		});
		await waitFor(() => sync.ready, 30_000, 'the snapshot in parts');

		await burst;
		writing = false;
		const written = await writes;
		expect(written).toBeGreaterThan(0);
		// The database is final now; the last commits may still be on their way down the binlog.
		const database = await stack.databaseView(tenant);
		const statusesNow = () => new Map([...own.values()].map((row) => [row.id, row.status]));
		const same = () => [...database].every(([id, status]) => statusesNow().get(id) === status);
		await waitFor(same, 20_000, 'the last change').catch(() => undefined);

		// At least three parts: the reply's and two or more after it.
		expect(partsSeen.length).toBeGreaterThanOrEqual(2);
		// Changes did come while the parts were being applied (the case this test is about).
		expect(changesWhileParts.length).toBeGreaterThan(0);
		const statuses = statusesNow();
		const differ = [...database].filter(([id, status]) => statuses.get(id) !== status);
		expect(differ.map(([id, status]) => `${id} ${status} ${statuses.get(id)}`)).toEqual([]);
		expect(statuses).toEqual(database);
		// Every change applied once, in order.
		for (const [id, seqs] of applied) {
			expect([...new Set(seqs)], id).toEqual(seqs);
			expect(
				[...seqs].sort((a, b) => a - b),
				id
			).toEqual(seqs);
		}
		sync.detach();
		socket.disconnect();
	});

	it('sends a replay screen (rows: false) its position and heartbeats, never rows or changes', async () => {
		const tenant = stack.lookups.tenants[0];
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: tenant.id });
		const socket = stack.socket(cookie);
		const changes: ChangesMessage[] = [];
		const parts: SnapshotPart[] = [];
		const heartbeats: HeartbeatMessage[] = [];
		socket.on('live:changes', (message: ChangesMessage) => changes.push(message));
		socket.on('live:snapshot', (message: SnapshotPart) => parts.push(message));
		socket.on('live:heartbeat', (message: HeartbeatMessage) => heartbeats.push(message));
		const reply = await subscribe(socket, { rows: false });
		expect(reply.ok && reply.kind === 'snapshot' && reply.snapshot.rows).toEqual([]);
		expect(reply.ok && reply.kind === 'snapshot' && reply.snapshot.epoch).toBe(
			stack.app.live.changeLog.epoch
		);
		await new TestPbx(stack.admin, stack.pbxDb).insertNew({
			id: FIRST_ID - 1,
			tenantId: tenant.id,
			queueId: tenant.queues[0].id
		});
		await waitFor(() => heartbeats.length > 0, 10_000, 'a heartbeat');
		await waitFor(
			() => stack.app.live.state.get(tenant.id, String(FIRST_ID - 1)) !== undefined,
			10_000,
			'the new row in the live state'
		);
		expect(changes).toEqual([]);
		expect(parts).toEqual([]);
		// The same socket asks for the rows again (back to live): the whole day, in parts.
		const live = await subscribe(socket, {});
		expect(live.ok && live.kind === 'snapshot' && live.parts?.count).toBeGreaterThanOrEqual(3);
		socket.disconnect();
	});
});
