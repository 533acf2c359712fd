import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import type { RowDataPacket } from 'mysql2/promise';
import { compareRows } from '../src/lib/live/sort';
import { dayFrame } from '../src/lib/queues/day';
import { aggregateDay, queueFigures } from '../src/lib/queues/figures';
import { FiguresAt } from '../src/lib/replay/figures-at';
import { SortedAt } from '../src/lib/replay/sorted-at';
import { DEFAULT_THRESHOLDS } from '../src/lib/queues/thresholds';
import { formatAt } from '../src/lib/replay/at';
import { rowAt } from '../src/lib/replay/state-at';
import { DayTimeline } from '../src/lib/replay/timeline';
import { decodeDay, type ReplayDayWire } from '../src/lib/replay/wire';
import { scopeSql, type Scope } from '../src/lib/server/scope/rules';
import { formatZonedDate, startOfZonedDay, zonedDateOf } from '../src/lib/time/zone';
import { launchChromium, VIEWPORT } from './lib/browser';
import { insertActive, insertClosedToday } from './lib/bulk';
import { onCleanup } from './lib/cleanup';
import { targetsOf, type Context } from './lib/context';
import { createAccounts, newStack, pbxPool, signIn } from './lib/env';
import { ServerProcess } from './lib/server';
import { framesPerSecond, fmt, sleep, summarize } from './lib/stats';

/**
 * Issue 25's choice, measured side by side: the state at T from one indexed query per step
 * (strategy A) or from the day's rows loaded once and derived in the browser (strategy B, the
 * one shipped), for a tenant with 1,600 interactions in progress and 50,000 closed that day.
 * Then the shipped path in Chromium: a scrub step from key to painted frame, and play at 60×.
 */

const S = 'replay';
const IN_PROGRESS = 1600;
const CLOSED = 50_000;

