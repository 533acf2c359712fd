import { afterEach, describe, it, expect, vi } from 'vitest';
import type { InteractionChange } from '$lib/interaction';
import type { ChangesMessage } from '$lib/realtime';
import { Fanout, scopeRoom, WALL_BATCH_MS } from '$lib/server/realtime/rooms';
import { projectChange, viewChange, type RowView, type Scope } from '$lib/server/scope';
import { Rng } from '../../scripts/lib/random';
import { interaction } from './fixtures';

const QUEUES = [null, 1, 2, 3, 4] as const;

function randomChange(random: Rng, seq: number): InteractionChange {
	const tenantId = random.int(1, 3);
	const before = Array.from({ length: random.int(0, 2) }, () => random.pick(QUEUES));
	const id = String(random.int(1, 20));
	if (random.next() < 0.35) {
		const removedFrom = random.pick([undefined, 'active', 'closed'] as const);
		const queueIds = [...new Set(before)];
		return { seq, id, tenantId, queueIds, row: null, ...(removedFrom ? { removedFrom } : {}) };
	}
	const queueId = random.pick(QUEUES);
	// buildChanges always lists the row's own queue; also try changes that do not.
	const queueIds = [...new Set(random.next() < 0.85 ? [...before, queueId] : before)];
	const status = random.pick(['new', 'active', 'acw', 'closed'] as const);
	return { seq, id, tenantId, queueIds, row: interaction({ id, tenantId, queueId, status }) };
}

function randomScope(random: Rng): Scope {
	const tenantId = random.int(1, 3);
	if (random.next() < 0.3) return { tenantId, queues: 'all' };
	return { tenantId, queues: new Set([1, 2, 3, 4].filter(() => random.next() < 0.4)) };
}

/** Change `seq` of tenant 1's interaction `seq`, in `queueId`. */
function change(seq: number, queueId = 1): InteractionChange {
	const id = String(seq);
	const row = interaction({ id, tenantId: 1, queueId });
	return { seq, id, tenantId: 1, queueIds: [queueId], row };
}

/** A fan-out over fake rooms: what each room was sent, message by message. */
function harness() {
	const members = new Set<string>();
	const sent = new Map<string, ChangesMessage[]>();
	const fanout = new Fanout({
		hasMembers: (room) => members.has(room),
		emit: (room, message) => sent.set(room, [...(sent.get(room) ?? []), message])
	});
	const join = (scope: Scope, view: RowView = 'full') => {
		const room = fanout.roomFor(scope, view);
		members.add(room);
		return room;
	};
	const received = (room: string) => (sent.get(room) ?? []).flatMap((m) => m.changes);
	return { fanout, members, sent, join, received };
}

describe('scopeRoom', () => {
	it('one room per whole scope: the tenant, or the tenant and its sorted queues', () => {
		expect(scopeRoom({ tenantId: 2, queues: 'all' })).toBe('tenant:2');
		expect(scopeRoom({ tenantId: 2, queues: new Set([3, 1]) })).toBe('tenant:2:queues:1,3');
		expect(scopeRoom({ tenantId: 2, queues: 'all' }, 'wall')).toBe('wall:tenant:2');
	});
});

