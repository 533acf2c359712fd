import { describe, expect, it } from 'vitest';
import type { Interaction } from '$lib/interaction';
import { ChangedRows } from '$lib/live/sorted-rows';
import { interaction } from './fixtures';
import { FakeRowSource } from './random-rows';

/**
 * ChangedRows hands a view kept from the live rows (the open client or agent window) the rows a
 * frame changed, not the whole day at every frame; everything when it cannot tell.
 */

function visited(changes: ChangedRows, source: FakeRowSource, key: unknown): string[] {
	const ids: string[] = [];
	changes.visit(source, key, (row: Interaction) => ids.push(row.id));
	return ids.sort();
}

describe('ChangedRows', () => {
	it('visits every row first, then only the rows each frame changed that are still there', () => {
		const source = new FakeRowSource();
		for (let i = 0; i < 1000; i++) source.set(interaction({ id: `r${i}` }));
		source.frame();
		const changes = new ChangedRows();
		const list = {};
		expect(visited(changes, source, list)).toHaveLength(1000);
		source.set(interaction({ id: 'r7', status: 'active' }));
		source.set(interaction({ id: 'new' }));
		source.delete('r9');
		source.frame();
		expect(visited(changes, source, list)).toEqual(['new', 'r7']);
		// Nothing changed since: nothing to visit.
		expect(visited(changes, source, list)).toEqual([]);
	});

	it('visits every row again for another key, after a snapshot, and after a skipped frame', () => {
		const source = new FakeRowSource();
		for (let i = 0; i < 10; i++) source.set(interaction({ id: `r${i}` }));
		source.frame();
		const changes = new ChangedRows();
		visited(changes, source, 'a');
		source.set(interaction({ id: 'r1', status: 'active' }));
		source.frame();
		expect(visited(changes, source, 'b')).toHaveLength(10);
		source.replaceAll([interaction({ id: 'x' }), interaction({ id: 'y' })]);
		source.frame();
		expect(visited(changes, source, 'b')).toEqual(['x', 'y']);
		source.set(interaction({ id: 'x', status: 'active' }));
		source.frame();
		source.set(interaction({ id: 'y', status: 'active' }));
		source.frame();
		expect(visited(changes, source, 'b')).toEqual(['x', 'y']);
	});
});
