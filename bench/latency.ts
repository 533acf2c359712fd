import type { CDPSession, Page } from '@playwright/test';
import {
	drainProbe,
	gridRowCount,
	installProbe,
	openFloor,
	openGrid,
	pageClockOffset,
	VIEWPORT
} from './lib/browser';
import { tenantCrowd } from './lib/audience';
import { onCleanup } from './lib/cleanup';
import { FloorListener } from './lib/floor';
import { FloorPipeline } from './lib/floor-pipeline';
import { keyOf } from './lib/keys';
import { settleFleet } from './lib/load';
import { CpuSplit } from './lib/proc';
import { framesPerSecond, sleep, summarize, type Summary } from './lib/stats';
import { HeapSampling, Trace } from './lib/trace';
import { PacedWriter } from './lib/writer';
import type { FleetResult, LiveEnv } from './live';

/**
 * Commit-to-screen against the browser floor (bench/floor: zongji → Socket.IO → a plain DOM
 * table, no scope and no state), alternating in one run: floor then product at 50 commits/s,
 * floor then product at 200. Each runs alone: the other's page is closed and its server idle or
 * stopped. Then the product at 200 commits/s with 500 more Socket.IO clients of the same
 * tenant (not with --live-sockets 0). A bare zongji listener on the same binlog is the
 * server-side floor in every phase; in the product's own phases one Node Socket.IO client
 * beside the page gives the server's share (commit → a socket, no browser in the way).
 */

const S = 'commit-to-screen';
/** Issue 12's targets: the product's painted p99 and p50 against the floor's. */
const MAX_P99_RATIO = 1.5;
const MAX_P50_RATIO = 2;
const CROWD_P99_MS = 100;

export interface Phase {
	label: string;
	page: Page;
	/** The process serving the page, for the CPU split. */
	serverPid: number;
	rate: number;
	seconds: number;
	idBase: number;
	/** Whether the load process's socket clients take part. */
	fleet: boolean;
	/** Whether the load process holds one socket client (the server's share, without a browser). */
	probe?: boolean;
}

export async function latencySuite(env: LiveEnv): Promise<void> {
	const { ctx, server, sockets } = env;
	const seconds = ctx.options.latencySeconds / 2;
	const floor = new FloorPipeline(ctx.db, env.stack.pbxDb);
	const stopFloor = onCleanup(() => floor.stop());
	let idBase = 4e9;
	for (const rate of [50, 200]) {
		// The product's page is closed while the floor runs, and the floor's server is stopped
		// while the product runs: neither pays for the other.
		await env.page.context().close();
		await floor.start();
		const floorPage = await openFloor(env.browser, floor.url);
		const floorPaint = await measure(env, { label: `floor at ${rate}/s`, page: floorPage, serverPid: floor.pid, rate, seconds, idBase, fleet: false }); // prettier-ignore
		await floorPage.context().close();
		await floor.stop();
		idBase += 1e7;
		env.page = await openGrid(env.browser, server.url, env.cookie);
		// One Node Socket.IO client of the same tenant beside the page: the commit's way to a
		// socket without a browser's main thread in it, so the page's share can be told apart.
		const [probe] = await tenantCrowd(env.stack, 'bench.admin', env.tenantId, 1);
		await sockets.call('openSockets', { url: server.url, clients: [probe], concurrency: 1 });
		const paint = await measure(env, { label: `product at ${rate}/s`, page: env.page, serverPid: server.pid, rate, seconds, idBase, fleet: false, probe: true }); // prettier-ignore
		await sockets.call('closeSockets');
		idBase += 1e7;
		compare(env, rate, paint, floorPaint);
	}
	await stopFloor();

	const count = ctx.options.liveSockets;
	if (count === 0) return;
	const clients = await tenantCrowd(env.stack, 'bench.admin', env.tenantId, count);
	const opened = await sockets.call<{ opened: number; seconds: number; firstError: string | null }>('openSockets', { url: server.url, clients, concurrency: 25 }); // prettier-ignore
	ctx.report.detail(S, `${opened.opened} extra sockets subscribed (snapshot each) in ${opened.seconds.toFixed(1)} s${opened.firstError ? `; first error: ${opened.firstError}` : ''}.`); // prettier-ignore
	const crowd = await measure(env, { label: `product at 200/s + ${count} sockets`, page: env.page, serverPid: server.pid, rate: 200, seconds, idBase: 4.1e9, fleet: true }); // prettier-ignore
	ctx.report.add({ suite: S, name: `product at 200/s + ${count} sockets: painted p99`, unit: 'ms', value: crowd.p99, target: `≤ ${CROWD_P99_MS}`, met: crowd.p99 <= CROWD_P99_MS }); // prettier-ignore
	await sockets.call('closeSockets');
}

