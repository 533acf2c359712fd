import { describe, it, expect } from 'vitest';
import type { Interaction, InteractionChange } from '$lib/interaction';
import { applyChange, belongsToToday, dropBeforeToday, removalKeepsRow } from '$lib/live/apply';
import { interaction, removal, upsert } from './fixtures';

const TODAY = Date.parse('2026-03-10T00:00:00.000Z');
const YESTERDAY = '2026-03-09T23:59:59.999Z';

const mapOf = (...rows: Interaction[]) => new Map(rows.map((row) => [row.id, row]));

describe('applyChange', () => {
	it('inserts a new row and replaces an existing one', () => {
		const rows = new Map<string, Interaction>();
		const fresh = interaction({ id: '7' });
		expect(applyChange(rows, upsert(fresh), TODAY)).toBe(true);
		expect(rows.get('7')).toEqual(fresh);

		const answered = interaction({ id: '7', status: 'active', answeredAt: '2026-03-10T10:00:05Z' });
		expect(applyChange(rows, upsert(answered, 2), TODAY)).toBe(true);
		expect(rows.size).toBe(1);
		expect(rows.get('7')).toBe(answered);
	});

	it('removes a row, and reports a removal of an unknown id as a no-op', () => {
		const row = interaction({ id: '7' });
		const rows = mapOf(row, interaction({ id: '8' }));
		expect(applyChange(rows, removal(row), TODAY)).toBe(true);
		expect([...rows.keys()]).toEqual(['8']);
		expect(applyChange(rows, removal(row), TODAY)).toBe(false);
		expect([...rows.keys()]).toEqual(['8']);
	});

	it('a removal from active does not erase a row that is already closed', () => {
		const closed = interaction({ id: '7', status: 'closed', closedAt: '2026-03-10T10:05:00Z' });
		const rows = mapOf(closed);
		expect(applyChange(rows, removal(closed, 'active'), TODAY)).toBe(false);
		expect(rows.get('7')).toBe(closed);
	});

	it('a removal from active erases a row that is still in progress', () => {
		const acw = interaction({ id: '7', status: 'acw' });
		const rows = mapOf(acw);
		expect(applyChange(rows, removal(acw, 'active'), TODAY)).toBe(true);
		expect(rows.has('7')).toBe(false);
	});

	it('a removal from closed (or of unknown origin) erases a closed row', () => {
		const closed = interaction({ id: '7', status: 'closed' });
		const fromClosed = mapOf(closed);
		expect(applyChange(fromClosed, removal(closed, 'closed'), TODAY)).toBe(true);
		expect(fromClosed.size).toBe(0);
		const unknown = mapOf(closed);
		expect(applyChange(unknown, removal(closed), TODAY)).toBe(true);
		expect(unknown.size).toBe(0);
	});

	it('a close in two transactions keeps the closed row whichever order they arrive in', () => {
		const active = interaction({ id: '7', status: 'acw' });
		const closed = interaction({ id: '7', status: 'closed', closedAt: '2026-03-10T10:05:00Z' });
		const insertFirst = mapOf(active);
		applyChange(insertFirst, upsert(closed, 2), TODAY);
		applyChange(insertFirst, removal(active, 'active', 3), TODAY);
		expect(insertFirst.get('7')).toBe(closed);

		const deleteFirst = mapOf(active);
		applyChange(deleteFirst, removal(active, 'active', 2), TODAY);
		applyChange(deleteFirst, upsert(closed, 3), TODAY);
		expect(deleteFirst.get('7')).toBe(closed);
	});

	it('replaying the same changes gives the same map', () => {
		const a = interaction({ id: '1' });
		const b = interaction({ id: '2', status: 'active' });
		const bClosed = interaction({ id: '2', status: 'closed' });
		const changes: InteractionChange[] = [
			upsert(a, 1),
			upsert(b, 2),
			upsert(bClosed, 3),
			removal(b, 'active', 4),
			removal(a, undefined, 5),
			upsert(interaction({ id: '3', status: 'closed', createdAt: YESTERDAY }), 6)
		];
		const once = new Map<string, Interaction>();
		for (const change of changes) applyChange(once, change, TODAY);
		const twice = new Map(once);
		for (const change of changes) {
			applyChange(twice, change, TODAY);
			applyChange(twice, change, TODAY);
		}
		expect(twice).toEqual(once);
		expect([...once.values()]).toEqual([bClosed]);

		// Replaying each change on its own is idempotent too, and reports a no-op for removals.
		for (const change of changes) {
			const rows = new Map(once);
			applyChange(rows, change, TODAY);
			const after = new Map(rows);
			const changed = applyChange(rows, change, TODAY);
			expect(rows).toEqual(after);
			if (change.row === null) expect(changed).toBe(false);
		}
	});

	it('drops a closed row created before today instead of storing it', () => {
		const old = interaction({ id: '7', status: 'active', createdAt: YESTERDAY });
		const rows = mapOf(old);
		const closedOld = { ...old, status: 'closed' as const, closedAt: '2026-03-10T00:10:00Z' };
		expect(applyChange(rows, upsert(closedOld), TODAY)).toBe(true);
		expect(rows.has('7')).toBe(false);
		// Not in the map: nothing to drop.
		expect(applyChange(rows, upsert(closedOld), TODAY)).toBe(false);
		expect(rows.size).toBe(0);
	});

	it('keeps rows in progress whenever they were created, and closed rows from midnight on', () => {
		const rows = new Map<string, Interaction>();
		const oldActive = interaction({ id: '1', status: 'active', createdAt: YESTERDAY });
		const atMidnight = interaction({
			id: '2',
			status: 'closed',
			createdAt: '2026-03-10T00:00:00.000Z'
		});
		applyChange(rows, upsert(oldActive), TODAY);
		applyChange(rows, upsert(atMidnight), TODAY);
		expect([...rows.keys()]).toEqual(['1', '2']);
	});
});

