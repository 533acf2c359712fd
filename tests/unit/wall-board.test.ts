import { describe, expect, it } from 'vitest';
import {
	boardOptionProblems,
	groupAt,
	parseBoardOptions,
	queueGroups,
	wallLayout
} from '$lib/wall/board-options';
import { freshness } from '$lib/wall/freshness';
import { fitRows, liveRows, redFlash, secondsSince } from '$lib/wall/live-list';
import { DEFAULT_THRESHOLDS, rowLevel } from '$lib/queues/thresholds';
import { interaction } from './fixtures';

describe('liveRows', () => {
	const at = (s: number) => new Date(Date.UTC(2026, 2, 10, 10, 0, s)).toISOString();
	const rows = [
		interaction({
			id: 'a',
			status: 'acw',
			createdAt: at(0),
			answeredAt: at(1),
			acwStartedAt: at(9)
		}),
		interaction({ id: 'b', status: 'new', createdAt: at(5) }),
		interaction({ id: 'c', status: 'active', createdAt: at(0), answeredAt: at(3) }),
		interaction({ id: 'd', status: 'new', createdAt: at(2) }),
		interaction({ id: 'e', status: 'closed', createdAt: at(0), closedAt: at(4) }),
		interaction({ id: 'f', status: 'new', createdAt: at(0), queueId: 2 })
	];

	it('lists waiting first, then talking, then wrap-up, longest first, of the queues shown', () => {
		expect(liveRows(rows, [1]).map((r) => r.id)).toEqual(['d', 'b', 'c', 'a']);
	});

	it('times a row from when it entered its status', () => {
		expect(secondsSince(rows[0], Date.parse(at(39)))).toBe(30);
		expect(secondsSince(rows[1], Date.parse(at(4)))).toBe(0);
	});
});

describe('fitRows', () => {
	it('shows everything that fits, else one line less and "+N more"', () => {
		expect(fitRows(5, 5)).toEqual({ shown: 5, more: 0 });
		expect(fitRows(6, 5)).toEqual({ shown: 4, more: 2 });
		expect(fitRows(3, 0)).toEqual({ shown: 0, more: 3 });
	});
});

describe('redFlash', () => {
	const t = DEFAULT_THRESHOLDS; // waiting red over 120 s, talking over 900 s

	it('lights a row three times, a second each, as it crosses into red, then holds still', () => {
		const lit = (status: 'new' | 'active' | 'acw', from: number, to: number) =>
			Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((s) =>
				redFlash(status, s, t)
			);
		expect(lit('new', 100, 140)).toEqual([121, 123, 125]);
		expect(lit('active', 890, 920)).toEqual([901, 903, 905]);
		// Every lit second is a red one: the flash marks the crossing rowLevel colours.
		for (const s of lit('acw', 100, 140)) expect(rowLevel('acw', s, t)).toBe('red');
	});

	it('leaves a row that has long been red, and closed rows, alone', () => {
		expect(redFlash('new', 3 * 3600, t)).toBe(false);
		expect(redFlash('closed', 121, t)).toBe(false);
	});
});

describe('freshness', () => {
	const base = { openedAt: 1_000, lastHeardAt: 10_000 };

	it('is live while the feed says so, with the age of the last word', () => {
		expect(freshness({ ...base, status: 'live', now: 13_500 })).toEqual({
			state: 'live',
			ageSeconds: 3,
			staleSinceMs: null
		});
	});

	it('is stale since the last word when the feed passed its deadline, socket open or not', () => {
		for (const status of ['stale', 'reconnecting', 'error'] as const) {
			expect(freshness({ ...base, status, now: 14_000 })).toMatchObject({
				state: 'stale',
				staleSinceMs: 10_000
			});
		}
	});

	it('is connecting until the feed gives up on the first connection, then stale since opening', () => {
		const first = { openedAt: 1_000, lastHeardAt: 0 };
		expect(freshness({ ...first, status: 'connecting', now: 2_000 }).state).toBe('connecting');
		expect(freshness({ ...first, status: 'stale', now: 5_000 })).toMatchObject({
			state: 'stale',
			ageSeconds: null,
			staleSinceMs: 1_000
		});
	});

	it('says when the feed has ended for good', () => {
		expect(freshness({ ...base, status: 'ended', now: 10_500 }).state).toBe('ended');
	});
});

describe('board options', () => {
	it('reads a queue subset, a rotation period and a group size from the address', () => {
		const options = parseBoardOptions(new URLSearchParams('queues=3,5,x,3&rotate=30&group=4'));
		expect(options).toEqual({ queueIds: [3, 5], rotateSeconds: 30, perGroup: 4 });
	});

	it('falls back to defaults when a setting is absent', () => {
		const options = parseBoardOptions(new URLSearchParams(''));
		expect(options).toEqual({ queueIds: null, rotateSeconds: 0, perGroup: 6 });
	});

	it('names every bad setting, so nonsense is refused rather than shown as the default', () => {
		const problems = (query: string) => boardOptionProblems(new URLSearchParams(query));
		expect(problems('queues=3,5&rotate=30&group=4')).toEqual([]);
		expect(problems('rotate=1&group=99&queues=')).toEqual([
			'queues is empty: list queue numbers separated by commas, e.g. queues=3,5',
			'rotate must be a whole number of seconds from 5 to 3600 (not "1")',
			'group must be a whole number of queues a screen from 1 to 6 (not "99")'
		]);
		expect(problems('queues=3,x,0')).toEqual([
			'queues must be queue numbers separated by commas, e.g. queues=3,5 (not "x", "0")'
		]);
		expect(problems('rotate=2.5')).toHaveLength(1);
	});

	it('balances groups so the last screen is not a lone tile', () => {
		expect(queueGroups([1, 2, 3, 4, 5, 6, 7], 6).map((g) => g.length)).toEqual([4, 3]);
		expect(queueGroups([], 8)).toEqual([[]]);
	});

	it('rotates from the opening, so the first page gets its whole period', () => {
		expect(groupAt(0, 20, 3)).toBe(0);
		expect(groupAt(19_999, 20, 3)).toBe(0);
		expect(groupAt(20_000, 20, 3)).toBe(1);
		expect(groupAt(60_000, 20, 3)).toBe(0);
		expect(groupAt(123_456, 20, 1)).toBe(0);
	});

	it('lays tiles out in at most two rows, the list in the slots they leave free', () => {
		const shape = (n: number) => {
			const { columns, rows, listSlots, compact } = wallLayout(n);
			return [columns, rows, listSlots, compact];
		};
		expect([1, 3, 4, 5, 6].map(shape)).toEqual([
			[1, 1, 0, false],
			[3, 1, 0, false],
			[3, 2, 2, false],
			[3, 2, 1, true],
			[3, 2, 0, true]
		]);
		// A tile is never left without a slot, nor a slot empty.
		for (let n = 4; n <= 6; n++) {
			const { columns, rows, listSlots } = wallLayout(n);
			expect(n + listSlots).toBe(columns * rows);
		}
	});
});
