import { describe, expect, it } from 'vitest';
import type { Interaction, InteractionChange } from '$lib/interaction';
import { applyChange } from '$lib/live/apply';
import { dayFrame } from '$lib/queues/day';
import {
	DayBase,
	figureKey,
	goalsOf,
	KEY_CHARS,
	keyAt,
	packIds,
	packKeys,
	unpackIds,
	withBase
} from '$lib/queues/day-sums';
import { aggregateDay } from '$lib/queues/figures';
import { DayTally } from '$lib/queues/tally';
import { daySnapshot } from '$lib/server/live/day-sums';
import { startOfZonedDay } from '$lib/time/zone';
import { interaction } from './fixtures';
import { FakeRowSource, randomRow, seededRandom } from './random-rows';

/**
 * The wall's day sums: the closed rows summed on the server at the snapshot's position, plus the
 * tally of the rows the browser holds, must equal aggregateDay over every row, whatever changes
 * follow; and a screen is never sent the sums of a queue outside its scope.
 */

const TZ = 'America/Chicago';
const NOW = Date.parse('2026-03-10T15:00:00Z');
const frame = dayFrame(startOfZonedDay(NOW, TZ), TZ);
const QUEUES = [1, 2, 3];
const GOALS: [number, number][] = [
	[1, 20],
	[2, 45],
	[3, 10]
];
const slOf = goalsOf(GOALS);
const tenant = { id: 1, name: 'Acme', timezone: TZ };
const everything = { tenantId: 1, queues: 'all' as const };

const upsert = (seq: number, row: Interaction): InteractionChange => ({
	seq,
	id: row.id,
	tenantId: 1,
	queueIds: [row.queueId],
	row
});

describe('day sums', () => {
	it('base + the tally of the rows held = aggregateDay over every row, change after change', () => {
		for (const seed of [1, 26, 2026]) {
			const next = seededRandom(seed);
			const truth = new Map<string, Interaction>();
			for (let i = 0; i < 400; i++) truth.set(`r${i}`, randomRow(next, `r${i}`, NOW, QUEUES));
			let seq = 1000;
			const snapshot = daySnapshot([...truth.values()], everything, 'full', { serviceLevelSeconds: GOALS }, tenant, frame.startMs, { epoch: 'e', seq }); // prettier-ignore
			expect(snapshot.rows.some((row) => row.status === 'closed')).toBe(false);
			expect(snapshot.rows.length + snapshot.day!.count).toBe(truth.size);
			expect(snapshot.day!.count).toBeGreaterThan(50);
			const base = new DayBase(snapshot.day!);
			const source = new FakeRowSource(frame.startMs);
			for (const row of snapshot.rows) source.apply(upsert(0, row));
			source.frame();
			const tally = new DayTally();
			for (let f = 0; f < 150; f++) {
				for (let k = 0; k < 1 + next(6); k++) {
					const id = `r${next(460)}`;
					const current = truth.get(id);
					let change: InteractionChange;
					if (current && base.has(id)) {
						// A summed row changes only in ways that leave its figures as they were: a
						// transcription arrives, or the second step of a two-step close.
						change =
							next(2) === 0
								? upsert(++seq, { ...current, hasTranscription: !current.hasTranscription })
								: { seq: ++seq, id, tenantId: 1, queueIds: [current.queueId], row: null, removedFrom: 'active' }; // prettier-ignore
						expect(base.invalidatedBy(change)).toBe(false);
					} else if (current && next(8) === 0) {
						change = { seq: ++seq, id, tenantId: 1, queueIds: [current.queueId], row: null };
					} else {
						change = upsert(++seq, randomRow(next, id, NOW, QUEUES));
					}
					applyChange(truth, change, frame.startMs);
					source.apply(change);
				}
				source.frame();
				const held = tally.update(source, QUEUES, frame, slOf, base.counts);
				const got = withBase(held, base.days, frame.hourLabels.length);
				expect(got).toEqual(aggregateDay(truth.values(), QUEUES, frame, slOf));
			}
		}
	});

	it('tells the changes that leave a summed row as it was from those that do not', () => {
		const closed = rowWithStatus('c1', 'closed');
		const snapshot = daySnapshot([closed], everything, 'full', { serviceLevelSeconds: GOALS }, tenant, frame.startMs, { epoch: 'e', seq: 10 }); // prettier-ignore
		const base = new DayBase(snapshot.day!);
		const removal = (removedFrom?: 'active' | 'closed'): InteractionChange => ({
			seq: 11,
			id: 'c1',
			tenantId: 1,
			queueIds: [1],
			row: null,
			...(removedFrom && { removedFrom })
		});
		expect(base.invalidatedBy(upsert(11, { ...closed, hasRecording: true }))).toBe(false);
		expect(base.invalidatedBy(removal('active'))).toBe(false);
		expect(base.invalidatedBy(upsert(11, { ...closed, talkSeconds: 999 }))).toBe(true);
		expect(base.invalidatedBy(upsert(11, { ...closed, queueId: 2 }))).toBe(true);
		expect(base.invalidatedBy(upsert(11, { ...closed, status: 'active' }))).toBe(true);
		expect(base.invalidatedBy(removal('closed'))).toBe(true);
		expect(base.invalidatedBy(removal())).toBe(true);
		// Already in the sums (at or before their position), or another row: nothing to redo.
		expect(base.invalidatedBy({ ...upsert(10, { ...closed, talkSeconds: 999 }) })).toBe(false);
		expect(base.invalidatedBy(upsert(11, { ...closed, id: 'other', talkSeconds: 999 }))).toBe(false); // prettier-ignore
		// Sums taken with other goals, or of another day, do not fit.
		expect(base.fits(frame, GOALS)).toBe(true);
		expect(base.fits(frame, [[1, 20], [2, 45], [3, 11]])).toBe(false); // prettier-ignore
		expect(base.fits(frame, [[1, 20], [2, 45]])).toBe(false); // prettier-ignore
		expect(base.fits(dayFrame(frame.endMs, TZ), GOALS)).toBe(false);
	});

	it("sums only the queues of the screen's scope, whatever it asks for", () => {
		const rows = [rowWithStatus('a', 'closed', 1), rowWithStatus('b', 'new', 1)];
		const scope = { tenantId: 1, queues: new Set([1]) };
		const snapshot = daySnapshot(rows, scope, 'wall', { serviceLevelSeconds: GOALS }, tenant, frame.startMs, { epoch: 'e', seq: 1 }); // prettier-ignore
		expect(snapshot.day!.queues.map(([queueId]) => queueId)).toEqual([1]);
		expect(snapshot.day!.serviceLevelSeconds).toEqual([[1, 20]]);
		expect(snapshot.day!.queues[0][1].closedToday).toBe(1);
		// The rows in progress are sent as the view sends them (a wall: no number, no CRM id).
		expect(snapshot.rows.map((row) => [row.id, row.phoneNumber])).toEqual([['b', null]]);
	});
});