describe('removalKeepsRow (closed wins)', () => {
	it('keeps a closed row only against a removal from active', () => {
		const closed = interaction({ status: 'closed', closedAt: '2026-03-10T10:05:00Z' });
		expect(removalKeepsRow('active', closed)).toBe(true);
		expect(removalKeepsRow('closed', closed)).toBe(false);
		expect(removalKeepsRow(undefined, closed)).toBe(false);
		expect(removalKeepsRow('active', interaction({ status: 'active' }))).toBe(false);
		expect(removalKeepsRow('active', undefined)).toBe(false);
		expect(removalKeepsRow('active', null)).toBe(false);
	});
});

describe('belongsToToday', () => {
	it('is true for any open status and for closed rows created today', () => {
		for (const status of ['new', 'active', 'acw'] as const) {
			expect(belongsToToday(interaction({ status, createdAt: YESTERDAY }), TODAY)).toBe(true);
		}
		expect(belongsToToday(interaction({ status: 'closed', createdAt: YESTERDAY }), TODAY)).toBe(
			false
		);
		expect(
			belongsToToday(interaction({ status: 'closed', createdAt: '2026-03-10T00:00:00Z' }), TODAY)
		).toBe(true);
	});
});

describe('dropBeforeToday', () => {
	it('drops only closed rows created before the day started and counts them', () => {
		const rows = mapOf(
			interaction({ id: '1', status: 'closed', createdAt: YESTERDAY }),
			interaction({ id: '2', status: 'closed', createdAt: '2026-03-10T08:00:00Z' }),
			interaction({ id: '3', status: 'acw', createdAt: YESTERDAY }),
			interaction({ id: '4', status: 'closed', createdAt: '2026-03-01T08:00:00Z' }),
			interaction({ id: '5', status: 'new', createdAt: '2026-03-10T08:00:00Z' })
		);
		expect(dropBeforeToday(rows, TODAY)).toBe(2);
		expect([...rows.keys()]).toEqual(['2', '3', '5']);
		expect(dropBeforeToday(rows, TODAY)).toBe(0);
	});

	it('at the next midnight drops the closed rows of the day that ended', () => {
		const rows = mapOf(
			interaction({ id: '1', status: 'closed', createdAt: '2026-03-10T23:00:00Z' }),
			interaction({ id: '2', status: 'active', createdAt: '2026-03-10T23:00:00Z' })
		);
		expect(dropBeforeToday(rows, TODAY)).toBe(0);
		expect(dropBeforeToday(rows, Date.parse('2026-03-11T00:00:00Z'))).toBe(1);
		expect([...rows.keys()]).toEqual(['2']);
	});

	it('empties nothing from an empty map', () => {
		expect(dropBeforeToday(new Map(), TODAY)).toBe(0);
	});
});
