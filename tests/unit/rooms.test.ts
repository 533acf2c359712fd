import { isDeepStrictEqual } from 'node:util';
import { describe, it, expect } from 'vitest';
import type { InteractionChange } from '$lib/interaction';
import { deliveriesOf, queueRoom, roomsFor, tenantRoom } from '$lib/server/realtime/rooms';
import { projectChange, type Scope } from '$lib/server/scope';
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
		// Seeded, so a failure reproduces from its case number.
		const random = new Rng(20260308);
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
