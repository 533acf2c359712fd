import { openGrid } from './lib/browser';
import { onCleanup } from './lib/cleanup';
import { signIn } from './lib/env';
import { LoadProcess } from './lib/load';
import { sampleHealth } from './lib/health';
import { sampleRss } from './lib/proc';
import { sleep, summarize, type Summary } from './lib/stats';
import { PacedWriter } from './lib/writer';
import { measure } from './latency';
import type { FloodResult } from './load/flood';
import type { LiveEnv } from './live';

/**
 * One signed-in script floods `live:subscribe` with 300 resumes from the start of a long change
 * log (issue 21, item 1), while an honest supervisor watches /interactions in Chromium and a probe
 * times /health. The same run without the flood is the reference: the supervisor's painted
 * p99 may at most double, /health p99 stays ≤ 100 ms and the server's RSS ≤ 300 MB.
 */

const S = 'subscribe flood';
const RATE = 50;
const LOG_LENGTH = 17_000;
const FLOOD_SOCKETS = 100;
const FLOOD_REPLAYS = 300;
const HEALTH_P99_MS = 100;
const PAINT_RATIO = 2;
const RSS_MB = 300;

interface PhaseFigures {
	paint: Summary;
	health: Summary;
	rssMaxMb: number;
	flood: FloodResult | null;
}

export async function floodSuite(env: LiveEnv, supervisorUsername: string): Promise<void> {
	const { ctx, server } = env;
	const seconds = ctx.options.floodSeconds;
	// As long a log as the issue's: a resume from seq 0 would replay ~17,000 changes.
	const head = await server.seq();
	if (head < LOG_LENGTH) {
		const fill = LOG_LENGTH - head;
		ctx.log(`${S}: ${fill} changes so the change log holds ${LOG_LENGTH}`);
		await new PacedWriter(env.pool, { idBase: 4.6e9, rate: 500, seconds: Math.ceil(fill / 500), targets: env.targets }).run(); // prettier-ignore
	}
	const supervisorCookie = await signIn(server.url, supervisorUsername);
	// The attacker's own sign-in, not the browser's session.
	const attackerCookie = await signIn(server.url, 'bench.admin');
	const page = await openGrid(env.browser, server.url, supervisorCookie);
	const attacker = new LoadProcess('flood');
	const stopAttacker = onCleanup(() => attacker.stop());

	const phase = async (label: string, idBase: number, flood: boolean): Promise<PhaseFigures> => {
		const health = sampleHealth(server.url, 50);
		const rss = sampleRss(server.pid, 200);
		if (flood) {
			await attacker.call('startFlood', { url: server.url, cookie: attackerCookie, sockets: FLOOD_SOCKETS, replays: FLOOD_REPLAYS, seconds: seconds * 0.75 }); // prettier-ignore
		}
		const paint = await measure(env, { label: `${S}, ${label}`, page, serverPid: server.pid, rate: RATE, seconds, idBase, fleet: false }); // prettier-ignore
		const floodResult = flood ? await attacker.call<FloodResult>('floodResults') : null;
		await attacker.call('stopFlood');
		const latencies = await health.stop();
		const rssMaxMb = Math.max(...rss.stop().map(([, mb]) => mb));
		return { paint, health: summarize(latencies), rssMaxMb, flood: floodResult };
	};

	try {
		const quiet = await phase('no flood', 4.7e9, false);
		await sleep(2000);
		const flooded = await phase(`${FLOOD_REPLAYS} replays from one session`, 4.8e9, true);
		report(env, quiet, flooded);
	} finally {
		await page.context().close();
		await stopAttacker();
	}
}

function report(env: LiveEnv, quiet: PhaseFigures, flooded: PhaseFigures): void {
	const { report } = env.ctx;
	const ratio = flooded.paint.p99 / quiet.paint.p99;
	for (const [label, figures] of [
		['no flood', quiet],
		['flood', flooded]
	] as const) {
		report.dist(S, `${label}: GET /health`, 'ms', figures.health);
		report.add({ suite: S, name: `${label}: server RSS, max`, unit: 'MB', value: figures.rssMaxMb }); // prettier-ignore
	}
	report.add({ suite: S, name: 'flood: GET /health p99', unit: 'ms', value: flooded.health.p99, target: `≤ ${HEALTH_P99_MS}`, met: flooded.health.p99 <= HEALTH_P99_MS }); // prettier-ignore
	report.add({ suite: S, name: 'flood: supervisor painted p99 / without the flood', unit: '×', value: ratio, target: `≤ ${PAINT_RATIO}`, met: ratio <= PAINT_RATIO }); // prettier-ignore
	report.add({ suite: S, name: 'flood: server RSS, max', unit: 'MB', value: flooded.rssMaxMb, target: `≤ ${RSS_MB}`, met: flooded.rssMaxMb <= RSS_MB }); // prettier-ignore
	const f = flooded.flood;
	if (f) {
		report.detail(S, `The flood: one admin sign-in tried ${FLOOD_SOCKETS} sockets (${f.socketsOpened} opened, ${f.socketsRefused} refused: "${f.refusal ?? '—'}"), then sent ${FLOOD_REPLAYS} subscribes with a resume from seq 0 round them, evenly over ${(env.ctx.options.floodSeconds * 0.75).toFixed(0)} s while the supervisor was measured: answers ${JSON.stringify(f.answered)}, carrying ${f.rows} rows and changes, in ${f.seconds.toFixed(1)} s.`); // prettier-ignore
	}
	report.detail(S, `/health asked every 50 ms without waiting for the answer before (${quiet.health.count} and ${flooded.health.count} answers). The supervisor (two queues) paints at p99 ${quiet.paint.p99.toFixed(1)} ms without the flood and ${flooded.paint.p99.toFixed(1)} ms with it.`); // prettier-ignore
	report.ratio(`subscribe flood: /health p99 ${quiet.health.p99.toFixed(1)} → ${flooded.health.p99.toFixed(1)} ms, supervisor painted p99 ${ratio.toFixed(2)} ×, RSS max ${quiet.rssMaxMb.toFixed(0)} → ${flooded.rssMaxMb.toFixed(0)} MB`); // prettier-ignore
}
