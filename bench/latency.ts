import { drainProbe, gridRowCount, installProbe, pageClockOffset, VIEWPORT } from './lib/browser';
import { FloorListener } from './lib/floor';
import { keyOf } from './lib/keys';
import { settleFleet } from './lib/load';
import { CpuSplit } from './lib/proc';
import { framesPerSecond, sleep, summarize } from './lib/stats';
import { PacedWriter } from './lib/writer';
import type { FleetResult, LiveEnv } from './live';

/**
 * Commit-to-screen at 200 commits/s, twice in a row: Chromium alone, then Chromium with 500
 * more Socket.IO clients of the same tenant. A bare zongji listener on the same binlog is the
 * floor in both.
 */
export async function latencySuite(env: LiveEnv): Promise<void> {
	const { ctx, server, sockets } = env;
	const seconds = ctx.options.latencySeconds / 2;
	await measure(env, 'Chromium alone', seconds, 4e9);
	const count = ctx.options.liveSockets;
	const clients = Array.from({ length: count }, () => ({
		cookie: env.cookie,
		request: {},
		scope: { tenantId: env.tenantId, queueIds: null }
	}));
	const opened = await sockets.call<{ opened: number; seconds: number; firstError: string | null }>('openSockets', { url: server.url, clients, concurrency: 25 }); // prettier-ignore
	ctx.report.detail('commit-to-screen', `${opened.opened} extra sockets subscribed (snapshot each) in ${opened.seconds.toFixed(1)} s${opened.firstError ? `; first error: ${opened.firstError}` : ''}.`); // prettier-ignore
	await measure(env, `+ ${count} sockets`, seconds, 4.1e9);
	await sockets.call('closeSockets');
}

async function measure(env: LiveEnv, label: string, seconds: number, idBase: number) {
	const S = 'commit-to-screen';
	const { ctx, server, page, sockets } = env;
	const { report } = ctx;
	const writer = new PacedWriter(env.pool, { idBase, rate: 200, seconds, targets: env.targets });
	const space = writer.table.space;
	const floor = new FloorListener(ctx.db, env.stack.pbxDb, space);
	await floor.start();
	await installProbe(page);
	const gridRows = await gridRowCount(page);
	const pageOffset = await pageClockOffset(page);
	const loadOffset = await sockets.clockOffset();
	await sockets.call('record', { space });
	await sleep(300);
	const cpu = new CpuSplit({ server: server.pid, MariaDB: ctx.db.pid, 'socket clients': sockets.pid }).start(); // prettier-ignore
	ctx.log(`${S} (${label}): ${seconds} s at 200 commits/s`);
	await writer.run();
	const cpuUse = cpu.read();
	// Whatever is still queued (a backlog under load) must arrive before it is counted.
	await settleFleet(sockets, 120_000);
	await settle(() => page.evaluate(() => (window as unknown as { __bench: { paints: unknown[] } }).__bench.paints.length), 30_000); // prettier-ignore
	const { paints, frames, received } = await drainProbe(page);
	await floor.stop();
	await sockets.call('stopRecording');
	const fleet = await sockets.call<FleetResult>('fleetResults', { table: writer.table, offsetMs: loadOffset }); // prettier-ignore

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
	const floorLat: number[] = [];
	for (let key = 0; key < acks.length; key++) {
		if (!Number.isNaN(acks[key]) && !Number.isNaN(floor.decoded[key])) {
			floorLat.push(floor.decoded[key] - acks[key]);
		}
	}
	const paint = summarize(toPaint);
	const floorS = summarize(floorLat);
	const fps = framesPerSecond(frames);
	const met = paint.median <= 15 && paint.p99 <= 50;
	report.dist(S, `${label}: commit ack → painted`, 'ms', paint, 'p50 ≤ 15, p99 ≤ 50', met);
	report.dist(S, `${label}: commit ack → page's WebSocket received`, 'ms', summarize(toSocket));
	report.dist(S, `${label}: commit ack → grid DOM updated`, 'ms', summarize(toDom));
	report.dist(S, `${label}: commit ack → next frame (upper bound)`, 'ms', summarize(toNext));
	if (fleet.clients > 0) report.dist(S, `${label}: commit ack → socket clients received`, 'ms', fleet.latency); // prettier-ignore
	report.dist(S, `${label}: floor, commit ack → bare zongji decoded`, 'ms', floorS);
	report.add({ suite: S, name: `${label}: painted p99 / floor p99`, unit: '×', value: paint.p99 / floorS.p99 }); // prettier-ignore
	report.ratio(`commit-to-screen (${label}): p99 ${paint.p99.toFixed(1)} ms = ${(paint.p99 / floorS.p99).toFixed(0)} × the bare-zongji floor p99 (${floorS.p99.toFixed(2)} ms); p50 ${paint.median.toFixed(1)} ms vs ${floorS.median.toFixed(2)} ms`); // prettier-ignore
	report.detail(S, `${label}: ${writer.commits} commits (${writer.failures} failed) of single interaction changes at 200/s in ${((writer.endedAt - writer.startedAt) / 1000).toFixed(1)} s, lifecycle steps 200 ms apart, schedule lag max ${writer.maxLagMs.toFixed(1)} ms; ${toPaint.length} states seen painted in Chromium (others scrolled out of the rendered rows, or were superseded within one frame); grid of ${gridRows} rows at the start (${VIEWPORT.width}×${VIEWPORT.height}); page frames/s median ${fps.median.toFixed(0)}, worst second ${fps.min.toFixed(0)}; page clock offset ${pageOffset.toFixed(2)} ms.`); // prettier-ignore
	if (fleet.clients > 0) report.detail(S, `${label}: ${fleet.clients} socket clients got ${fleet.delivered} of ${fleet.expected} expected deliveries (${fleet.duplicates} duplicates, ${fleet.disconnects} disconnects ${JSON.stringify(fleet.disconnectReasons)}, resumed as the browser does) = ${Math.round(fleet.delivered / seconds)} socket messages/s.`); // prettier-ignore
	report.detail(S, `${label}: CPU: ${cpuUse.text}; floor matched ${floorLat.length} changes${floor.error ? `, error ${floor.error}` : ''}.`); // prettier-ignore
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