/** The product's painted latency against the floor's at one rate, as issue 12 sets it. */
function compare(env: LiveEnv, rate: number, product: Summary, floor: Summary): void {
	const { report } = env.ctx;
	const p99 = product.p99 / floor.p99;
	const p50 = product.median / floor.median;
	report.add({ suite: S, name: `at ${rate}/s: product painted p99 / floor painted p99`, unit: '×', value: p99, target: `≤ ${MAX_P99_RATIO}`, met: p99 <= MAX_P99_RATIO }); // prettier-ignore
	report.add({ suite: S, name: `at ${rate}/s: product painted p50 / floor painted p50`, unit: '×', value: p50, target: `≤ ${MAX_P50_RATIO}`, met: p50 <= MAX_P50_RATIO }); // prettier-ignore
	report.ratio(`commit-to-screen at ${rate} commits/s: the product paints at p50 ${product.median.toFixed(1)} ms / p99 ${product.p99.toFixed(1)} ms, the browser floor at p50 ${floor.median.toFixed(1)} ms / p99 ${floor.p99.toFixed(1)} ms (${p50.toFixed(2)} × and ${p99.toFixed(2)} ×)`); // prettier-ignore
}

/** One phase: the writer at `rate` for `seconds`, every row state timed to the page's paint. */
export async function measure(env: LiveEnv, phase: Phase): Promise<Summary> {
	const { ctx, sockets } = env;
	const { report } = ctx;
	const { label, page, rate, seconds } = phase;
	const writer = new PacedWriter(env.pool, { idBase: phase.idBase, rate, seconds, targets: env.targets }); // prettier-ignore
	const space = writer.table.space;
	const floor = new FloorListener(ctx.db, env.stack.pbxDb, space);
	await floor.start();
	await installProbe(page);
	const gridRows = await gridRowCount(page);
	const pageOffset = await pageClockOffset(page);
	const listening = phase.fleet || phase.probe === true;
	const loadOffset = listening ? await sockets.clockOffset() : 0;
	if (listening) await sockets.call('record', { space });
	await sleep(300);
	const cpu = new CpuSplit({ server: phase.serverPid, MariaDB: ctx.db.pid, ...(listening && { 'socket clients': sockets.pid }) }).start(); // prettier-ignore
	ctx.log(`${S} (${label}): ${seconds} s at ${rate} commits/s`);
	const mainThread = await MainThread.start(page);
	// BENCH_TRACE=/tmp/x: a Chromium trace of each 200/s phase's page (CPU profile included),
	// written to /tmp/x-floor.json and /tmp/x-product.json, for DevTools' Performance panel.
	const tracePrefix = rate === 200 && !phase.fleet ? process.env.BENCH_TRACE : undefined;
	const trace = tracePrefix ? await Trace.start(page) : null;
	// BENCH_HEAP=/tmp/x: a sampling heap profile of each 200/s phase's page, garbage included
	// (what was allocated, collected or not), to /tmp/x-floor.heapprofile and -product.heapprofile.
	const heapPrefix = rate === 200 && !phase.fleet ? process.env.BENCH_HEAP : undefined;
	const heap = heapPrefix ? await HeapSampling.start(page) : null;
	await writer.run();
	if (trace) await trace.stop(`${tracePrefix}-${label.split(' ')[0]}.json`);
	if (heap) await heap.stop(`${heapPrefix}-${label.split(' ')[0]}.heapprofile`);
	const busy = await mainThread.read();
	const cpuUse = cpu.read();
	// Whatever is still queued (a backlog under load) must arrive before it is counted.
	if (listening) await settleFleet(sockets, 120_000);
	await settle(() => page.evaluate(() => (window as unknown as { __bench: { paints: unknown[] } }).__bench.paints.length), 30_000); // prettier-ignore
	const { paints, frames, received } = await drainProbe(page);
	await floor.stop();
	let fleet: FleetResult | null = null;
	if (listening) {
		await sockets.call('stopRecording');
		fleet = await sockets.call<FleetResult>('fleetResults', { table: writer.table, offsetMs: loadOffset }); // prettier-ignore
	}

	const acks = writer.table.acks;
	const toDom: number[] = [];
	const toPaint: number[] = [];
	const toNext: number[] = [];
	for (const [id, status, dom, painted, next] of paints) {
		const key = keyOf(space, id, status);
		if (key < 0 || Number.isNaN(acks[key])) continue;
		toDom.push(dom - pageOffset - acks[key]);
		if (painted) toPaint.push(painted - pageOffset - acks[key]);
		if (next) toNext.push(next - pageOffset - acks[key]);
	}
	const toSocket: number[] = [];
	for (const [id, status, t] of received) {
		const key = keyOf(space, id, status);
		if (key >= 0 && !Number.isNaN(acks[key])) toSocket.push(t - pageOffset - acks[key]);
	}
	const decoded: number[] = [];
	for (let key = 0; key < acks.length; key++) {
		if (!Number.isNaN(acks[key]) && !Number.isNaN(floor.decoded[key])) {
			decoded.push(floor.decoded[key] - acks[key]);
		}
	}
	const paint = summarize(toPaint);
	const fps = framesPerSecond(frames);
	report.dist(S, `${label}: commit ack → painted`, 'ms', paint);
	report.dist(S, `${label}: commit ack → page's WebSocket received`, 'ms', summarize(toSocket));
	report.dist(S, `${label}: commit ack → DOM updated`, 'ms', summarize(toDom));
	report.dist(S, `${label}: commit ack → next frame (upper bound)`, 'ms', summarize(toNext));
	if (fleet && phase.fleet) report.dist(S, `${label}: commit ack → socket clients received`, 'ms', fleet.latency); // prettier-ignore
	if (fleet && !phase.fleet) report.dist(S, `${label}: commit ack → a Node socket client received (no browser)`, 'ms', fleet.latency); // prettier-ignore
	report.dist(S, `${label}: commit ack → bare zongji decoded`, 'ms', summarize(decoded));
	report.detail(S, `${label}: ${writer.commits} commits (${writer.failures} failed) of single interaction changes at ${rate}/s in ${((writer.endedAt - writer.startedAt) / 1000).toFixed(1)} s, lifecycle steps 200 ms apart, schedule lag max ${writer.maxLagMs.toFixed(1)} ms; ${toPaint.length} states seen painted in Chromium (others scrolled out of the rendered rows, or were superseded within one frame); ${gridRows} rows at the start (${VIEWPORT.width}×${VIEWPORT.height}); page frames/s median ${fps.median.toFixed(0)}, worst second ${fps.min.toFixed(0)}; page clock offset ${pageOffset.toFixed(2)} ms.`); // prettier-ignore
	if (fleet && phase.fleet) report.detail(S, `${label}: ${fleet.clients} socket clients got ${fleet.delivered} of ${fleet.expected} expected deliveries (${fleet.duplicates} duplicates, ${fleet.disconnects} disconnects ${JSON.stringify(fleet.disconnectReasons)}, resumed as the browser does) = ${Math.round(fleet.delivered / seconds)} socket messages/s.`); // prettier-ignore
	report.detail(S, `${label}: the page's main thread was busy ${busy}.`);
	report.detail(S, `${label}: CPU: ${cpuUse.text}; bare zongji matched ${decoded.length} changes${floor.error ? `, error ${floor.error}` : ''}.`); // prettier-ignore
	return paint;
}

