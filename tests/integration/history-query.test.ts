import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Rng } from '../../scripts/lib/random';
import { msToSqlTime } from '../../src/lib/server/db/time';
import {
	DEFAULT_FILTERS,
	rangeBounds,
	type RangePreset,
	type ViewFilters
} from '../../src/lib/filters';
import { CHANNELS, STATUSES } from '../../src/lib/interaction';
import { cursorKind, historyCount, historyPage } from '../../src/lib/server/history';
import type { Cursor } from '../../src/lib/server/history/cursor';
import { decodeCursor } from '../../src/lib/server/history/cursor';
import type { Scope } from '../../src/lib/server/scope';
import { Stack } from '../support/stack';

/**
 * History queries against SQL written independently: random filter combinations give exactly
 * the rows a plain SQL query gives, and keyset pagination has no duplicates or gaps even while
 * new rows arrive between pages.
 */

let stack: Stack;
const DAY = 86_400_000;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	// 6,000 closed rows over 40 days, every tenant, queue, agent, channel and disposition.
	const rng = new Rng(11);
	const values: unknown[][] = [];
	const now = Date.now();
	for (let i = 1; i <= 6000; i++) {
		const tenant = stack.lookups.tenants[i % 3];
		const created = new Date(now - rng.float(0, 40 * DAY));
		const talk = rng.int(0, 900);
		values.push([
			i,
			`h-${i}`,
			tenant.id,
			rng.pick(tenant.queues).id,
			rng.pick([...CHANNELS]),
			rng.chance(0.9) ? rng.pick(tenant.agents).id : null,
			`+1555${String(rng.int(0, 9999)).padStart(4, '0')}`,
			rng.pick(tenant.queues).did,
			rng.pick(tenant.dispositions).id,
			msToSqlTime(created.getTime()),
			msToSqlTime(created.getTime() + (talk + 60) * 1000),
			talk,
			rng.int(0, 120)
		]);
	}
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   phone_number, did, disposition_id, created_at, closed_at, talk_seconds, acw_seconds) VALUES ?`,
		[values]
	);
	await stack.start();
});

afterAll(async () => {
	await stack?.destroy();
});

function sqlFor(scope: Scope, f: ViewFilters, range: { fromMs: number; toMs: number }) {
	const where = ['c.tenant_id = ?', 'c.created_at >= ?', 'c.created_at < ?'];
	const params: unknown[] = [scope.tenantId, msToSqlTime(range.fromMs), msToSqlTime(range.toMs)];
	if (scope.queues !== 'all') {
		where.push('c.queue_id IN (?)');
		params.push([...scope.queues]);
	}
	const add = (clause: string, value: unknown) => {
		where.push(clause);
		params.push(value);
	};
	if (f.queueId !== null) add('c.queue_id = ?', f.queueId);
	if (f.channel) add('c.channel = ?', f.channel);
	if (f.did) add('INSTR(c.did, ?) > 0', f.did);
	if (f.agent) {
		where.push(
			'c.agent_id IN (SELECT id FROM agents WHERE tenant_id = ? AND INSTR(LOWER(name), LOWER(?)) > 0)'
		);
		params.push(scope.tenantId, f.agent);
	}
	if (f.disposition) {
		where.push(
			'c.disposition_id IN (SELECT id FROM dispositions WHERE tenant_id = ? AND code = ?)'
		);
		params.push(scope.tenantId, f.disposition);
	}
	// Every row of closed_interactions is Closed.
	if (f.status && f.status !== 'closed') where.push('1 = 0');
	return { sql: `SELECT c.id FROM closed_interactions c WHERE ${where.join(' AND ')}`, params };
}

async function allPages(
	scope: Scope,
	filters: ViewFilters,
	range: { fromMs: number; toMs: number },
	limit: number
) {
	const ids: string[] = [];
	let cursor: Cursor | null = null;
	for (let pages = 0; pages < 1000; pages++) {
		const page = await historyPage(stack.app.history, { scope, filters, range }, cursor, limit);
		ids.push(...page.rows.map((r) => r.id));
		if (!page.nextCursor) return ids;
		cursor = decodeCursor(page.nextCursor, cursorKind(filters.sort));
	}
	throw new Error('too many pages');
}

describe('history queries', () => {
	it('match plain SQL for random filter combinations', async () => {
		const rng = new Rng(5);
		let nonEmpty = 0;
		const presets: RangePreset[] = [
			'today',
			'yesterday',
			'last7',
			'last30',
			'thisMonth',
			'lastMonth'
		];
		for (let round = 0; round < 40; round++) {
			const tenant = rng.pick(stack.lookups.tenants);
			const supervisor = rng.chance(0.4);
			const scope: Scope = {
				tenantId: tenant.id,
				queues: supervisor ? new Set(tenant.queues.slice(0, 2).map((q) => q.id)) : 'all'
			};
			const filters: ViewFilters = {
				...DEFAULT_FILTERS,
				range: rng.pick(presets),
				queueId: rng.chance(0.3) ? rng.pick(tenant.queues).id : null,
				channel: rng.chance(0.4) ? rng.pick([...CHANNELS]) : null,
				did: rng.chance(0.2) ? rng.pick(tenant.queues).did.slice(-3) : '',
				agent: rng.chance(0.3) ? rng.pick(tenant.agents).name.split(' ')[0].slice(0, 3) : '',
				disposition: rng.chance(0.3) ? rng.pick(tenant.dispositions).code : '',
				status: rng.chance(0.2) ? rng.pick([...STATUSES]) : null,
				sort: rng.pick(['created', 'closed', 'duration', 'acw'] as const),
				dir: rng.pick(['asc', 'desc'] as const)
			};
			const range = rangeBounds(filters, tenant.timezone, Date.now());
			const { sql, params } = sqlFor(scope, filters, range);
			const expected = (await stack.pbxRows<{ id: string }>(sql, params)).map((r) => String(r.id));
			const got = await allPages(scope, filters, range, 97);
			if (expected.length > 0) nonEmpty++;
			const label = JSON.stringify({ ...filters, supervisor });
			expect(new Set(got).size, `${label}: duplicates`).toBe(got.length);
			expect([...got].sort(), label).toEqual([...expected].sort());
			expect(await historyCount(stack.app.history, { scope, filters, range })).toBe(
				expected.length
			);
		}
		// The combinations must exercise real result sets, not just agree on empty ones.
		expect(nonEmpty).toBeGreaterThan(15);
	});

	it('returns pages in sort order, with no duplicates or gaps while new rows arrive', async () => {
		const tenant = stack.lookups.tenants[0];
		const scope: Scope = { tenantId: tenant.id, queues: 'all' };
		const filters: ViewFilters = { ...DEFAULT_FILTERS, range: 'last30' };
		const range = rangeBounds(filters, tenant.timezone, Date.now());
		const before = await allPages(scope, filters, range, 1_000_000);
		const seen: string[] = [];
		let cursor: Cursor | null = null;
		let inserted = 0;
		for (;;) {
			const page = await historyPage(stack.app.history, { scope, filters, range }, cursor, 50);
			seen.push(...page.rows.map((r) => r.id));
			// New interactions keep arriving between pages (newer than anything paged so far).
			await stack.pbx(
				`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, created_at, closed_at)
				 VALUES (?, ?, ?, ?, 'voice', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
				[900_000 + inserted, `new-${inserted}`, tenant.id, tenant.queues[0].id]
			);
			inserted++;
			if (!page.nextCursor) break;
			cursor = decodeCursor(page.nextCursor, cursorKind(filters.sort));
		}
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen).toEqual(before);
		expect(inserted).toBeGreaterThan(5);
	});
});
