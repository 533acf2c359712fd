import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_FILTERS, matchesFilters, type ViewFilters } from '$lib/filters';
import type { Interaction } from '$lib/interaction';
import { compareRows } from '$lib/live/sort';
import { SortedRows } from '$lib/live/sorted-rows';
import { interaction } from './fixtures';
import { FakeRowSource, seededRandom } from './random-rows';

const STATUSES = ['new', 'active', 'acw', 'closed'] as const;
const QUEUES = ['Sales', 'Support', 'Billing'];

function randomRow(next: (n: number) => number, id: string): Interaction {
	const minute = String(next(60)).padStart(2, '0');
	return interaction({
		id,
		status: STATUSES[next(4)],
		queueId: next(3) + 1,
		queueName: QUEUES[next(3)],
		// Few distinct values, so ties (broken by Created, then id) happen often.
		agentName: next(3) === 0 ? null : `Agent ${next(4)}`,
		createdAt: `2026-03-10T10:${minute}:00.000Z`
	});
}

/** The filters with `patch`, as the grid applies them: what rows it shows, and in what order. */
function viewOf(patch: Partial<ViewFilters>) {
	const filters = { ...DEFAULT_FILTERS, ...patch };
	const matches = (row: Interaction) => matchesFilters(row, filters);
	return { filters, matches, order: compareRows(filters.sort, filters.dir, 0) };
}

function expected(source: FakeRowSource, filters: ViewFilters): Interaction[] {
	const { matches, order } = viewOf(filters);
	return [...source.rows.values()].filter(matches).sort(order);
}

/** The live grid's case: newest created first, every row shown, arrays reused; `at(m)` is 10:m. */
function liveGridByCreated() {
	return {
		order: compareRows('created', 'desc', 0),
		all: () => true,
		source: new FakeRowSource(),
		sorted: new SortedRows({ reuse: true }),
		at: (minute: number) => `2026-03-10T10:${String(minute).padStart(2, '0')}:00.000Z`
	};
}