/**
 * How much of the page's main thread the phase took (Chrome's own task accounting): a change
 * that reaches the page's WebSocket waits for the main thread, so a busy page delays it before
 * the page's code sees it at all.
 */
class MainThread {
	private constructor(
		private readonly cdp: CDPSession,
		private readonly before: Record<string, number>
	) {}

	static async start(page: Page): Promise<MainThread> {
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Performance.enable');
		return new MainThread(cdp, await metricsOf(cdp));
	}

	/** E.g. "64% of the time (script 15%, style 9%, layout 6%)". */
	async read(): Promise<string> {
		const after = await metricsOf(this.cdp);
		await this.cdp.detach();
		const span = after.Timestamp - this.before.Timestamp;
		const share = (name: string) => `${(((after[name] - this.before[name]) / span) * 100).toFixed(0)}%`; // prettier-ignore
		return `${share('TaskDuration')} of the time (script ${share('ScriptDuration')}, style ${share('RecalcStyleDuration')}, layout ${share('LayoutDuration')})`; // prettier-ignore
	}
}

async function metricsOf(cdp: CDPSession): Promise<Record<string, number>> {
	const { metrics } = await cdp.send('Performance.getMetrics');
	return Object.fromEntries(metrics.map(({ name, value }) => [name, value]));
}

/** Waits until a growing count stops growing (two checks 500 ms apart), at most maxMs. */
async function settle(count: () => Promise<number>, maxMs: number): Promise<void> {
	const deadline = Date.now() + maxMs;
	let last = -1;
	let still = 0;
	while (Date.now() < deadline && still < 2) {
		await sleep(500);
		const current = await count();
		still = current === last ? still + 1 : 0;
		last = current;
	}
}
