import { parseArgs } from 'node:util';

/** `npm run bench -- [flags]`: which suites, how long, how big. */

export const SUITES = [
	'catchup',
	'live',
	'polling',
	'flood',
	'fanout',
	'memory',
	'history',
	'exports',
	'screens',
	'failover',
	'failover-sentinel',
	'redis-outage',
	'cluster-latency',
	'cluster-fanout',
	'alerts',
	'alert-webhooks',
	'alert-toasts',
	'range',
	'replay',
	'wall-tv'
] as const;
export type Suite = (typeof SUITES)[number];

/** The history suite's parts: first pages and people, sorts and paging, export, grid frame rate. */
export const HISTORY_PARTS = ['pages', 'sorts', 'export', 'fps'] as const;
export type HistoryPart = (typeof HISTORY_PARTS)[number];

export interface BenchOptions {
	suites: Set<Suite>;
	/** Seconds of 200 commits/s with Chromium + 500 sockets watching. */
	latencySeconds: number;
	/** Extra Socket.IO clients watching the same tenant during commit-to-screen. */
	liveSockets: number;
	/** Seconds of each polling-peer phase (1 s and 5 s), and of ours with 100 dashboards. */
	pollSeconds: number;
	/** Seconds of each subscribe-flood phase (without, then with the flood). */
	floodSeconds: number;
	catchupChanges: number;
	fanoutSeconds: number;
	fanoutClients: number;
	fanoutRate: number;
	/** Seconds of each idle window of the fan-out suite (no sockets, then all of them). */
	idleSeconds: number;
	memoryRows: number;
	steadyMinutes: number;
	historyRows: number;
	/** Parts of the history suite to run (default all of HISTORY_PARTS). */
	historyParts: Set<HistoryPart>;
	/** Closed rows over 180 days for the range-picture suite. */
	rangeRows: number;
	/** Seconds of the grid frame-rate measurement. */
	fpsSeconds: number;
	/** Seconds of the throttled wall at 50 changes/s (wall-tv suite). */
	wallSeconds: number;
	/** Leader kills in the failover suite. */
	failoverRuns: number;
	/** Seconds of each phase (single node, 3 nodes) of the Redis latency comparison. */
	clusterSeconds: number;
	/** Socket.IO clients during that comparison. */
	clusterSockets: number;
	build: 'auto' | 'always' | 'never';
	out: string;
	/** --quick: short everything, and fewer repeats. */
	quick: boolean;
}

const HELP = `npm run bench -- [options]
  --suite LIST          comma list of ${SUITES.join(', ')} (default: all)
  --latency-seconds N   commit-to-screen: each phase (floor and product at 50 and 200 commits/s,
                        then the product with the extra sockets) runs N/2 s (default 40)
  --live-sockets N      extra Socket.IO clients during it (default 500; 0 skips that phase)
  --poll-seconds N      each polling-peer phase (default 30)
  --flood-seconds N     each subscribe-flood phase, without and with the flood (default 20)
  --catchup-changes N   changes committed while the tailer is stopped (default 100000)
  --fanout-seconds N    fan-out at 500 changes/s (default 60)
  --fanout-clients N    Socket.IO clients of the fan-out and memory suites (default 2000)
  --idle-seconds N      fan-out's idle windows, measuring what open sockets cost (default 30)
  --memory-rows N       in-progress interactions of the memory suite (default 50000)
  --steady-minutes N    steady run sampled every 10 s (default 3; the issue's figure is 10)
  --history-rows N      closed rows for the history suite (default 1000000 in the full run,
                        10000000 with --suite history alone)
  --history-parts LIST  comma list of ${HISTORY_PARTS.join(', ')} (default: all); e.g. sorts
                        alone measures the sorts and paging (bench/history-sort.ts)
  --range-rows N        closed rows over 180 days for the range suite (default 2000000 in the
                        full run, 10000000 with --suite range alone)
  --fps-seconds N       grid frame-rate run (default 20)
  --wall-seconds N      wall-tv: the 4×-throttled wall at 50 changes/s (default 30)
  --failover-runs N     leader SIGKILLs in the failover suite, Redis primary SIGKILLs in
                        failover-sentinel (default 3)
  --cluster-seconds N   each phase of single node vs 3 nodes on Redis at 200 commits/s (default 20)
  --cluster-sockets N   Socket.IO clients in those phases (default 100)
  --build auto|always|never   npm run build first (auto: when build/ is missing or older than src/)
  --out FILE            results file (default bench/RESULTS.md)
  --quick               short everything (development)
Environment:
  BENCH_TRACE=PREFIX    commit-to-screen: a Chromium trace (timeline and CPU profile) of the
                        floor's and the product's page at 200 commits/s, written to
                        PREFIX-floor.json and PREFIX-product.json (DevTools' Performance panel);
                        wall-tv: the throttled wall at 50 changes/s, PREFIX-wall.json
  BENCH_HEAP=PREFIX     commit-to-screen: a sampling heap profile (garbage included) of the same
                        pages, written to PREFIX-floor.heapprofile and PREFIX-product.heapprofile
                        (with BENCH_HEAP_LIVE=1: only what is still alive at the end)
  BENCH_LHR=PREFIX      screens, wall-tv: each Lighthouse audit's whole report (long tasks,
                        main-thread breakdown) in PREFIX-<page>-<n>.json, its trace in
                        PREFIX-<page>-<n>-trace.json`;

