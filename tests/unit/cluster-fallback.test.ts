import { describe, expect, it } from 'vitest';
import type { NodeStatus } from '$lib/status';
import { MemoryChangeLog } from '$lib/server/changelog/memory';
import { SwitchableChangeLog } from '$lib/server/changelog/switchable';
import type { EntryDraft, LogEntry } from '$lib/server/changelog/types';
import { ServerIdGuard } from '$lib/server/cluster/server-id';
import { createLogger } from '$lib/server/log';

/**
 * The standalone fallback's two small parts: the log a node's pipeline holds (only the active
 * log's entries reach it), and the guard that keeps a node whose BINLOG_SERVER_ID another node
 * shares from tailing on its own.
 */

const draft = (id: string): EntryDraft => ({
	changes: [{ id, tenantId: 1, queueIds: [1], row: null }],
	lookups: [],
	access: []
});
const at = { filename: 'binlog.000001', position: 4 };

describe('SwitchableChangeLog', () => {
	it('reads, appends and resets on the active log only, and forwards only its entries', async () => {
		const shared = new MemoryChangeLog(100);
		const local = new MemoryChangeLog(100);
		const log = new SwitchableChangeLog(shared, local);
		const seen: LogEntry[] = [];
		log.subscribe((entry) => seen.push(entry));

		await log.append(draft('1'), at);
		expect([shared.head, local.head, log.head, log.epoch]).toEqual([1, 0, 1, shared.epoch]);

		log.use('local');
		await shared.append(draft('from-shared-while-local'), at); // e.g. Redis back, not rejoined
		await log.reset({ filename: 'binlog.000002', position: 4 });
		await log.append(draft('2'), at);
		expect([log.mode, log.epoch, log.head]).toEqual(['local', local.epoch, 1]);
		expect(await log.since(0)).toHaveLength(1);
		expect(shared.head).toBe(2);

		log.use('shared');
		expect([log.epoch, log.head]).toEqual([shared.epoch, 2]);
		expect(seen.map((entry) => entry.changes[0].id)).toEqual(['1', '2']);
	});
});

function status(node: string, serverId: number, updatedAt: number): NodeStatus {
	return { node, updatedAt, binlog: { serverId } } as NodeStatus;
}

describe('ServerIdGuard', () => {
	it('forbids standalone tailing while another recent node shares the id, and says so', async () => {
		const lines: string[] = [];
		const log = createLogger({ level: 'info', format: 'text', write: (line) => lines.push(line) });
		const now = 1_000_000;
		let statuses = [status('a', 4201, now), status('b', 4202, now)];
		const guard = new ServerIdGuard({ all: async () => statuses }, 'a', 4201, log);
		await guard.check(now);
		expect(guard.allowed).toBe(true);

		statuses = [...statuses, status('c', 4201, now)];
		await guard.check(now);
		expect(guard.allowed).toBe(false);
		expect(lines.join('\n')).toMatch(
			/BINLOG_SERVER_ID 4201 is also used by c: this node will NOT tail/
		);

		// Redis unreachable: what was known stands.
		const blind = new ServerIdGuard(
			{ all: () => Promise.reject(new Error('down')) },
			'a',
			4201,
			log
		);
		await blind.check(now);
		expect(blind.allowed).toBe(true);

		// c stopped reporting long ago: no longer sharing.
		statuses = [status('a', 4201, now), status('c', 4201, now - 60_000)];
		await guard.check(now);
		expect(guard.allowed).toBe(true);
	});
});
