import { describe, expect, it } from 'vitest';
import type { Interaction, InteractionChange } from '../../src/lib/interaction';
import { LiveSync } from '../../src/lib/live/sync';
import { dayFrame } from '../../src/lib/queues/day';
import { DayBase, goalsOf, unpackIds, withBase, type DaySums } from '../../src/lib/queues/day-sums';
import { aggregateDay } from '../../src/lib/queues/figures';
import { SNAPSHOT_PART_ROWS, type SubscribeReply } from '../../src/lib/realtime';
import { newRow, TestPbx } from '../support/pbx';
import { subscribedAdmin } from '../support/client';
import { waitFor, type Stack } from '../support/stack';
import { stackForFile } from '../support/file-stack';

/**
 * The wall's day sums against a real MariaDB binlog: a wall display's figures (the closed rows
 * summed by the server, plus the rows in progress it holds) equal aggregateDay over every row a
 * Contact Center Admin holds, at the snapshot and after changes (closes, new contacts, a
 * transcription of a summed row); and a wall scoped to one queue is sent no figures of another.
 * A big tenant's rows in progress come in parts after the sums, as a screen's snapshot does.
 */

let stack: Stack;
stackForFile((ready) => (stack = ready));

describe('wall day sums', () => {
	it("equal the full computation, and carry no other queue's figures", async () => {
		const tenant = stack.lookups.tenants[0];
		const [inside, outside] = tenant.queues.map((q) => q.id);
		const agentId = tenant.agents[0].id;
		const pbx = new TestPbx(stack.admin, stack.pbxDb);
		// Today's contacts in both queues: some closed (answered or abandoned), some in progress.
		const ids = Array.from({ length: 24 }, (_, i) => 810_000 + i);
		for (const [i, id] of ids.entries()) {
			await pbx.insertNew({ id, tenantId: tenant.id, queueId: i % 2 ? inside : outside });
			if (i % 4 !== 0) await pbx.answer(id, agentId);
			if (i % 3 !== 0) await pbx.close(id);
		}
		const { token } = await stack.app.auth.wallTokens.create({
			label: 'day sums',
			tenantId: tenant.id,
			queueIds: [inside],
			createdBy: 0
		});
		const goals: [number, number][] = [
			[inside, 20],
			[outside, 20]
		];
		const rows = new Map<string, Interaction>();
		const changes: InteractionChange[] = [];
		let day: DaySums | null = null;
		const wall = new LiveSync(stack.socket('', { wallToken: token }), {
			request: { daySums: { serviceLevelSeconds: goals } },
			rows,
			hooks: {
				snapshot: (snapshot) => (day = snapshot.day ?? null),
				change: (change) => void changes.push(change),
				error: (message) => {
					throw new Error(message);
				}
			}
		});
		const { client: admin } = await subscribedAdmin(stack, tenant.id);
		await waitFor(() => wall.ready, 10_000, 'the wall subscribed');
		const sums = day as DaySums | null;
		if (!sums) throw new Error('no day sums in the snapshot');

		// The scope: the queue asked for outside it is neither summed nor echoed.
		expect(sums.queues.map(([queueId]) => queueId)).toEqual([inside]);
		expect(sums.serviceLevelSeconds).toEqual([[inside, 20]]);
		expect(sums.count).toBeGreaterThan(0);
		expect([...rows.values()].every((row) => row.queueId === inside)).toBe(true);
		expect([...rows.values()].some((row) => row.status === 'closed')).toBe(false);

		const base = new DayBase(sums);
		const frame = dayFrame(sums.startMs, tenant.timezone);
		const slOf = goalsOf([[inside, 20]]);
		const wallFigures = () => {
			const held = [...rows.values()].filter(base.counts);
			return withBase(aggregateDay(held, [inside], frame, slOf), base.days, frame.hourLabels.length); // prettier-ignore
		};
		const fullFigures = () => aggregateDay(admin.rows.values(), [inside], frame, slOf);
		expect(fullFigures().get(inside)!.closedToday).toBeGreaterThan(0);
		expect(wallFigures()).toEqual(fullFigures());

		// Then the day goes on: contacts in progress close, new ones come, and a summed row's
		// transcription arrives (a change to it that leaves its figures as they were).
		const summedId = Number(unpackIds(sums.ids)[0]);
		await pbx.insertTranscription(summedId, [{ speaker: 'agent', start: 0, end: 1, text: 'Hello' }]); // prettier-ignore
		for (const [i, id] of ids.entries()) {
			if (i % 3 === 0) await pbx.close(id);
		}
		for (let i = 0; i < 6; i++) {
			await pbx.insertNew({ id: 811_000 + i, tenantId: tenant.id, queueId: inside });
		}
		await waitFor(() => changes.some((c) => c.id === String(summedId)), 10_000, 'the transcription'); // prettier-ignore
		await waitFor(
			() => JSON.stringify([...wallFigures()]) === JSON.stringify([...fullFigures()]),
			10_000,
			"the wall's figures to equal the full computation after the changes"
		);
		expect(changes.some((change) => base.invalidatedBy(change))).toBe(false);
		expect(wallFigures().get(inside)!.closedToday).toBe(fullFigures().get(inside)!.closedToday);
		expect(changes.every((c) => c.row === null || c.row.queueId === inside)).toBe(true);
		wall.detach();
	});

	it('come with the rows in progress in parts after them, and still add up to every row', async () => {
		const tenant = stack.lookups.tenants[0];
		const queueIds = tenant.queues.map((q) => q.id);
		const pbx = new TestPbx(stack.admin, stack.pbxDb);
		// More than two parts' worth in progress, and closed rows to sum beside them.
		const inProgress = SNAPSHOT_PART_ROWS * 2 + 40;
		const open = Array.from({ length: inProgress }, (_, i) =>
			newRow({ id: 820_000 + i, tenantId: tenant.id, queueId: queueIds[i % queueIds.length] })
		);
		await pbx.insertActive(open);
		for (let i = 0; i < 6; i++) {
			await pbx.insertNew({ id: 821_000 + i, tenantId: tenant.id, queueId: queueIds[0] });
			await pbx.close(821_000 + i);
		}
		const { token } = await stack.app.auth.wallTokens.create({
			label: 'big tenant',
			tenantId: tenant.id,
			queueIds: 'all',
			createdBy: 0
		});
		const { client: admin } = await subscribedAdmin(stack, tenant.id);
		const last = String(821_005);
		await waitFor(() => admin.rows.get(last)?.status === 'closed', 10_000, 'the admin holding every row'); // prettier-ignore
		const goals = queueIds.map((id): [number, number] => [id, 20]);
		const held = [...admin.rows.values()].filter((row) => row.status !== 'closed');
		expect(held.length).toBeGreaterThanOrEqual(inProgress);

		// On the wire: the reply holds the sums and a first part; the other parts follow it.
		const socket = stack.socket('', { wallToken: token });
		const reply = await new Promise<SubscribeReply>((resolve) =>
			socket.emit('live:subscribe', { daySums: { serviceLevelSeconds: goals } }, resolve)
		);
		if (!reply.ok || reply.kind !== 'snapshot') throw new Error('no snapshot');
		expect(reply.snapshot.day?.count).toBeGreaterThanOrEqual(6);
		expect(reply.snapshot.rows.length).toBe(SNAPSHOT_PART_ROWS);
		expect(reply.parts?.count).toBe(Math.ceil(held.length / SNAPSHOT_PART_ROWS));
		socket.disconnect();

		// Applied: the rows held are every row in progress, and with the sums they add up to
		// the figures of every row the admin holds.
		const rows = new Map<string, Interaction>();
		let day: DaySums | null = null;
		const wall = new LiveSync(stack.socket('', { wallToken: token }), {
			request: { daySums: { serviceLevelSeconds: goals } },
			rows,
			hooks: { snapshot: (snapshot) => (day = snapshot.day ?? null) }
		});
		await waitFor(() => wall.ready, 10_000, 'the wall subscribed');
		const sums = day as DaySums | null;
		if (!sums) throw new Error('no day sums in the snapshot');
		expect(rows.size).toBe(held.length);
		const base = new DayBase(sums);
		const frame = dayFrame(sums.startMs, tenant.timezone);
		const slOf = goalsOf(goals);
		const wallFigures = withBase(aggregateDay([...rows.values()].filter(base.counts), queueIds, frame, slOf), base.days, frame.hourLabels.length); // prettier-ignore
		expect(wallFigures).toEqual(aggregateDay(admin.rows.values(), queueIds, frame, slOf));
		wall.detach();
	});
});