describe('packed ids and keys of the summed rows', () => {
	it('unpack to what was packed, in order', () => {
		const ids = ['', '1', '10', '100', '6100000000', '6100000009', '6100000010', '61000000100', '7', '9'.repeat(20), '9'.repeat(20) + '1', '9'.repeat(30), '9'.repeat(31)]; // prettier-ignore
		expect(unpackIds(packIds(ids))).toEqual(ids);
		expect(unpackIds(packIds([]))).toEqual([]);
		expect(unpackIds(packIds(['']))).toEqual(['']);
		// Front-coded: neighbours share their leading digits, written once.
		expect(packIds(['6100012344', '6100012345'])).toBe('A6100012344,J5');
		expect(() => packIds(['1,2'])).toThrow();
	});

	it('keys come back exact, 53 bits included', () => {
		const keys = [0, 1, 63, 64, 2 ** 32, 2 ** 53 - 1, 4503599627370497, 123456789012345];
		const packed = packKeys(keys);
		expect(packed.length).toBe(keys.length * KEY_CHARS);
		expect(keys.map((_, i) => keyAt(packed, i))).toEqual(keys);
		expect(() => packKeys([2 ** 53])).toThrow();
		expect(() => packKeys([-1])).toThrow();
	});

	it("a snapshot's sums find each summed row's key and no other row", () => {
		const rows = Array.from({ length: 300 }, (_, i) => rowWithStatus(String(6_100_000_000 + i * 7), 'closed')); // prettier-ignore
		const scope = { tenantId: 1, queues: new Set([1]) };
		const snapshot = daySnapshot(rows, scope, 'wall', { serviceLevelSeconds: GOALS }, tenant, frame.startMs, { epoch: 'e', seq: 5 }); // prettier-ignore
		const base = new DayBase(snapshot.day!);
		expect(snapshot.day!.count).toBe(300);
		expect(unpackIds(snapshot.day!.ids)).toEqual(rows.map((row) => row.id).sort());
		for (const row of rows) {
			expect(base.has(row.id)).toBe(true);
			// The same figures: no refresh; other figures: the sums no longer hold.
			expect(base.invalidatedBy({ seq: 6, id: row.id, row })).toBe(false);
			const changed = { ...row, waitSeconds: (row.waitSeconds ?? 0) + 1 };
			expect(figureKey(changed)).not.toBe(figureKey(row));
			expect(base.invalidatedBy({ seq: 6, id: row.id, row: changed })).toBe(true);
		}
		expect(base.has('6100000001')).toBe(false);
		expect(base.has('')).toBe(false);
	});

	it('sums from a node of the release before (ids and keys as arrays) are read as they were', () => {
		const rows = Array.from({ length: 50 }, (_, i) => rowWithStatus(String(6_100_000_000 + i * 7), 'closed')); // prettier-ignore
		const scope = { tenantId: 1, queues: new Set([1]) };
		const day = daySnapshot(rows, scope, 'wall', { serviceLevelSeconds: GOALS }, tenant, frame.startMs, { epoch: 'e', seq: 5 }).day!; // prettier-ignore
		const ids = unpackIds(day.ids);
		const before = { ...day, ids, keys: ids.map((_, i) => keyAt(day.keys, i)) };
		const base = new DayBase(before as unknown as typeof day);
		for (const row of rows) {
			expect(base.has(row.id)).toBe(true);
			expect(base.invalidatedBy({ seq: 6, id: row.id, row })).toBe(false);
			const changed = { ...row, waitSeconds: (row.waitSeconds ?? 0) + 1 };
			expect(base.invalidatedBy({ seq: 6, id: row.id, row: changed })).toBe(true);
		}
		expect(base.has('6100000001')).toBe(false);
	});
});

function rowWithStatus(id: string, status: Interaction['status'], queueId = 1): Interaction {
	const iso = (ms: number) => new Date(ms).toISOString();
	const created = NOW - 3_600_000;
	const closed = status === 'closed';
	return interaction({
		id,
		queueId,
		status,
		createdAt: iso(created),
		answeredAt: closed ? iso(created + 15_000) : null,
		acwStartedAt: closed ? iso(created + 75_000) : null,
		closedAt: closed ? iso(created + 105_000) : null,
		agentId: closed ? 7 : null,
		waitSeconds: closed ? 15 : null,
		talkSeconds: closed ? 60 : null,
		acwSeconds: closed ? 30 : null,
		phoneNumber: '+15550100'
	});
}