export async function replaySuite(ctx: Context): Promise<void> {
	const stack = await newStack(ctx.db);
	const pool = pbxPool(ctx.db, stack.pbxDb, 4);
	const tenant = stack.lookups.tenants[0];
	const tz = tenant.timezone;
	const targets = targetsOf(stack.lookups, [tenant.id]);
	const dayStart = startOfZonedDay(Date.now(), tz);
	const spanMs = Math.max(600_000, Math.min(Date.now() - dayStart - 300_000, 12 * 3_600_000));
	ctx.log(`${S}: ${fmt(IN_PROGRESS, 0)} in progress, ${fmt(CLOSED, 0)} closed today`);
	await insertActive(pool, { idBase: 6e9, count: IN_PROGRESS, targets });
	await insertClosedToday(pool, { idBase: 6.1e9, count: CLOSED, targets, spanMs });
	await stack.pbx('ANALYZE TABLE closed_interactions, active_interactions');
	await createAccounts(stack, [{ username: 'bench.replay', role: 'cc_admin', tenantId: tenant.id }]); // prettier-ignore
	const server = new ServerProcess(stack.env, 'replay');
	const stopServer = onCleanup(() => server.stop());
	const browserRef: { close(): Promise<void> }[] = [];
	const stopBrowser = onCleanup(async () => browserRef[0]?.close());
	try {
		await server.start();
		const cookie = await signIn(server.url, 'bench.replay');
		const date = formatZonedDate(zonedDateOf(Date.now(), tz));
		const nowMs = Date.now();
		// Within the span that has rows: an instant before the first row of the day is a step with
		// nothing to show, which the first runs of this suite counted (half their jumps were such).
		const randomT = () => nowMs - Math.random() * spanMs;

		// B: the day once, over HTTP as the page fetches it, then each step derived in JS.
		const loads: number[] = [];
		let wire: ReplayDayWire | null = null;
		let bytes = 0;
		const decodes: number[] = [];
		for (let i = 0; i < 6; i++) {
			const started = performance.now();
			const response = await fetch(`${server.url}/api/replay?date=${date}`, { headers: { cookie } }); // prettier-ignore
			const text = await response.text();
			if (!response.ok) throw new Error(`/api/replay: HTTP ${response.status} ${text.slice(0, 200)}`); // prettier-ignore
			wire = JSON.parse(text) as ReplayDayWire;
			const decoding = performance.now();
			decodeDay(wire);
			if (i > 0) decodes.push(performance.now() - decoding);
			if (i > 0) loads.push(performance.now() - started);
			bytes = text.length;
		}
		const day = decodeDay(wire!);
		const load = summarize(loads);
		const json = JSON.stringify(wire);
		const gzipped = gzipSync(json, { level: 1 }).length;
		// The wire before this one: a tuple of every field per row (13.7 MB in the first run).
		const tuples = JSON.stringify({ ...wire, columns: undefined, strings: undefined, rows: day.rows.map((row) => Object.values(row)) }).length; // prettier-ignore
		ctx.report.dist(S, `B: the day loaded once (${fmt(day.rows.length, 0)} rows, ${fmt(bytes / 1e6)} MB of JSON, ${fmt(gzipped / 1e6)} MB gzipped)`, 'ms', load); // prettier-ignore
		ctx.report.dist(S, 'B: the day decoded into rows (after JSON.parse; in Node)', 'ms', summarize(decodes)); // prettier-ignore
		ctx.report.add({ suite: S, name: 'B: the day as JSON, columns / one tuple per row (the wire before)', unit: '×', value: bytes / tuples }); // prettier-ignore
		ctx.report.detail(S, `The day's JSON: ${fmt(bytes / 1e6)} MB by column (${fmt(gzipped / 1e6)} MB as the server gzips it, level 1), against ${fmt(tuples / 1e6)} MB as the previous wire's one tuple per row.`); // prettier-ignore
		const frame = dayFrame(dayStart, tz);
		const queueIds = tenant.queues.map((q) => q.id);
		const thresholds = () => DEFAULT_THRESHOLDS;
		const order = compareRows('created', 'desc', 0);
		const timeline = new DayTimeline(day);
		const sorted = new SortedAt();
		const figures = new FiguresAt();
		const all = () => true;
		const request = { matches: all, matchesKey: '', queueIds, frame, thresholdsOf: thresholds };
		// What the page does at a new T: move, the grid's sorted rows, the strip's figures.
		const stepB = (t: number) => {
			timeline.moveTo(t);
			const rows = sorted.rows(timeline, all, order, 'created desc');
			const days = figures.days(timeline, request);
			for (const d of days.values()) queueFigures(d, t, DEFAULT_THRESHOLDS);
			return rows.length;
		};
		// The same step as before this change: every row at T re-aggregated and sorted again.
		const stepWhole = (t: number) => {
			timeline.moveTo(t);
			const rows = [...timeline.rows.values()].sort(order);
			const days = aggregateDay(rows, queueIds, frame, thresholds);
			for (const d of days.values()) queueFigures(d, t, DEFAULT_THRESHOLDS);
			return rows.length;
		};
		for (let i = 0; i < 5; i++) stepB(randomT());
		const jumpsB: number[] = [];
		for (let i = 0; i < 100; i++) {
			const t = randomT();
			const started = performance.now();
			stepB(t);
			jumpsB.push(performance.now() - started);
		}
		const jumpB = summarize(jumpsB);
		const jumpsWhole: number[] = [];
		for (let i = 0; i < 30; i++) {
			const t = randomT();
			const started = performance.now();
			stepWhole(t);
			jumpsWhole.push(performance.now() - started);
		}
		const jumpWhole = summarize(jumpsWhole);
		ctx.report.dist(S, 'B: a scrub to any T (move, sorted rows, strip figures; in Node)', 'ms', jumpB, 'p95 ≤ 100', jumpB.p95 <= 100); // prettier-ignore
		ctx.report.dist(S, 'B before: the same, every row at T sorted and summed again (in Node)', 'ms', jumpWhole); // prettier-ignore
		ctx.report.ratio(`replay: a scrub step in Node, every row again / checkpoints and merge: median ${fmt(jumpWhole.median / jumpB.median)} ×, p95 ${fmt(jumpWhole.p95 / jumpB.p95)} ×`); // prettier-ignore
		{
			const t = randomT();
			stepB(t);
			const expected = aggregateDay([...timeline.rows.values()], queueIds, frame, thresholds);
			const got = figures.days(timeline, request);
			if (JSON.stringify([...expected]) !== JSON.stringify([...got])) throw new Error('replay: the figures from checkpoints differ from aggregateDay'); // prettier-ignore
		}

		// A: one indexed query per step for the rows at T (transfer only; no mapping, no figures).
		const scope: Scope = { tenantId: tenant.id, queues: 'all' };
		const stepA = async (t: number) => {
			const params: unknown[] = [];
			const where = scopeSql(scope, 'c', params);
			const at = new Date(t).toISOString().slice(0, 23).replace('T', ' ');
			const start = new Date(dayStart).toISOString().slice(0, 23).replace('T', ' ');
			params.push(start, at, start, at);
			const [rows] = await pool.query<RowDataPacket[]>(
				`SELECT c.* FROM closed_interactions c WHERE ${where} AND c.created_at >= ? AND c.created_at <= ?
				   AND (c.created_at >= ? OR c.closed_at > ?)`,
				params
			);
			const activeParams: unknown[] = [];
			const activeWhere = scopeSql(scope, 'c', activeParams);
			activeParams.push(at);
			const [active] = await pool.query<RowDataPacket[]>(
				`SELECT c.* FROM active_interactions c WHERE ${activeWhere} AND c.created_at <= ?`,
				activeParams
			);
			return rows.length + active.length;
		};
		await stepA(randomT());
		const stepsA: number[] = [];
		for (let i = 0; i < 20; i++) {
			const t = randomT();
			const started = performance.now();
			await stepA(t);
			stepsA.push(performance.now() - started);
		}
		const a = summarize(stepsA);
		ctx.report.dist(S, 'A: a scrub to any T (one indexed query, rows at T only)', 'ms', a, 'p95 ≤ 100', a.p95 <= 100); // prettier-ignore
		ctx.report.ratio(`replay: a scrub step, one query per step (A, its SQL alone) / derived in the browser (B, all of it): median ${fmt(a.median / jumpB.median)} ×, p95 ${fmt(a.p95 / jumpB.p95)} ×`); // prettier-ignore

		// Play at 60×, 30 frames a second: 2 s of the day a frame, only the rows that moved.
		timeline.moveTo(dayStart + 3_600_000);
		const playFrames: number[] = [];
		for (let t = dayStart + 3_600_000, i = 0; i < 600 && t < nowMs; i++, t += 2000) {
			const started = performance.now();
			timeline.moveTo(t);
			sorted.rows(timeline, all, order, 'created desc');
			playFrames.push(performance.now() - started);
		}
		ctx.report.dist(S, 'B: a 60× frame (2 s of the day: move and sorted rows; in Node)', 'ms', summarize(playFrames)); // prettier-ignore
		const check = rowAt(day.rows[0], nowMs, dayStart);
		ctx.report.detail(S, `Tenant ${tenant.name} (${tz}): ${IN_PROGRESS} in progress and ${CLOSED} closed today over ${fmt(spanMs / 3_600_000)} h; the day as served is ${fmt(day.rows.length, 0)} rows, ${fmt(bytes / 1e6)} MB of JSON (by column), loaded 5 times after one warm-up. A per-step query must also return the day's closed rows up to T (the grid lists them), so it moves the day's rows on every step; B moves them once. A scrub step in B, as the page makes it: DayTimeline.moveTo, SortedAt's rows by Created, FiguresAt's days and queueFigures for ${queueIds.length} queues, 100 random T within the rows' span; "B before" the same with every row at T sorted and aggregated again (the code before this change), 30 random T. A in its best case: the SQL and transfer of the rows at T, 20 random T, without mapping or figures. Sanity: the first row at now is ${check?.status ?? 'absent'}.`); // prettier-ignore

		// The shipped path in Chromium: key → painted frame, and frames per second while playing.
		const browser = await launchChromium();
		browserRef.push(browser);
		ctx.chromiumVersion ??= browser.version();
		const opening = performance.now();
		const page = await openReplay(browser, server.url, cookie, formatAt(nowMs - spanMs / 2, tz)); // prettier-ignore
		ctx.report.add({ suite: S, name: 'open ?at= → slider shown (the day loaded and derived), Chromium', unit: 'ms', value: performance.now() - opening - 1000 }); // prettier-ignore
		const keySteps = await paintedSteps(page, 'key', 40, spanMs);
		const jumpSteps = await profiled(page, 'jump', () => paintedSteps(page, 'jump', 40, spanMs));
		ctx.report.dist(S, 'scrub a minute (arrow key → painted), Chromium', 'ms', keySteps, 'p95 ≤ 100', keySteps.p95 <= 100); // prettier-ignore
		ctx.report.dist(S, 'scrub to any T (slider → painted), Chromium', 'ms', jumpSteps, 'p95 ≤ 100', jumpSteps.p95 <= 100); // prettier-ignore
		// The page's frame rate paused, just before: what this machine gives the page at that moment.
		const idle = framesPerSecond(await countFrames(page, 4000));
		const fps = await profiled(page, 'play', () => playFps(page, 8000));
		ctx.report.add({ suite: S, name: 'paused, frames/s (median second), Chromium', unit: 'fps', value: idle.median }); // prettier-ignore
		ctx.report.add({ suite: S, name: 'play at 60×, frames/s (median second), Chromium', unit: 'fps', value: fps.median, target: '≥ 30', met: fps.median >= 30 }); // prettier-ignore
		ctx.report.add({ suite: S, name: 'play at 60×, worst second', unit: 'fps', value: fps.min });
		ctx.report.ratio(`replay: frames/s playing at 60× / paused, side by side: ${fmt(fps.median / Math.max(1, idle.median))} ×`); // prettier-ignore
		ctx.report.detail(S, `Chromium ${VIEWPORT.width}×${VIEWPORT.height}, /interactions?at= as the tenant's admin: each step is timed from the event to the end of the first frame that shows the new time (a message posted from requestAnimationFrame), 40 minute steps then 40 random jumps; play at 60× for 8 s counted by requestAnimationFrame.`); // prettier-ignore
	} finally {
		await stopBrowser();
		await stopServer();
		await pool.end();
		await stack.destroy();
	}
}