describe('Fanout', () => {
	it('sends each room exactly what projectChange admits, in seq order, walls only the board fields (property, seeded)', () => {
		// Seeded, so a failure reproduces from its case number.
		const random = new Rng(20260308);
		const { fanout, join, received } = harness();
		const scopes = Array.from({ length: 12 }, () => randomScope(random));
		const views = scopes.map((_, i): RowView => (i % 3 === 0 ? 'wall' : 'full'));
		const rooms = scopes.map((scope, i) => join(scope, views[i]));
		const all: InteractionChange[] = [];
		for (let batch = 0; batch < 300; batch++) {
			const changes = Array.from({ length: random.int(1, 8) }, () =>
				randomChange(random, all.length + 1)
			);
			// Number after creation so seqs follow the order of the batch.
			changes.forEach((change, i) => (change.seq = all.length + i + 1));
			all.push(...changes);
			fanout.push('e1', changes);
			if (random.next() < 0.5) fanout.flush();
		}
		fanout.flush();
		let removals = 0;
		scopes.forEach((scope, i) => {
			const want = all.flatMap((change) => {
				const visible = projectChange(change, scope);
				return visible ? [viewChange(visible, views[i])] : [];
			});
			removals += want.filter((c) => c.row === null).length;
			expect(received(rooms[i])).toEqual(want);
		});
		expect(removals).toBeGreaterThan(50);
	});

	it('one message per room per turn, however many changes', async () => {
		const { fanout, join, sent } = harness();
		const room = join({ tenantId: 1, queues: 'all' });
		for (let seq = 1; seq <= 50; seq++) {
			const row = interaction({ id: String(seq), tenantId: 1, queueId: 1 });
			fanout.push('e1', [{ seq, id: String(seq), tenantId: 1, queueIds: [1], row }]);
		}
		expect(sent.get(room)).toBeUndefined();
		await new Promise((resolve) => setImmediate(resolve));
		expect(sent.get(room)).toHaveLength(1);
		expect(sent.get(room)?.[0].changes.map((c) => c.seq)).toEqual(
			Array.from({ length: 50 }, (_, i) => i + 1)
		);
	});

	it('never mixes epochs in one message: a new epoch flushes the old batch first', () => {
		const { fanout, join, sent } = harness();
		const room = join({ tenantId: 1, queues: 'all' });
		fanout.push('old', [change(7), change(8)]);
		fanout.push('new', [change(1)]);
		fanout.flush();
		expect(sent.get(room)?.map((m) => [m.epoch, m.changes.map((c) => c.seq)])).toEqual([
			['old', [7, 8]],
			['new', [1]]
		]);
	});

	it('a socket that left its room mid-batch (scope changed) is sent nothing more there', () => {
		const { fanout, join, members, sent } = harness();
		const room = join({ tenantId: 1, queues: new Set([1]) });
		const row = interaction({ id: '1', tenantId: 1, queueId: 1 });
		fanout.push('e1', [{ seq: 1, id: '1', tenantId: 1, queueIds: [1], row }]);
		members.delete(room);
		fanout.flush();
		expect(sent.get(room)).toBeUndefined();
	});

	it('a supervisor of two queues gets one message with both, in seq order', () => {
		const { fanout, join, received } = harness();
		const room = join({ tenantId: 1, queues: new Set([1, 2]) });
		fanout.push('e1', [change(1, 1), change(2, 2), change(3, 1), change(4, 3)]);
		fanout.flush();
		expect(received(room).map((c) => c.seq)).toEqual([1, 2, 3]);
	});

	describe('wall displays', () => {
		afterEach(() => vi.useRealTimers());

		it('a busy stream reaches a wall in a message per WALL_BATCH_MS, the first at once, every change in order', () => {
			vi.useFakeTimers();
			const { fanout, join, sent, received } = harness();
			const wall = join({ tenantId: 1, queues: 'all' }, 'wall');
			const screen = join({ tenantId: 1, queues: 'all' });
			// 50 changes a second for two seconds, one a turn of the event loop.
			for (let seq = 1; seq <= 100; seq++) {
				fanout.push('e1', [change(seq)]);
				vi.advanceTimersByTime(20);
				if (seq === 1) expect(sent.get(wall)).toHaveLength(1);
			}
			vi.advanceTimersByTime(WALL_BATCH_MS);
			expect(received(wall).map((c) => c.seq)).toEqual(
				Array.from({ length: 100 }, (_, i) => i + 1)
			);
			const messages = sent.get(wall)!.length;
			expect(messages).toBeLessThanOrEqual(Math.ceil(2_000 / WALL_BATCH_MS) + 2);
			// A screen's room is not paced: each turn's change goes out in that turn.
			expect(sent.get(screen)).toHaveLength(100);
			fanout.close();
		});

		it('a flush (a resync, a new epoch) sends a wall what is pending at once', () => {
			vi.useFakeTimers();
			const { fanout, join, received } = harness();
			const wall = join({ tenantId: 1, queues: 'all' }, 'wall');
			fanout.push('e1', [change(1)]);
			vi.advanceTimersByTime(1);
			fanout.push('e1', [change(2)]);
			expect(received(wall).map((c) => c.seq)).toEqual([1]);
			fanout.push('e2', [change(1)]);
			expect(received(wall).map((c) => c.seq)).toEqual([1, 2]);
			fanout.close();
		});
	});
});