describe('SortedRows', () => {
	const cases: Partial<ViewFilters>[] = [
		{ sort: 'created', dir: 'desc' },
		{ sort: 'agent', dir: 'asc' },
		{ sort: 'status', dir: 'desc', status: 'active' },
		{ sort: 'queue', dir: 'asc', queueId: 2 }
	];
	for (const patch of cases) {
		it(`keeps the same rows in the same order as a full sort (${JSON.stringify(patch)})`, () => {
			const { filters, matches, order } = viewOf(patch);
			const next = seededRandom(7);
			const source = new FakeRowSource();
			const sorted = new SortedRows();
			for (let i = 0; i < 50; i++) source.set(randomRow(next, String(i)));
			source.frame();
			for (let frame = 0; frame < 300; frame++) {
				// A few changes per frame: new rows, rows changing, rows leaving, the same row twice.
				for (let k = next(5); k > 0; k--) {
					const id = String(next(80));
					if (next(6) === 0) source.delete(id);
					else source.set(randomRow(next, id));
				}
				source.frame();
				expect(sorted.update(source, matches, order)).toEqual(expected(source, filters));
			}
		});
	}

	it('reusing its arrays, keeps the rows of a full sort, in a new array at every frame that changed them', () => {
		const { filters, matches, order } = viewOf({ sort: 'agent', dir: 'asc' });
		const next = seededRandom(5);
		const source = new FakeRowSource();
		const sorted = new SortedRows({ reuse: true });
		for (let i = 0; i < 50; i++) source.set(randomRow(next, String(i)));
		source.frame();
		let last = sorted.update(source, matches, order);
		for (let frame = 0; frame < 300; frame++) {
			for (let k = next(5); k > 0; k--) {
				const id = String(next(80));
				if (next(6) === 0) source.delete(id);
				else source.set(randomRow(next, id));
			}
			// Now and then a snapshot or a frame of many changes, after which the arrays start over.
			if (frame % 97 === 96) source.replaceAll([...source.rows.values()]);
			if (frame % 61 === 60) {
				for (let k = 0; k < 100; k++) source.set(randomRow(next, String(100 + next(200))));
			}
			source.frame();
			const rows = sorted.update(source, matches, order);
			expect(rows).toEqual(expected(source, filters));
			expect(rows === last).toBe(source.changedSince(source.version - 1)?.size === 0);
			last = rows;
		}
	});

	it('reusing its arrays, patches the one of the frame before last rather than copying the day', () => {
		const { order, all, source, sorted, at } = liveGridByCreated();
		source.set(interaction({ id: 'a', createdAt: at(0) }));
		source.frame();
		const arrays = [sorted.update(source, all, order)];
		for (let minute = 1; minute <= 4; minute++) {
			source.set(interaction({ id: `r${minute}`, createdAt: at(minute) }));
			source.frame();
			arrays.push(sorted.update(source, all, order));
		}
		expect(arrays[4].map((r) => r.id)).toEqual(['r4', 'r3', 'r2', 'r1', 'a']);
		expect(arrays[3]).not.toBe(arrays[4]);
		expect(arrays[4]).toBe(arrays[2]);
		expect(arrays[3]).toBe(arrays[1]);
	});

	it('puts a changed row that keeps its place back in that place, moving no other row', () => {
		// A status change on a grid sorted by Created: the day's rows must not be moved in memory
		// (out and back in, in the array and in its spare) for each of 200 changes a second.
		const { order, all, source, sorted, at } = liveGridByCreated();
		for (let minute = 0; minute < 10; minute++) {
			source.set(interaction({ id: `r${minute}`, status: 'new', createdAt: at(minute) }));
		}
		source.frame();
		sorted.update(source, all, order);
		const splice = vi.spyOn(Array.prototype, 'splice');
		try {
			for (const [frame, status] of (['active', 'acw', 'closed'] as const).entries()) {
				source.set(interaction({ id: `r${frame + 3}`, status, createdAt: at(frame + 3) }));
				source.set(interaction({ id: 'r0', status, createdAt: at(0) }));
				source.frame();
				const rows = sorted.update(source, all, order);
				expect(rows.map((r) => r.id)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((m) => `r${m}`));
				expect(rows[9 - frame - 3].status).toBe(status);
				expect(rows[9].status).toBe(status);
			}
			expect(splice).not.toHaveBeenCalled();
		} finally {
			splice.mockRestore();
		}
	});

	for (const patch of cases) {
		it(`merges frames of many changes (a snapshot's parts) as a full sort would (${JSON.stringify(patch)})`, () => {
			const { filters, matches, order } = viewOf(patch);
			const next = seededRandom(11);
			const source = new FakeRowSource();
			const sorted = new SortedRows();
			source.replaceAll([]);
			source.frame();
			sorted.update(source, matches, order);
			for (let frame = 0; frame < 20; frame++) {
				// 100–299 changes a frame: rows added (a part), some changed or gone again.
				for (let k = 100 + next(200); k > 0; k--) {
					const id = String(next(3000));
					if (next(8) === 0) source.delete(id);
					else source.set(randomRow(next, id));
				}
				source.frame();
				expect(sorted.update(source, matches, order)).toEqual(expected(source, filters));
			}
		});
	}

	it('patches only from the frame before, and sorts again after a snapshot or a skipped frame', () => {
		const { matches, order } = viewOf({});
		const source = new FakeRowSource();
		const sorted = new SortedRows();
		source.set(interaction({ id: 'a', createdAt: '2026-03-10T10:00:00.000Z' }));
		source.frame();
		expect(sorted.update(source, matches, order).map((r) => r.id)).toEqual(['a']);

		// Two frames go by unread: the second one's changes alone would lose 'b'.
		source.set(interaction({ id: 'b', createdAt: '2026-03-10T10:01:00.000Z' }));
		source.frame();
		source.set(interaction({ id: 'c', createdAt: '2026-03-10T10:02:00.000Z' }));
		source.frame();
		expect(sorted.update(source, matches, order).map((r) => r.id)).toEqual(['c', 'b', 'a']);

		source.replaceAll([interaction({ id: 'z' })]);
		source.frame();
		expect(sorted.update(source, matches, order).map((r) => r.id)).toEqual(['z']);
	});

	it('returns the same array while nothing changed, and a new one when something did', () => {
		const matches = () => true;
		const order = compareRows('created', 'desc', 0);
		const source = new FakeRowSource();
		const sorted = new SortedRows();
		source.set(interaction({ id: 'a' }));
		source.frame();
		const first = sorted.update(source, matches, order);
		expect(sorted.update(source, matches, order)).toBe(first);
		source.set(interaction({ id: 'b' }));
		source.frame();
		const second = sorted.update(source, matches, order);
		expect(second).not.toBe(first);
		expect(first.map((r) => r.id)).toEqual(['a']);
	});

	it('sorts again for a new filter or order, and for another source', () => {
		const source = new FakeRowSource();
		const sorted = new SortedRows();
		source.set(interaction({ id: 'a', status: 'new' }));
		source.set(interaction({ id: 'b', status: 'closed' }));
		source.frame();
		const order = compareRows('created', 'desc', 0);
		expect(sorted.update(source, () => true, order)).toHaveLength(2);
		expect(sorted.update(source, (row) => row.status === 'new', order)).toHaveLength(1);
		const other = new FakeRowSource();
		other.frame();
		expect(sorted.update(other, () => true, order)).toHaveLength(0);
	});
});
