import { describe, expect, it } from 'vitest';
import type { InteractionChange } from '$lib/interaction';
import { MemoryChangeLog } from '$lib/server/changelog';
import { RecentChanges } from '$lib/server/changelog/recent';
import { interaction, upsert } from './fixtures';

/** Changes numbered `from` to `to`, one per interaction. */
function changes(from: number, to: number): InteractionChange[] {
	const out: InteractionChange[] = [];
	for (let seq = from; seq <= to; seq++) out.push(upsert(interaction({ id: String(seq) }), seq));
	return out;
}

const seqs = (list: InteractionChange[] | null) => list?.map((change) => change.seq) ?? null;

describe('the replay window of recent changes', () => {
	it('replays everything after a seq it still holds, up to the head asked for', () => {
		const recent = new RecentChanges(10);
		recent.add(changes(1, 5));
		expect(seqs(recent.after(2, 5))).toEqual([3, 4, 5]);
		expect(seqs(recent.after(0, 5))).toEqual([1, 2, 3, 4, 5]);
		expect(seqs(recent.after(1, 3))).toEqual([2, 3]);
	});

	it('has nothing to replay from before the oldest change it holds, or while it holds none', () => {
		const recent = new RecentChanges(10);
		expect(recent.after(0, 3)).toBeNull();
		recent.add(changes(4, 6));
		expect(recent.oldest).toBe(4);
		expect(seqs(recent.after(3, 6))).toEqual([4, 5, 6]);
		expect(recent.after(2, 6)).toBeNull();
	});

	it('keeps at least the newest `retain` changes, trimming in batches', () => {
		const recent = new RecentChanges(4);
		for (let seq = 1; seq <= 100; seq++) recent.add(changes(seq, seq));
		expect(seqs(recent.after(96, 100))).toEqual([97, 98, 99, 100]);
		expect(recent.oldest).toBeGreaterThan(90);
		expect(recent.after(50, 100)).toBeNull();
	});

	it('forgets everything when cleared', () => {
		const recent = new RecentChanges(10);
		recent.add(changes(1, 3));
		recent.clear();
		expect(recent.oldest).toBeUndefined();
		expect(recent.after(1, 3)).toBeNull();
	});
});

describe('the single-node change log replays from its window', () => {
	const checkpoint = { filename: 'bin.000001', position: 4 };
	const draft = (ids: string[]) => ({
		changes: ids.map((id) => {
			const row = interaction({ id });
			return { id, tenantId: row.tenantId, queueIds: [row.queueId], row };
		}),
		lookups: [],
		access: []
	});

	it('answers since() from the kept changes, and null once they are trimmed', async () => {
		const log = new MemoryChangeLog(2);
		for (let i = 1; i <= 6; i++) await log.append(draft([String(i)]), checkpoint);
		expect(log.head).toBe(6);
		expect(await log.since(6)).toEqual([]);
		expect(seqs(await log.since(4))).toEqual([5, 6]);
		expect(await log.since(0)).toBeNull();
		expect(await log.oldest()).toBeLessThanOrEqual(5);
		await log.reset(checkpoint);
		expect(await log.oldest()).toBe(1);
		expect(await log.since(0)).toEqual([]);
	});
});
