import { isDeepStrictEqual } from 'node:util';
import { describe, it, expect } from 'vitest';
import type { InteractionChange } from '$lib/interaction';
import { deliveriesOf, queueRoom, roomsFor, tenantRoom } from '$lib/server/realtime/rooms';
import { projectChange, type Scope } from '$lib/server/scope';
import { interaction } from './fixtures';

/** mulberry32: a small seeded PRNG, so a failure reproduces from its case number. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Random = () => number;
const int = (random: Random, min: number, max: number) =>
	min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, 0, items.length - 1)];
const QUEUES = [null, 1, 2, 3, 4] as const;

function randomChange(random: Random, seq: number): InteractionChange {
	const tenantId = int(random, 1, 3);
	const before = Array.from({ length: int(random, 0, 2) }, () => pick(random, QUEUES));
	const id = String(int(random, 1, 20));
	if (random() < 0.35) {
		const removedFrom = pick(random, [undefined, 'active', 'closed'] as const);
		const queueIds = [...new Set(before)];
		return { seq, id, tenantId, queueIds, row: null, ...(removedFrom ? { removedFrom } : {}) };
	}
	const queueId = pick(random, QUEUES);
	// buildChanges always lists the row's own queue; also try changes that do not.
	const queueIds = [...new Set(random() < 0.85 ? [...before, queueId] : before)];
	const status = pick(random, ['new', 'active', 'acw', 'closed'] as const);
	return { seq, id, tenantId, queueIds, row: interaction({ id, tenantId, queueId, status }) };
}

function randomScope(random: Random): Scope {
	const tenantId = int(random, 1, 3);
	if (random() < 0.3) return { tenantId, queues: 'all' };
	return { tenantId, queues: new Set([1, 2, 3, 4].filter(() => random() < 0.4)) };
}

/** What a socket in `rooms` is sent, with socket.io's to(...).except(...) semantics. */
function received(rooms: readonly string[], change: InteractionChange): InteractionChange[] {
	const joined = new Set(rooms);
	return deliveriesOf(change)
		.filter((d) => d.to.some((room) => joined.has(room)))
		.filter((d) => !d.except.some((room) => joined.has(room)))
		.map((d) => d.change);
}

describe('roomsFor', () => {
	it('a whole tenant joins the tenant room only; a queue scope one room per queue', () => {
		expect(roomsFor({ tenantId: 2, queues: 'all' })).toEqual(['tenant:2']);
		expect(roomsFor({ tenantId: 2, queues: new Set([1, 3]) }).sort()).toEqual([
			'tenant:2:queue:1',
			'tenant:2:queue:3'
		]);
		expect(roomsFor({ tenantId: 2, queues: new Set() })).toEqual([]);
		expect(queueRoom(2, null)).toBe('tenant:2:queue:none');
		expect(tenantRoom(2)).toBe('tenant:2');
	});
});

describe('deliveriesOf', () => {
	it('a row that moved queues: the change to its rooms, a removal to the queue it left', () => {
		const row = interaction({ id: '5', tenantId: 1, queueId: 2 });
		const deliveries = deliveriesOf({ seq: 3, id: '5', tenantId: 1, queueIds: [1, 2], row });
		expect(deliveries).toEqual([
			{
				to: ['tenant:1', 'tenant:1:queue:2'],
				except: [],
				change: expect.objectContaining({ row })
			},
			{
				to: ['tenant:1:queue:1'],
				except: ['tenant:1', 'tenant:1:queue:2'],
				change: { seq: 3, id: '5', tenantId: 1, queueIds: [1, 2], row: null }
			}
		]);
	});

	it('agrees with projectChange for every scope (property, 3,000 seeded cases)', () => {
		const random = prng(20260308);
		const mismatches: unknown[] = [];
		let delivered = 0;
		let removals = 0;
		for (let n = 0; n < 3000; n++) {
			const change = randomChange(random, n + 1);
			const scopes = Array.from({ length: 4 }, () => randomScope(random));
			for (const scope of scopes) {
				const expected = projectChange(change, scope);
				const want = expected ? [expected] : [];
				const got = received(roomsFor(scope), change);
				if (!isDeepStrictEqual(got, want) && mismatches.length < 5) {
					mismatches.push({ case: n, change, scope: [scope.tenantId, scope.queues], got, want });
				}
				if (expected) delivered++;
				if (expected && expected.row === null && change.row !== null) removals++;
			}
		}
		expect(mismatches).toEqual([]);
		// The generator must reach every branch, or the property proves little.
		expect(delivered).toBeGreaterThan(2000);
		expect(removals).toBeGreaterThan(100);
	});
});
