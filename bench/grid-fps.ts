import { io } from 'socket.io-client';
import type { SubscribeReply } from '../src/lib/realtime';
import type { Sandbox } from '../scripts/lib/sandbox';
import {
	drainProbe,
	gridRowCount,
	installProbe,
	launchChromium,
	openGrid,
	VIEWPORT
} from './lib/browser';
import { pageClockOffset } from './lib/browser';
import { insertActive } from './lib/bulk';
import { onCleanup } from './lib/cleanup';
import { targetsOf, type Context } from './lib/context';
import { pbxPool } from './lib/env';
import { keyOf } from './lib/keys';
import type { ServerProcess } from './lib/server';
import { framesPerSecond, sleep, summarize } from './lib/stats';
import { PacedWriter } from './lib/writer';

/**
 * The live grid with 10,000 rows (topped up with in-progress interactions through the binlog)
 * in Chromium, idle and then receiving 200 changes/s: animation frames per second, counted by
 * requestAnimationFrame in the page.
 */
export async function gridFpsRun(
	ctx: Context,
	stack: Sandbox,
	server: ServerProcess,
	cookie: string
): Promise<void> {
	const S = 'history';
	const target = 10_000;
	const tenant = stack.lookups.tenants[0];
	const targets = targetsOf(stack.lookups, [tenant.id]);
	const pool = pbxPool(ctx.db, stack.pbxDb, 4);
	const browserRef: { close(): Promise<void> }[] = [];
	const stopBrowser = onCleanup(async () => browserRef[0]?.close());
	try {
		const before = await liveRows(server.url, cookie);
		if (before < target) await insertActive(pool, { idBase: 9e9, count: target - before, targets });
		for (let i = 0; i < 120 && (await liveRows(server.url, cookie)) < target; i++) await sleep(500);
		const browser = await launchChromium();
		browserRef.push(browser);
		ctx.chromiumVersion ??= browser.version();
		const page = await openGrid(browser, server.url, cookie);
		for (let i = 0; i < 60 && (await gridRowCount(page)) < target; i++) await sleep(500);
		const rows = await gridRowCount(page);
		await installProbe(page);
		await sleep(5000);
		const idle = framesPerSecond((await drainProbe(page)).frames);
		const offset = await pageClockOffset(page);
		const seconds = ctx.options.fpsSeconds;
		const writer = new PacedWriter(pool, { idBase: 9.1e9, rate: 200, seconds, targets });
		ctx.log(`${S}: grid of ${rows} rows in Chromium, ${seconds} s at 200 changes/s`);
		await writer.run();
		await sleep(1000);
		const { frames, paints } = await drainProbe(page);
		const busy = framesPerSecond(frames);
		const intervals = frames.slice(1).map((t, i) => t - frames[i]);
		const gaps = summarize(intervals);
		const latency: number[] = [];
		for (const [id, status, , painted] of paints) {
			const key = keyOf(writer.table.space, id, status);
			if (key >= 0 && painted && !Number.isNaN(writer.table.acks[key])) {
				latency.push(painted - offset - writer.table.acks[key]);
			}
		}
		const paint = summarize(latency);
		ctx.report.add({ suite: S, name: `grid frames/s, ${rows} rows, 200 changes/s (median second)`, unit: 'fps', value: busy.median, target: '≥ 55', met: busy.median >= 55 }); // prettier-ignore
		ctx.report.add({ suite: S, name: 'grid frames/s, worst second', unit: 'fps', value: busy.min });
		ctx.report.dist(S, 'grid frame interval at 200 changes/s', 'ms', gaps);
		ctx.report.dist(S, `commit ack → painted, ${rows}-row grid`, 'ms', paint);
		ctx.report.detail(S, `Grid: ${rows} rows in the live view (${before} before topping up), Chromium ${VIEWPORT.width}×${VIEWPORT.height}; idle: median ${idle.median} frames/s (worst second ${idle.min}); at 200 changes/s (${writer.commits} commits): median ${busy.median}, worst second ${busy.min}, frame interval p50 ${gaps.median.toFixed(1)} ms, p99 ${gaps.p99.toFixed(1)} ms, longest ${gaps.max.toFixed(0)} ms; ${latency.length} states painted.`); // prettier-ignore
	} finally {
		await stopBrowser();
		await pool.end();
	}
}

/** Rows of the signed-in user's live view, from a snapshot over Socket.IO. */
async function liveRows(url: string, cookie: string): Promise<number> {
	const socket = io(url, { transports: ['websocket'], extraHeaders: { cookie }, forceNew: true, reconnection: false }); // prettier-ignore
	try {
		const reply = await new Promise<SubscribeReply>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('snapshot timed out')), 30_000);
			socket.once('connect_error', reject);
			socket.once('connect', () =>
				socket.emit('live:subscribe', {}, (r: SubscribeReply) => {
					clearTimeout(timer);
					resolve(r);
				})
			);
		});
		return reply.ok && reply.kind === 'snapshot' ? reply.snapshot.rows.length : 0;
	} finally {
		socket.close();
	}
}
