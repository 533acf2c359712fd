import { rmSync } from 'node:fs';
import os from 'node:os';
import { RunDir } from '../scripts/lib/run-dir';
import { parseOptions, type Suite } from './lib/args';
import { cleanupAll, onCleanup } from './lib/cleanup';
import type { Context } from './lib/context';
import { startDb } from './lib/env';
import { machineLines } from './lib/machine';
import { Report } from './lib/report';
import { prepareBuild, WORK_DIR } from './lib/server';
import { now } from './lib/stats';
import { alertWebhooksSuite } from './alert-webhooks';
import { alertsSuite } from './alerts';
import { catchupSuite } from './catchup';
import { clusterFanoutSuite } from './cluster-fanout';
import { clusterLatencySuite } from './cluster-latency';
import { exportsSuite } from './exports';
import { failoverSuite } from './failover';
import { redisOutageSuite } from './failover-outage';
import { sentinelFailoverSuite } from './failover-sentinel';
import { fanoutAndMemorySuites } from './fanout';
import { historySuite } from './history';
import { liveAndPollingSuites } from './live';
import { rangeSuite } from './range';
import { replaySuite } from './replay';
import { screensSuite } from './screens';
import { alertToastsSuite } from './alert-toasts';
import { wallTvSuite } from './wall-tv';

/**
 * `npm run bench`: the live path measured end to end in one run on this machine — real
 * MariaDB, the production server, Debian's Chromium — next to its references (a bare zongji
 * listener, a polling dashboard). Writes bench/RESULTS.md and prints the table.
 */

const options = parseOptions(process.argv.slice(2));
const report = new Report();
const began = now();
const log = (message: string) =>
	console.log(`[${((now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}`);
const loadAtStart = os
	.loadavg()
	.map((l) => l.toFixed(2))
	.join(' ');
const has = (...names: Suite[]) => names.some((n) => options.suites.has(n));

// Opened before anything starts, so all of it (MariaDB, servers, load processes, Chromium)
// inherits the run's IL_RUN_DIR: the check after cleanup finds whatever cleanup missed, and
// the run's reaper stops it all if this process is killed outright (SIGKILL, OOM).
const run = RunDir.open('il-bench-run-');
let build = 'not needed';
let mariadbVersion = 'not started';
let ctx: Context | null = null;
try {
	const needsBuild: Suite[] = ['live', 'polling', 'flood', 'fanout', 'memory', 'history', 'exports', 'screens', 'failover', 'failover-sentinel', 'redis-outage', 'cluster-latency', 'cluster-fanout', 'alerts', 'alert-webhooks', 'alert-toasts', 'range', 'replay', 'wall-tv']; // prettier-ignore
	if (has(...needsBuild)) build = prepareBuild(options.build);
	log(`suites: ${[...options.suites].join(', ')}; server: ${build}`);
	const db = await startDb();
	onCleanup(() => db.stop());
	mariadbVersion = db.version;
	ctx = { db, options, report, log };
	const plan: [string, boolean, (c: Context) => Promise<void>][] = [
		['catch-up', has('catchup'), catchupSuite],
		['live', has('live', 'polling', 'flood'), liveAndPollingSuites],
		['fan-out', has('fanout', 'memory'), fanoutAndMemorySuites],
		['history', has('history'), historySuite],
		['range', has('range'), rangeSuite],
		['exports', has('exports'), exportsSuite],
		['screens', has('screens'), screensSuite],
		['alert toasts', has('alert-toasts'), alertToastsSuite],
		['replay', has('replay'), replaySuite],
		['wall on a TV stick', has('wall-tv'), wallTvSuite],
		// Several nodes on Redis: after fan-out, whose single-node figures they are set against.
		['failover', has('failover'), failoverSuite],
		// Redis itself fails (issue 27): its primary under Sentinels, then Redis gone for 60 s.
		['failover, Sentinel', has('failover-sentinel'), sentinelFailoverSuite],
		['failover, Redis gone 60 s', has('redis-outage'), redisOutageSuite],
		['Redis latency', has('cluster-latency'), clusterLatencySuite],
		['fan-out, 3 nodes', has('cluster-fanout'), clusterFanoutSuite],
		['alert evaluation', has('alerts'), alertsSuite],
		['alert webhooks', has('alert-webhooks'), alertWebhooksSuite]
	];
	for (const [name, selected, run] of plan) {
		if (!selected) continue;
		const started = now();
		log(`— ${name} —`);
		try {
			await run(ctx);
		} catch (error) {
			const message = (error as Error).stack ?? String(error);
			report.problem(`${name} suite failed: ${message.split('\n').slice(0, 4).join(' ')}`);
			log(`${name} suite FAILED: ${message}`);
		}
		report.durations.set(name, now() - started);
		log(`${name} took ${((now() - started) / 1000).toFixed(0)} s`);
	}
} finally {
	await cleanupAll();
	await run.finish().catch((error: Error) => {
		report.problem(error.message.replace(/\n\s*/g, ' '));
		console.error(error.message);
	});
}
if (report.problems.length === 0) rmSync(WORK_DIR, { recursive: true, force: true });
else report.problem(`Server logs and the build copy are kept in ${WORK_DIR}.`);

const minutes = (now() - began) / 60_000;
const header = [
	'# Benchmarks of the live path',
	'',
	`Written by \`npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}\` in ${minutes.toFixed(1)} minutes. ` +
		'One run, side by side, on a shared 2-core machine: read medians, p99s and the ratios, ' +
		'not single numbers. Latencies are in milliseconds, epoch clocks with sub-ms precision ' +
		'(performance.timeOrigin + performance.now()), each process clock aligned to the bench ' +
		"process's by the round trip with the least delay.",
	'',
	...machineLines({
		mariadb: mariadbVersion,
		chromium: ctx?.chromiumVersion ?? 'not started',
		build
	}),
	`- Load average at the start: ${loadAtStart}. Each suite's CPU lines name "others on the machine": work of other users of this machine during that phase.`,
	`- Suites: ${[...report.durations].map(([name, ms]) => `${name} ${(ms / 60_000).toFixed(1)} min`).join(', ')}`
];
report.write(options.out, header);
console.log('\n' + report.table(false));
if (report.ratios.length) console.log('\n' + report.ratios.map((r) => `· ${r}`).join('\n'));
if (report.problems.length) console.log('\nProblems:\n' + report.problems.join('\n'));
console.log(`\nWritten to ${options.out} (${minutes.toFixed(1)} minutes).`);
process.exit(report.problems.length ? 1 : 0);