async function openReplay(
	browser: Awaited<ReturnType<typeof launchChromium>>,
	url: string,
	cookie: string,
	at: string
): Promise<Page> {
	const context = await browser.newContext({ viewport: VIEWPORT });
	const [name, value] = cookie.split('=');
	await context.addCookies([{ name, value, url }]);
	await context.addInitScript('globalThis.__name = (f) => f;');
	const page = await context.newPage();
	await profiled(page, 'open', async () => {
		await page.goto(`${url}/interactions?at=${encodeURIComponent(at)}`);
		await page.getByTestId('replay-slider').waitFor({ timeout: 120_000 });
	});
	await sleep(1000);
	return page;
}

/** Times `n` steps in the page: dispatch, wait for the shown time to change, then its frame. */
async function paintedSteps(page: Page, kind: 'key' | 'jump', n: number, spanMs: number) {
	const times = await page.evaluate(
		async ({ kind, n, spanMs }) => {
			const slider = document.querySelector<HTMLInputElement>('[data-testid="replay-slider"]')!;
			const shown = document.querySelector('[data-testid="replay-time"]')!;
			const painted = () =>
				new Promise<number>((resolve) =>
					requestAnimationFrame(() => {
						const channel = new MessageChannel();
						channel.port1.onmessage = () => resolve(performance.now());
						channel.port2.postMessage(0);
					})
				);
			const out: number[] = [];
			for (let i = 0; i < n; i++) {
				const before = shown.textContent;
				const started = performance.now();
				if (kind === 'key') {
					slider.dispatchEvent(new KeyboardEvent('keydown', { key: i % 2 ? 'ArrowLeft' : 'ArrowRight', bubbles: true })); // prettier-ignore
				} else {
					// Within the span that has rows (the slider's day starts at midnight).
					const max = Number(slider.max);
					const min = Math.max(Number(slider.min), max - spanMs);
					slider.value = String(min + Math.floor(Math.random() * (max - min)));
					slider.dispatchEvent(new Event('input', { bubbles: true }));
				}
				while (shown.textContent === before) await new Promise((r) => setTimeout(r, 0));
				out.push((await painted()) - started);
				await new Promise((r) => setTimeout(r, 50));
			}
			return out;
		},
		{ kind, n, spanMs }
	);
	return summarize(times);
}

