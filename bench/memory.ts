import { sampleRss } from './lib/proc';
import { fmt, linearFit } from './lib/stats';
import { PacedWriter } from './lib/writer';
import type { FanoutEnv } from './fanout';

/**
 * The steady run: the fan-out server (interactions in progress, all sockets open) takes a
 * realistic 200 commits/s for N minutes; its RSS is sampled every 10 s and a least-squares line
 * says whether it grows. Interactions are created 36 h back, so each close leaves the live view:
 * the live state keeps its size and any growth is the server's, not the data's.
 */
export async function memorySuite(env: FanoutEnv): Promise<void> {
	const S = 'memory';
	const { ctx, server } = env;
	const minutes = ctx.options.steadyMinutes;
	const writer = new PacedWriter(env.pool, {
		idBase: 8e9,
		rate: 200,
		seconds: minutes * 60,
		targets: env.targets,
		createdAgoMs: 36 * 3_600_000
	});
	ctx.log(`${S}: steady run, ${minutes} min at 200 commits/s, RSS every 10 s`);
	const seqBefore = await server.seq();
	const sampler = sampleRss(server.pid, 10_000);
	await writer.run();
	const samples = sampler.stop();
	const seqAfter = await server.seq();
	const xs = samples.map(([ms]) => ms / 60_000);
	const ys = samples.map(([, mb]) => mb);
	const fit = linearFit(xs, ys);
	const half = Math.floor(ys.length / 2);
	const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
	ctx.report.add({ suite: S, name: `RSS slope over the ${minutes}-minute steady run`, unit: 'MB/min', value: fit.slope, target: 'not growing' }); // prettier-ignore
	ctx.report.add({ suite: S, name: 'RSS during the steady run', unit: 'MB', median: median(ys), p99: Math.max(...ys) }); // prettier-ignore
	ctx.report.detail(S, `${writer.commits} commits (${writer.failures} failed) to the fan-out server with its sockets open; ${samples.length} RSS samples: first ${fmt(ys[0])} MB, last ${fmt(ys[ys.length - 1])} MB, min ${fmt(Math.min(...ys))}, max ${fmt(Math.max(...ys))}; median of the first half ${fmt(median(ys.slice(0, half)))} MB, of the second half ${fmt(median(ys.slice(half)))} MB; least-squares slope ${fit.slope.toFixed(2)} MB/min (R² ${fit.r2.toFixed(2)}).`); // prettier-ignore
	ctx.report.detail(S, `Change log sequence ${fmt(seqBefore)} → ${fmt(seqAfter)}: the server keeps the last 100,000 changes for resuming clients (trimmed in steps of 25,000), so from 100,000 on that buffer is full and does not grow.`); // prettier-ignore
	ctx.report.detail(S, `Samples (min: MB): ${samples.map(([ms, mb]) => `${(ms / 60_000).toFixed(1)}: ${mb.toFixed(0)}`).join(', ')}.`); // prettier-ignore
}
