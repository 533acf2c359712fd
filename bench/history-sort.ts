import type { Context } from './lib/context';
import { fmt, summarize } from './lib/stats';

/**
 * Issue 26, item 9: a past range sorted by each column (first page and a page deep in it, by
 * keyset), a jump to a time, and reading a whole view 200 rows at a time against the screen's
 * growing pages (200, 500, 1,000, 2,000), side by side in one run.
 */

const REPEAT = 5;
const SORTS = ['created', 'closed', 'channel', 'queue', 'agent', 'client', 'did', 'disposition', 'duration', 'acw']; // prettier-ignore

type Get = (url: string) => Promise<{ ms: number; body: { nextCursor?: string | null; rows?: unknown[] } }>; // prettier-ignore

export async function historySortRun(
	ctx: Context,
	baseUrl: string,
	cookie: string,
	today: string
): Promise<void> {
	const S = 'history';
	const { report } = ctx;
	const get: Get = async (url) => {
		const started = performance.now();
		const response = await fetch(baseUrl + url, { headers: { cookie } });
		const body = (await response.json()) as { nextCursor?: string | null; rows?: unknown[] };
		if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
		return { ms: performance.now() - started, body };
	};
	ctx.log(`${S}: sorts, ${SORTS.length} columns × ${REPEAT}`);
	for (const sort of SORTS) {
		const view = `/api/interactions?range=last30&sort=${sort}`;
		const firsts: number[] = [];
		const deep: number[] = [];
		for (let i = 0; i < REPEAT; i++) {
			const first = await get(`${view}&limit=200`);
			firsts.push(first.ms);
			// A page after 2,000 rows: the keyset seeks, it never re-reads what came before.
			const big = await get(`${view}&limit=2000`);
			const cursor = big.body.nextCursor;
			if (cursor) deep.push((await get(`${view}&limit=200&cursor=${encodeURIComponent(cursor)}`)).ms); // prettier-ignore
		}
		const a = summarize(firsts);
		report.add({ suite: S, name: `sorted by ${sort}, last 30 days, first page (200)`, unit: 'ms', median: a.median, p95: a.p95, p99: a.p99 }); // prettier-ignore
		if (deep.length > 0) {
			const b = summarize(deep);
			report.add({ suite: S, name: `sorted by ${sort}, last 30 days, page after 2,000 rows`, unit: 'ms', median: b.median, p95: b.p95, p99: b.p99 }); // prettier-ignore
		}
	}
	const jumps: number[] = [];
	for (let i = 0; i < REPEAT; i++) {
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
	report.detail(S, `Sorts: ${REPEAT} rounds per column of a first page and, by the cursor of a 2,000-row page, the page after it. Only Created walks an index; the others sort the range's rows found on (tenant_id, created_at) under the statement time limit.`); // prettier-ignore
}
