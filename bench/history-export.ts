import type { Context } from './lib/context';
import { sampleRss } from './lib/proc';
import type { ServerProcess } from './lib/server';
import { fmt } from './lib/stats';
import type { SampleValues } from './history';

/**
 * Export: the whole 90 days of one tenant as CSV through GET /api/interactions/export, read as
 * fast as the client can; rows/s, and the server's RSS sampled every 100 ms meanwhile.
 */
export async function exportRun(
	ctx: Context,
	server: ServerProcess,
	cookie: string,
	v: SampleValues
): Promise<void> {
	const S = 'history';
	const url = `${server.url}/api/interactions/export?range=custom&from=${v.from90}&to=${v.today}`;
	const rss = sampleRss(server.pid, 100);
	const started = performance.now();
	const response = await fetch(url, { headers: { cookie } });
	if (response.status === 404 || !response.body) {
		rss.stop();
		ctx.report.detail(
			S,
			`Export skipped: GET /api/interactions/export answered ${response.status}.`
		);
		return;
	}
	if (!response.ok) throw new Error(`export: HTTP ${response.status}`);
	ctx.log(`${S}: export of 90 days`);
	let firstByte = 0;
	let bytes = 0;
	let lines = 0;
	const reader = response.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		firstByte ||= performance.now() - started;
		bytes += value.length;
		for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) lines++;
	}
	const seconds = (performance.now() - started) / 1000;
	const samples = rss.stop().map(([, mb]) => mb);
	const rows = Math.max(0, lines - 1);
	const rate = rows / seconds;
	const before = samples[0];
	const peak = Math.max(...samples);
	const half = samples.slice(Math.floor(samples.length / 2));
	const growth = peak - before;
	ctx.report.add({ suite: S, name: 'export (90 days, one tenant)', unit: 'rows/s', value: rate, target: '≥ 50,000/s', met: rate >= 50_000 }); // prettier-ignore
	ctx.report.add({ suite: S, name: 'server RSS growth during the export', unit: 'MB', value: growth, p99: peak, target: 'flat' }); // prettier-ignore
	ctx.report.detail(S, `Export: ${fmt(rows)} rows, ${fmt(bytes / 1e6)} MB of CSV in ${seconds.toFixed(1)} s (first byte after ${fmt(firstByte)} ms) = ${fmt(rate)} rows/s; server RSS ${fmt(before)} MB before, peak ${fmt(peak)} MB, ${fmt(Math.min(...half))}–${fmt(Math.max(...half))} MB over the second half (${samples.length} samples).`); // prettier-ignore
}