async function playFps(page: Page, ms: number) {
	// Two hours before the end of what is known: 8 s at 60× never reaches it (play stops there).
	await page.getByTestId('replay-slider').focus();
	await page.keyboard.press('End');
	await page.keyboard.press('PageDown');
	await page.keyboard.press('PageDown');
	await page.getByTestId('play-60').click();
	const frames = await countFrames(page, ms);
	await page.getByTestId('play-60').click();
	return framesPerSecond(frames);
}

/** The page's requestAnimationFrame times for `ms`. */
function countFrames(page: Page, ms: number): Promise<number[]> {
	return page.evaluate(async (ms) => {
		const out: number[] = [];
		const end = performance.now() + ms;
		await new Promise<void>((resolve) => {
			const frame = (t: number) => {
				out.push(t);
				if (t < end) requestAnimationFrame(frame);
				else resolve();
			};
			requestAnimationFrame(frame);
		});
		return out;
	}, ms);
}

/**
 * BENCH_REPLAY_PROFILE=<prefix>: a CPU profile of the page during `work`, written to
 * <prefix>.<name>.cpuprofile (Chrome DevTools format), to see what a phase spends its time on.
 */
async function profiled<T>(page: Page, name: string, work: () => Promise<T>): Promise<T> {
	const prefix = process.env.BENCH_REPLAY_PROFILE;
	if (!prefix) return work();
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.start');
	try {
		return await work();
	} finally {
		const { profile } = await cdp.send('Profiler.stop');
		writeFileSync(`${prefix}.${name}.cpuprofile`, JSON.stringify(profile));
		await cdp.detach();
	}
}
