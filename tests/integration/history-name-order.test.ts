import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Rng } from '../../scripts/lib/random';
import { DEFAULT_FILTERS, rangeBounds, type ViewFilters } from '../../src/lib/filters';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { cursorKind, historyPage } from '../../src/lib/server/history';
import { decodeCursor, type Cursor } from '../../src/lib/server/history/cursor';
import { nameRank } from '../../src/lib/server/history/rank';
import type { Scope } from '../../src/lib/server/scope';
import { Stack } from '../support/stack';

/**
 * History's name orders (Queue, Agent, Disposition) rank the row's id by its name in the lookup
 * caches instead of joining the name table (src/lib/server/history/rank.ts). Against MariaDB:
 * the order is exactly ORDER BY name, id under the PBX database's collation — names that differ
 * only in case or accents are one run ordered by id, a row without a name (none, or an agent id
 * no table holds) sorts as an empty name — and paging through those runs in small pages has no
 * gap or duplicate. The cursor holds a name of the viewer's tenant, never another tenant's.
 */

let stack: Stack;
const DAY = 86_400_000;
// Tenant B's agents are inserted first (lower ids), spelled like some of A's in another case.
const B_NAMES = ['EMILE ZOLA', 'BOB', 'ÅNGSTRÖM'];
const A_NAMES = [
	'Émile Zola',
	'emile zola',
	'Bob',
	'bob',
	'Ångström',
	'andrew',
	'Zoë',
	'zoe',
	'Adam'
];
const GHOST_AGENT = 4_000_000;
let tenantA: Stack['lookups']['tenants'][number];
const aAgents: number[] = [];

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	tenantA = stack.lookups.tenants[0];
	const tenantB = stack.lookups.tenants[1];
	for (const name of B_NAMES) {
		await stack.pbx('INSERT INTO agents (tenant_id, name) VALUES (?, ?)', [tenantB.id, name]);
	}
	for (const name of A_NAMES) {
		const [result] = (await stack.admin.query(
			`INSERT INTO \`${stack.pbxDb}\`.agents (tenant_id, name) VALUES (?, ?)`,
			[tenantA.id, name]
		)) as unknown as [{ insertId: number }];
		aAgents.push(result.insertId);
	}
	const rng = new Rng(26);
	const values: unknown[][] = [];
	const now = Date.now();
	for (let i = 1; i <= 700; i++) {
		const created = now - rng.float(0, 20 * DAY);
		// Mostly the tricky names; some rows with no agent, some with an agent no table holds.
		const agent = rng.chance(0.1) ? null : rng.chance(0.05) ? GHOST_AGENT : rng.pick(aAgents);
		values.push([
			i,
			`n-${i}`,
			tenantA.id,
			rng.pick(tenantA.queues).id,
			'voice',
			agent,
			rng.pick(tenantA.dispositions).id,
			msToSqlTime(created),
			msToSqlTime(created + 60_000)
		]);
	}
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   disposition_id, created_at, closed_at) VALUES ?`,
		[values]
	);
	await stack.start();
});

afterAll(async () => {
	await stack?.destroy();
});

async function pages(scope: Scope, filters: ViewFilters, limit: number) {
	const range = rangeBounds(filters, tenantA.timezone, Date.now());
	const ids: string[] = [];
	const cursors: Cursor[] = [];
	let cursor: Cursor | null = null;
	for (let n = 0; n < 10_000; n++) {
		const page = await historyPage(stack.app.history, { scope, filters, range }, cursor, limit);
		ids.push(...page.rows.map((r) => r.id));
		if (!page.nextCursor) return { ids, cursors, range };
		cursor = decodeCursor(page.nextCursor, cursorKind(filters.sort));
		cursors.push(cursor!);
	}
	throw new Error('too many pages');
}

describe('history name orders by rank', () => {
	it('order agents exactly as ORDER BY name, id does, page after page through runs of equal names', async () => {
		const scope: Scope = { tenantId: tenantA.id, queues: 'all' };
		for (const dir of ['asc', 'desc'] as const) {
			const filters: ViewFilters = { ...DEFAULT_FILTERS, range: 'last30', sort: 'agent', dir };
			// Pages of 7 end inside runs of one name (about 70 rows each) again and again.
			const { ids, cursors, range } = await pages(scope, filters, 7);
			const expected = await stack.pbxRows<{ id: string }>(
				`SELECT c.id FROM closed_interactions c
				  WHERE c.tenant_id = ? AND c.created_at >= ? AND c.created_at < ?
				  ORDER BY IFNULL((SELECT name FROM agents a WHERE a.id = c.agent_id), '') ${dir}, c.id ${dir}`,
				[tenantA.id, msToSqlTime(range.fromMs), msToSqlTime(range.toMs)]
			);
			expect(ids.length, dir).toBe(700);
			expect(new Set(ids).size, `${dir}: duplicates`).toBe(ids.length);
			expect(ids, dir).toEqual(expected.map((r) => String(r.id)));
			// Every cursor is a name of this tenant (or the empty name), not B's spelling of it.
			const allowed = new Set(['', ...A_NAMES, ...tenantA.agents.map((a) => a.name)]);
			for (const c of cursors) expect(allowed, `${dir}: cursor ${c.value}`).toContain(c.value);
			expect(cursors.some((c) => c.value === 'Émile Zola' || c.value === 'emile zola')).toBe(true);
		}
	});

	it('continue where a name no longer in the caches would sort', async () => {
		const scope: Scope = { tenantId: tenantA.id, queues: 'all' };
		const filters: ViewFilters = { ...DEFAULT_FILTERS, range: 'last30', sort: 'agent', dir: 'asc' };
		const range = rangeBounds(filters, tenantA.timezone, Date.now());
		// A cursor naming "Bz" (renamed since): the next page starts at the first name after it.
		const page = await historyPage(
			stack.app.history,
			{ scope, filters, range },
			{ value: 'Bz', id: '0' },
			1000
		);
		const expected = await stack.pbxRows<{ id: string }>(
			`SELECT c.id FROM closed_interactions c LEFT JOIN agents a ON a.id = c.agent_id
			  WHERE c.tenant_id = ? AND c.created_at >= ? AND c.created_at < ? AND IFNULL(a.name, '') > 'Bz'
			  ORDER BY IFNULL(a.name, ''), c.id`,
			[tenantA.id, msToSqlTime(range.fromMs), msToSqlTime(range.toMs)]
		);
		expect(page.rows.length).toBeGreaterThan(50);
		expect(page.rows.map((r) => r.id)).toEqual(expected.map((r) => String(r.id)));
	});

	it("the rank SQL gives every id its name's rank in MariaDB: named, unnamed, between, above, NULL", async () => {
		const entries = [
			{ id: 3, name: 'b' },
			{ id: 4, name: 'A' },
			{ id: 7, name: 'a' },
			...Array.from({ length: 12 }, (_, i) => ({ id: 20 + i * 3, name: `n${i % 5}` }))
		];
		const rank = nameRank(entries, 'x.id');
		const expectedOf = (id: number | null) => {
			const entry = entries.find((e) => e.id === id);
			return entry ? rank.rankOfName(entry.name) : 0;
		};
		const ids = [null, ...Array.from({ length: 60 }, (_, i) => i)];
		const rows = await stack.pbxRows<{ id: number | null; r: string }>(
			`SELECT x.id, ${rank.sql} AS r FROM (${ids.map((id) => `SELECT ${id ?? 'NULL'} AS id`).join(' UNION ALL ')}) x`
		);
		expect(rows.map((row) => [row.id, Number(row.r)])).toEqual(
			ids.map((id) => [id, expectedOf(id)])
		);
		expect(rank.rankOfName('A')).toBe(rank.rankOfName('a'));
		expect(rank.rankOfName('b')).toBeGreaterThan(rank.rankOfName('a'));
	});
});
