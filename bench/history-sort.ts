import { Lookups } from '../src/lib/server/lookups';
import { keyset } from '../src/lib/server/history/sort';
import type { Context } from './lib/context';
import { pbxPool, type newStack } from './lib/env';
import { fmt, summarize } from './lib/stats';

/**
 * Issue 26, item 9: a past range sorted by each column (first page and a page deep in it, by
 * keyset), a jump to a time, and reading a whole view 200 rows at a time against the screen's
 * growing pages (200, 500, 1,000, 2,000), side by side in one run.
 */

const REPEAT = 5;
/** Rounds of the side-by-side statements (a joined name against its rank), alternated. */
const SIDE_BY_SIDE = 7;
const SORTS = ['created', 'closed', 'channel', 'queue', 'agent', 'client', 'did', 'disposition', 'duration', 'acw']; // prettier-ignore

type Get = (url: string) => Promise<{ ms: number; body: { nextCursor?: string | null; rows?: unknown[] } }>; // prettier-ignore

export async function historySortRun(
	ctx: Context,
	baseUrl: string,
	cookie: string,
	today: string,
	direct: {
		stack: Awaited<ReturnType<typeof newStack>>;
		tenant: { id: number; name: string };
	}
): Promise<void> {
	const S = 'history';
	const { report } = ctx;
	const repeat = ctx.options.quick ? 2 : REPEAT;
	await joinedAgainstRanked(
		ctx,
		direct.stack,
		direct.tenant.id,
		ctx.options.quick ? 2 : SIDE_BY_SIDE
	);
	const get: Get = async (url) => {
		const started = performance.now();
		const response = await fetch(baseUrl + url, { headers: { cookie } });
		const body = (await response.json()) as { nextCursor?: string | null; rows?: unknown[] };
		if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
		return { ms: performance.now() - started, body };
	};
	ctx.log(`${S}: sorts, ${SORTS.length} columns × ${repeat}`);
	for (const sort of SORTS) {
		const view = `/api/interactions?range=last30&sort=${sort}`;
		const firsts: number[] = [];
		const deep: number[] = [];
		// One column's failure (a 503) is reported, and the other columns still measured.
		try {
			for (let i = 0; i < repeat; i++) {
				const first = await get(`${view}&limit=200`);
				firsts.push(first.ms);
				// A page after 2,000 rows: the keyset seeks, it never re-reads what came before.
				const big = await get(`${view}&limit=2000`);
				const cursor = big.body.nextCursor;
				if (cursor) deep.push((await get(`${view}&limit=200&cursor=${encodeURIComponent(cursor)}`)).ms); // prettier-ignore
			}
		} catch (error) {
			report.problem(`history: sorted by ${sort}: ${(error as Error).message}`);
			continue;
		}
		const a = summarize(firsts);
		report.add({ suite: S, name: `sorted by ${sort}, last 30 days, first page (200)`, unit: 'ms', median: a.median, p95: a.p95, p99: a.p99 }); // prettier-ignore
		if (deep.length > 0) {
			const b = summarize(deep);
			report.add({ suite: S, name: `sorted by ${sort}, last 30 days, page after 2,000 rows`, unit: 'ms', median: b.median, p95: b.p95, p99: b.p99 }); // prettier-ignore
		}
	}
	const jumps: number[] = [];
	for (let i = 0; i < repeat; i++) {
		jumps.push((await get(`/api/interactions?range=last30&limit=200&jump=${today}T0${i}:30`)).ms);
	}
	const j = summarize(jumps);
	report.add({ suite: S, name: 'jump to a time, last 30 days (first page + rows passed over)', unit: 'ms', median: j.median, p95: j.p95, p99: j.p99 }); // prettier-ignore

	// A whole view read to its end: the old 200-row pages against the screen's growing ones.
	const readAll = async (sizes: number[]) => {
		const started = performance.now();
		let cursor: string | null | undefined = null;
		let loads = 0;
		let rows = 0;
		do {
			const limit = sizes[Math.min(loads, sizes.length - 1)];
			const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
			const page = await get(`/api/interactions?range=last7&limit=${limit}${after}`);
			loads++;
			rows += page.body.rows?.length ?? 0;
			cursor = page.body.nextCursor;
		} while (cursor);
		return { ms: performance.now() - started, loads, rows };
	};
	const fixed = await readAll([200]);
	const growing = await readAll([200, 500, 1000, 2000]);
	report.add({ suite: S, name: `whole last 7 days (${fmt(fixed.rows)} rows), 200 a page: ${fixed.loads} loads`, unit: 'ms', median: fixed.ms }); // prettier-ignore
	report.add({ suite: S, name: `whole last 7 days (${fmt(growing.rows)} rows), growing pages: ${growing.loads} loads`, unit: 'ms', median: growing.ms, target: `≤ 200-a-page (${(growing.ms / fixed.ms).toFixed(2)}×)`, met: growing.ms <= fixed.ms }); // prettier-ignore
	report.detail(S, `Sorts: ${repeat} rounds per column of a first page and, by the cursor of a 2,000-row page, the page after it. Only Created walks an index; the others sort the range's rows found on (tenant_id, created_at) under the statement time limit.`); // prettier-ignore
}

/**
 * The name orders' statement before this branch (the name table joined) against the one the
 * server now runs (the rank of the lookup caches, from keyset()), straight on MariaDB, alternated
 * round by round so the machine's load falls on both alike: the first 201 rows of the last 30
 * days, and the 201 after 2,000 rows (the joined one by its name cursor, the ranked by keyset's).
 */
