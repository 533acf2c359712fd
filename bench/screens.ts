import * as chromeLauncher from 'chrome-launcher';
import { writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import { mintWallToken } from '../scripts/lib/accounts';
import { CHROMIUM } from './lib/browser';
import { seedMidDay } from './lib/bulk';
import { onCleanup } from './lib/cleanup';
import { targetsOf, type Context } from './lib/context';
import { createAccounts, newStack, pbxPool, signIn } from './lib/env';
import { ServerProcess } from './lib/server';

/**
 * Screens on slow hardware: Lighthouse's default (mobile) preset, 4× CPU slowdown and a slow
 * network simulated, on /wall and /interactions of a contact center at mid-day, in Debian's
 * Chromium. Each page is audited `RUNS` times; the median score counts.
 */

const S = 'screens';
const RUNS = 3;
const PERFORMANCE_TARGET = 90;
const ACCESSIBILITY_TARGET = 100;

interface Audit {
	performance: number;
	accessibility: number;
	totalBlockingMs: number;
	largestPaintMs: number;
	failing: string[];
}

export async function screensSuite(ctx: Context): Promise<void> {
	const stack = await newStack(ctx.db);
	const pool = pbxPool(ctx.db, stack.pbxDb, 4);
	const tenant = stack.lookups.tenants[0];
	const targets = targetsOf(stack.lookups, [tenant.id]);
	await seedMidDay(pool, { targets, timezone: tenant.timezone, idBase: 5e9 });
	await createAccounts(stack, [{ username: 'bench.screens', role: 'cc_admin', tenantId: tenant.id }]); // prettier-ignore
	const token = await mintWallToken(stack.env, { label: 'bench', tenantId: tenant.id, queueIds: 'all' }); // prettier-ignore
	const server = new ServerProcess(stack.env, 'screens');
	const stopServer = onCleanup(() => server.stop());
	try {
		await server.start();
		const cookie = await signIn(server.url, 'bench.screens');
		const pages: { name: string; url: string; headers: Record<string, string> }[] = [
			{ name: '/wall', url: `${server.url}/wall?token=${token}`, headers: {} },
			{ name: '/interactions', url: `${server.url}/interactions`, headers: { Cookie: cookie } }
		];
		for (const page of pages) {
			// A fresh profile per page: the wall's cookie would otherwise be who opens the grid.
			const chrome = await chromeLauncher.launch({
				chromePath: CHROMIUM,
				chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu']
			});
			const stopChrome = onCleanup(async () => chrome.kill());
			try {
				const audits: Audit[] = [];
				for (let run = 0; run < RUNS; run++) {
					ctx.log(`${S}: Lighthouse on ${page.name} (${run + 1} of ${RUNS})`);
					audits.push(await audit(chrome.port, page.url, page.headers));
				}
				report(ctx, page.name, audits);
			} finally {
				await stopChrome();
			}
		}
	} finally {
		await stopServer();
		await pool.end();
		await stack.destroy();
	}
}

let lhrWritten = 0;

export async function audit(port: number, url: string, extraHeaders: Record<string, string>) {
	const result = await lighthouse(url, {
		port,
		output: 'json',
		logLevel: 'error',
		onlyCategories: ['performance', 'accessibility'],
		extraHeaders
	});
	if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
	const { categories, audits, runtimeError } = result.lhr;
	if (runtimeError)
		throw new Error(`Lighthouse on ${url}: ${runtimeError.code} ${runtimeError.message}`);
	// BENCH_LHR=/tmp/x: each audit's whole report (its long tasks, main-thread breakdown, …) in
	// /tmp/x-<page>-<n>.json and its trace in …-trace.json, to compare two builds' tasks rather
	// than their scores.
	const lhrPrefix = process.env.BENCH_LHR;
	if (lhrPrefix) {
		const page = new URL(url).pathname.replace(/\W+/g, '') || 'root';
		const name = `${lhrPrefix}-${page}-${++lhrWritten}`;
		writeFileSync(`${name}.json`, JSON.stringify(result.lhr));
		const trace = (result.artifacts as { Trace?: unknown }).Trace;
		if (trace) writeFileSync(`${name}-trace.json`, JSON.stringify(trace));
	}
	const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
	const failing = (categories.accessibility?.auditRefs ?? [])
		.filter((ref) => ref.weight > 0 && audits[ref.id]?.score === 0)
		.map((ref) => `${ref.id} (${failingNodes(audits[ref.id].details)})`);
	return {
		performance: score('performance'),
		accessibility: score('accessibility'),
		totalBlockingMs: audits['total-blocking-time']?.numericValue ?? NaN,
		largestPaintMs: audits['largest-contentful-paint']?.numericValue ?? NaN,
		failing
	};
}

/** The elements an accessibility audit failed on, as Lighthouse names them. */
function failingNodes(details: unknown): string {
	const items = (details as { items?: { node?: { selector?: string; explanation?: string } }[] })
		?.items;
	return (items ?? [])
		.slice(0, 5)
		.map(
			({ node }) =>
				`${node?.selector ?? '?'}: ${node?.explanation?.split('\n').slice(0, 2).join(' ') ?? ''}`
		)
		.join('; ');
}

function report(ctx: Context, page: string, audits: Audit[]): void {
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
	const performance = median(audits.map((a) => a.performance));
	const accessibility = median(audits.map((a) => a.accessibility));
	const blocking = median(audits.map((a) => a.totalBlockingMs));
	const largest = median(audits.map((a) => a.largestPaintMs));
	const { report } = ctx;
	report.add({ suite: S, name: `${page}: Lighthouse performance (mobile, 4× CPU)`, unit: '', value: performance, target: `≥ ${PERFORMANCE_TARGET}`, met: performance >= PERFORMANCE_TARGET }); // prettier-ignore
	report.add({ suite: S, name: `${page}: Lighthouse accessibility`, unit: '', value: accessibility, target: `${ACCESSIBILITY_TARGET}`, met: accessibility >= ACCESSIBILITY_TARGET }); // prettier-ignore
	report.add({ suite: S, name: `${page}: total blocking time`, unit: 'ms', value: blocking });
	report.add({ suite: S, name: `${page}: largest contentful paint`, unit: 'ms', value: largest });
	const failing = [...new Set(audits.flatMap((a) => a.failing))];
	report.detail(S, `${page}: performance ${audits.map((a) => a.performance).join(', ')}; accessibility ${audits.map((a) => a.accessibility).join(', ')}; total blocking time ${audits.map((a) => Math.round(a.totalBlockingMs)).join(', ')} ms over ${audits.length} runs${failing.length ? `; failing accessibility audits: ${failing.join(', ')}` : ''}.`); // prettier-ignore
}