export function parseOptions(argv: string[]): BenchOptions {
	const { values } = parseArgs({
		args: argv,
		options: {
			suite: { type: 'string' },
			'latency-seconds': { type: 'string' },
			'poll-seconds': { type: 'string' },
			'flood-seconds': { type: 'string' },
			'live-sockets': { type: 'string' },
			'catchup-changes': { type: 'string' },
			'fanout-seconds': { type: 'string' },
			'fanout-clients': { type: 'string' },
			'idle-seconds': { type: 'string' },
			'memory-rows': { type: 'string' },
			'steady-minutes': { type: 'string' },
			'history-rows': { type: 'string' },
			'history-parts': { type: 'string' },
			'range-rows': { type: 'string' },
			'fps-seconds': { type: 'string' },
			'wall-seconds': { type: 'string' },
			'failover-runs': { type: 'string' },
			'cluster-seconds': { type: 'string' },
			'cluster-sockets': { type: 'string' },
			build: { type: 'string' },
			out: { type: 'string' },
			quick: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		console.log(HELP);
		process.exit(0);
	}
	const list = (values.suite ?? SUITES.join(',')).split(',').map((s) => s.trim());
	for (const name of list) {
		if (!(SUITES as readonly string[]).includes(name)) {
			throw new Error(`--suite: unknown suite "${name}" (one of ${SUITES.join(', ')})`);
		}
	}
	const suites = new Set(list as Suite[]);
	const quick = values.quick ?? false;
	const num = (name: string, text: string | undefined, normal: number, short: number) => {
		if (text === undefined) return quick ? short : normal;
		const value = Number(text);
		if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: not a positive number`);
		return value;
	};
	const historyOnly = suites.size === 1 && suites.has('history');
	const parts = (values['history-parts'] ?? HISTORY_PARTS.join(','))
		.split(',')
		.map((s) => s.trim());
	for (const part of parts) {
		if (!(HISTORY_PARTS as readonly string[]).includes(part)) {
			throw new Error(
				`--history-parts: unknown part "${part}" (one of ${HISTORY_PARTS.join(', ')})`
			);
		}
	}
	const rangeOnly = suites.size === 1 && suites.has('range');
	const build = values.build ?? 'auto';
	if (!['auto', 'always', 'never'].includes(build))
		throw new Error('--build: auto, always or never');
	return {
		suites,
		latencySeconds: num('latency-seconds', values['latency-seconds'], 40, 8),
		liveSockets:
			values['live-sockets'] === '0' ? 0 : num('live-sockets', values['live-sockets'], 500, 500),
		pollSeconds: num('poll-seconds', values['poll-seconds'], 30, 8),
		floodSeconds: num('flood-seconds', values['flood-seconds'], 20, 10),
		catchupChanges: num('catchup-changes', values['catchup-changes'], 100_000, 20_000),
		fanoutSeconds: num('fanout-seconds', values['fanout-seconds'], 60, 8),
		fanoutClients: num('fanout-clients', values['fanout-clients'], 2000, 300),
		fanoutRate: 500,
		idleSeconds: num('idle-seconds', values['idle-seconds'], 30, 10),
		memoryRows: num('memory-rows', values['memory-rows'], 50_000, 5000),
		steadyMinutes: num('steady-minutes', values['steady-minutes'], 3, 0.5),
		historyRows: num(
			'history-rows',
			values['history-rows'],
			historyOnly ? 10_000_000 : 1_000_000,
			100_000
		),
		historyParts: new Set(parts as HistoryPart[]),
		rangeRows: num('range-rows', values['range-rows'], rangeOnly ? 10_000_000 : 2_000_000, 200_000),
		fpsSeconds: num('fps-seconds', values['fps-seconds'], 20, 6),
		wallSeconds: num('wall-seconds', values['wall-seconds'], 30, 10),
		failoverRuns: num('failover-runs', values['failover-runs'], 3, 1),
		clusterSeconds: num('cluster-seconds', values['cluster-seconds'], 20, 6),
		clusterSockets: num('cluster-sockets', values['cluster-sockets'], 100, 50),
		build: build as BenchOptions['build'],
		out: values.out ?? 'bench/RESULTS.md',
		quick
	};
}