async function joinedAgainstRanked(
	ctx: Context,
	stack: Awaited<ReturnType<typeof newStack>>,
	tenantId: number,
	rounds: number
): Promise<void> {
	const S = 'history';
	const db = `\`${stack.pbxDb}\``;
	const lookups = new Lookups();
	const pbx = pbxPool(ctx.db, stack.pbxDb, 2);
	await lookups.load(pbx).finally(() => pbx.end());
	const [[edge]] = (await stack.admin.query(`SELECT UTC_TIMESTAMP(3) - INTERVAL 30 DAY AS since`)) as unknown as [[{ since: string }]]; // prettier-ignore
	const where = 'c.tenant_id = ? AND c.created_at >= ?';
	const joinedOf: Record<string, { name: string; join: string }> = {
		queue: { name: "COALESCE(q.name, '')", join: `LEFT JOIN ${db}.queues q ON q.id = c.queue_id AND q.tenant_id = c.tenant_id` }, // prettier-ignore
		agent: { name: "COALESCE(a.name, '')", join: `LEFT JOIN ${db}.agents a ON a.id = c.agent_id AND a.tenant_id = c.tenant_id` }, // prettier-ignore
		disposition: { name: "COALESCE(d.code, '')", join: `LEFT JOIN ${db}.dispositions d ON d.id = c.disposition_id AND d.tenant_id = c.tenant_id` } // prettier-ignore
	};
	const timed = async (sql: string, params: unknown[]) => {
		const started = performance.now();
		const [rows] = (await stack.admin.query(sql, params)) as unknown as [Record<string, unknown>[]];
		return { ms: performance.now() - started, rows };
	};
	ctx.log(`${S}: name orders, joined against ranked, ${rounds} rounds`);
	for (const sort of ['queue', 'agent', 'disposition'] as const) {
		const { name, join } = joinedOf[sort];
		const times = { joined: [] as number[], ranked: [] as number[], joinedDeep: [] as number[], rankedDeep: [] as number[], channel: [] as number[] }; // prettier-ignore
		try {
			for (let round = 0; round < rounds; round++) {
				// Joined: the first page, then the page after 2,000 rows by its (name, id) cursor.
				const jSql = (after: string) => `SELECT c.id, ${name} AS sort_value FROM ${db}.closed_interactions c ${join} WHERE ${where}${after} ORDER BY ${name} DESC, c.id DESC LIMIT ?`; // prettier-ignore
				times.joined.push((await timed(jSql(''), [tenantId, edge.since, 201])).ms);
				const jBig = await timed(jSql(''), [tenantId, edge.since, 2000]);
				const jLast = jBig.rows[jBig.rows.length - 1];
				times.joinedDeep.push((await timed(jSql(` AND ${name} <= ? AND (${name} < ? OR c.id < ?)`), [tenantId, edge.since, jLast.sort_value, jLast.sort_value, jLast.id, 201])).ms); // prettier-ignore
				// Ranked: what the server runs now.
				const rSql = (cursor: { value: string; id: string } | null) => {
					const params: unknown[] = [tenantId, edge.since];
					const k = keyset(sort, 'desc', cursor, params, db, { lookups, tenantId });
					return { sql: `SELECT c.id, ${k.column} AS sort_value FROM ${db}.closed_interactions c${k.joins} WHERE ${where}${k.after} ORDER BY ${k.orderBy} LIMIT ?`, params, k }; // prettier-ignore
				};
				const first = rSql(null);
				times.ranked.push((await timed(first.sql, [...first.params, 201])).ms);
				const rBig = await timed(first.sql, [...first.params, 2000]);
				const cursor = first.k.cursorOf(rBig.rows[rBig.rows.length - 1] as { sort_value: unknown; id: unknown }); // prettier-ignore
				const deep = rSql({ value: String(cursor.value), id: cursor.id });
				times.rankedDeep.push((await timed(deep.sql, [...deep.params, 201])).ms);
				// The floor in the same round: Channel's order, a value of the row itself.
				const channel = keyset('channel', 'desc', null, [], db, { lookups, tenantId });
				times.channel.push((await timed(`SELECT c.id, ${channel.column} AS sort_value FROM ${db}.closed_interactions c WHERE ${where} ORDER BY ${channel.orderBy} LIMIT ?`, [tenantId, edge.since, 201])).ms); // prettier-ignore
			}
		} catch (error) {
			ctx.report.problem(`history: ${sort} joined against ranked: ${(error as Error).message}`);
			continue;
		}
		for (const [label, list] of [
			['joined (before), first page', times.joined],
			['ranked (now), first page', times.ranked],
			['joined (before), page after 2,000 rows', times.joinedDeep],
			['ranked (now), page after 2,000 rows', times.rankedDeep],
			['Channel in the same rounds (the floor), first page', times.channel]
		] as const) {
			const st = summarize(list);
			ctx.report.add({ suite: S, name: `SQL by ${sort} name, last 30 days, ${label}`, unit: 'ms', median: st.median, p95: st.p95, p99: st.p99 }); // prettier-ignore
		}
		const median = (list: number[]) => summarize(list).median;
		const ratio = median(times.joined) / median(times.ranked);
		const floor = median(times.ranked) / median(times.channel);
		ctx.report.detail(S, `${sort}: the joined statement's first page took ${ratio.toFixed(1)}× the ranked one's; the ranked one ${floor.toFixed(2)}× Channel's (medians, ${rounds} alternated rounds, straight on MariaDB).`); // prettier-ignore
	}
}
