import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Rng } from '../../scripts/lib/random';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { localTimeInstant, parseLocalTime } from '../../src/lib/time/local-time';
import {
	DEFAULT_FILTERS,
	HISTORY_SORT_KEYS,
	rangeBounds,
	type SortKey,
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
	// Every fifth row has a CRM contact of its tenant: the Client order is its name, else the number.
	await stack.pbx(
		`UPDATE closed_interactions c SET c.crm_contact_id =
		   (SELECT MAX(k.id) FROM crm_contacts k WHERE k.tenant_id = c.tenant_id AND k.id % 7 = c.id % 7)
		 WHERE c.id <= 6000 AND c.id % 5 = 0`
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
	limit: number,
	jumpMs: number | null = null
) {
	const ids: string[] = [];
	let cursor: Cursor | null = null;
	for (let pages = 0; pages < 1000; pages++) {
		const request = { scope, filters, range, jumpMs };
		const page = await historyPage(stack.app.history, request, cursor, limit);
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
				sort: rng.pick(HISTORY_SORT_KEYS),
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

	/** Each order as the grid shows it, written independently: names from their tables. */
	const ORDER_SQL: Record<Exclude<SortKey, 'status'>, string> = {
		created: 'c.created_at',
		closed: 'c.closed_at',
		duration: 'c.talk_seconds',
		acw: 'c.acw_seconds',
		channel: 'CAST(c.channel AS CHAR)',
		queue: '(SELECT name FROM queues WHERE id = c.queue_id)',
		agent: "IFNULL((SELECT name FROM agents WHERE id = c.agent_id), '')",
		client:
			"COALESCE((SELECT name FROM crm_contacts WHERE id = c.crm_contact_id), c.phone_number, c.did, '')",
		did: "IFNULL(c.did, '')",
		disposition: "IFNULL((SELECT code FROM dispositions WHERE id = c.disposition_id), '')"
	};

	it('sorts by every column but Status on the server, page after page in exactly that order (issue 26, item 9)', async () => {
		const tenant = stack.lookups.tenants[1];
		const supervisor: Scope = {
			tenantId: tenant.id,
			queues: new Set(tenant.queues.slice(0, 2).map((q) => q.id))
		};
		expect(HISTORY_SORT_KEYS).toHaveLength(10);
		for (const sort of HISTORY_SORT_KEYS) {
			for (const dir of ['asc', 'desc'] as const) {
				const filters: ViewFilters = { ...DEFAULT_FILTERS, range: 'last30', sort, dir };
				const range = rangeBounds(filters, tenant.timezone, Date.now());
				const { sql, params } = sqlFor(supervisor, filters, range);
				const by = ORDER_SQL[sort as keyof typeof ORDER_SQL];
				const expected = await stack.pbxRows<{ id: string }>(
					`${sql} ORDER BY ${by} ${dir}, c.id ${dir}`,
					params
				);
				// Small pages: many of them end inside a run of equal names, broken by id.
				const got = await allPages(supervisor, filters, range, 37);
				expect(got, `${sort} ${dir}`).toEqual(expected.map((r) => String(r.id)));
				expect(got.length, `${sort} ${dir}`).toBeGreaterThan(100);
			}
		}
	});

	it('jumps to a time: the rows from that minute on, and how many it passed over', async () => {
		const tenant = stack.lookups.tenants[2];
		const scope: Scope = { tenantId: tenant.id, queues: 'all' };
		for (const [sort, dir] of [
			['created', 'desc'],
			['created', 'asc'],
			['closed', 'desc']
		] as const) {
			const filters: ViewFilters = { ...DEFAULT_FILTERS, range: 'last30', sort, dir };
			const range = rangeBounds(filters, tenant.timezone, Date.now());
			const all = await allPages(scope, filters, range, 1_000_000);
			// A minute in the middle of the range, in the tenant's clock, as the control sends it.
			const middle = new Date(range.fromMs + (range.toMs - range.fromMs) / 2);
			const local = new Intl.DateTimeFormat('sv-SE', {
				timeZone: tenant.timezone,
				dateStyle: 'short',
				timeStyle: 'short'
			})
				.format(middle)
				.replace(' ', 'T');
			const minuteMs = localTimeInstant(parseLocalTime(local)!, tenant.timezone)!;
			const column = sort === 'created' ? 'c.created_at' : 'c.closed_at';
			const { sql, params } = sqlFor(scope, filters, range);
			const edge = msToSqlTime(dir === 'desc' ? minuteMs + 60_000 : minuteMs);
			const passed = await stack.pbxRows<{ id: string }>(
				`${sql} AND ${column} ${dir === 'desc' ? '>=' : '<'} ? ORDER BY ${column} ${dir}, c.id ${dir}`,
				[...params, edge]
			);
			expect(passed.length, `${sort} ${dir}`).toBeGreaterThan(100);
			const request = { scope, filters, range, jumpMs: minuteMs };
			const first = await historyPage(stack.app.history, request, null, 50);
			expect(first.skipped, `${sort} ${dir}`).toBe(passed.length);
			const jumped = await allPages(scope, filters, range, 50, minuteMs);
			// Exactly the rest of the view, in order: the rows before the jump plus these are all.
			expect(jumped, `${sort} ${dir}`).toEqual(all.slice(passed.length));
		}
	});
});
