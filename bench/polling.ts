import { msToSqlTime } from '../src/lib/server/db/time';
import { globalStatus, pbxPool } from './lib/env';
import { LoadProcess, settleFleet } from './lib/load';
import { CpuSplit } from './lib/proc';
import { fmt, sleep, type Summary } from './lib/stats';
import { PacedWriter } from './lib/writer';
import type { FleetResult, LiveEnv } from './live';
import { tenantCrowd } from './lib/audience';
import { onCleanup } from './lib/cleanup';

/**
 * The polling peer next to ours, same server, same data, same 200 commits/s: 100 dashboards
 * re-querying every 1 s, then every 5 s; then ours with 100 open dashboards (sockets). For
 * each: staleness (commit → first poll or message that shows it) and what it costs MariaDB.
 */

const DASHBOARDS = 100;

interface Phase {
	name: string;
	staleness: Summary;
	selectsPerSecond: number;
	questionsPerSecond: number;
	rowsPerSecond: number;
	cpu: string;
	mariadbCpu: number;
	note: string;
}

export async function pollingSuite(env: LiveEnv): Promise<void> {
	const S = 'polling peer';
	const { ctx } = env;
	const { report } = ctx;
	// The browser is not part of this comparison: its rendering would only add noise.
	await env.page.context().close();
	const statusPool = pbxPool(ctx.db, env.stack.pbxDb, 1);
	const phases: Phase[] = [];
	try {
		let idBase = 4.5e9;
		for (const intervalMs of [1000, 5000]) {
			phases.push(await pollingPhase(env, statusPool, intervalMs, (idBase += 1e7)));
		}
		phases.push(await socketPhase(env, statusPool, (idBase += 1e7)));
	} finally {
		await statusPool.end();
	}
	const ours = phases[phases.length - 1];
	for (const p of phases) {
		report.dist(S, `${p.name}: staleness (commit → shown)`, 'ms', p.staleness);
		report.add({ suite: S, name: `${p.name}: SQL SELECTs/s (all ${DASHBOARDS} dashboards)`, unit: '/s', value: p.selectsPerSecond }); // prettier-ignore
		report.add({ suite: S, name: `${p.name}: SQL queries/s per dashboard`, unit: '/s', value: p.questionsPerSecond / DASHBOARDS }); // prettier-ignore
		report.detail(S, `${p.name}: ${fmt(p.selectsPerSecond)} SELECTs/s, ${fmt(p.questionsPerSecond)} statements/s beyond the writer's own, ${fmt(p.rowsPerSecond)} rows/s read; MariaDB CPU ${p.mariadbCpu.toFixed(0)}% of a core. ${p.note} CPU: ${p.cpu}.`); // prettier-ignore
	}
	for (const p of phases.slice(0, -1)) {
		report.ratio(`${p.name}: staleness p50 ${fmt(p.staleness.median)} ms = ${fmt(p.staleness.median / ours.staleness.median)} × ours (${fmt(ours.staleness.median)} ms), p99 ${fmt(p.staleness.p99)} ms = ${fmt(p.staleness.p99 / ours.staleness.p99)} × ours; ${fmt(p.selectsPerSecond)} SELECTs/s against ours ${fmt(ours.selectsPerSecond)}, MariaDB CPU ${p.mariadbCpu.toFixed(0)}% vs ${ours.mariadbCpu.toFixed(0)}%`); // prettier-ignore
	}
	report.detail(S, `Each polling dashboard runs two queries per poll (its tenant's active_interactions, and closed_interactions created since the tenant's midnight, grid columns only) over a pool of 10 connections from one load process; dashboards start evenly spread over the interval. Staleness of a commit = until a dashboard shows that state or a later one of the same interaction. Ours: the server's Socket.IO stream, "shown" = the message reached the client process. Interactions move New → Active → ACW → Closed 200 ms apart, so a poll skips most intermediate states: that share is given per phase.`); // prettier-ignore
}

async function pollingPhase(
	env: LiveEnv,
	statusPool: ReturnType<typeof pbxPool>,
	intervalMs: number,
	idBase: number
): Promise<Phase> {
	const { ctx } = env;
	const name = `polling every ${intervalMs / 1000} s`;
	const seconds = ctx.options.pollSeconds;
	const writer = new PacedWriter(env.pool, { idBase, rate: 200, seconds, targets: env.targets });
	const pollers = new LoadProcess(`pollers-${intervalMs}`);
	const stop = onCleanup(() => pollers.stop());
	try {
		await pollers.call('startPolling', {
			db: { port: ctx.db.port, database: env.stack.pbxDb },
			tenantId: env.tenantId,
			todayStart: msToSqlTime(env.todayStartMs),
			dashboards: DASHBOARDS,
			intervalMs,
			space: writer.table.space,
			connections: 10
		});
		await sleep(intervalMs + 300);
		const offset = await pollers.clockOffset();
		ctx.log(`polling peer: ${DASHBOARDS} dashboards every ${intervalMs / 1000} s, ${seconds} s at 200 commits/s`); // prettier-ignore
		const m = await measured(env, statusPool, { pollers: pollers.pid }, () => writer.run());
		await sleep(intervalMs + 500);
		const stats = await pollers.call<{ polls: number; rowsRead: number; errors: number; overruns: number }>('stopPolling'); // prettier-ignore
		const result = await pollers.call<{ staleness: Summary; observable: number; observed: number }>('pollResults', { table: writer.table, offsetMs: offset }); // prettier-ignore
		const missed = 1 - result.observed / Math.max(1, result.observable);
		return {
			name,
			staleness: result.staleness,
			selectsPerSecond: m.selects,
			questionsPerSecond: m.questions - writer.statements / m.seconds,
			rowsPerSecond: stats.rowsRead / m.seconds,
			cpu: m.cpu,
			mariadbCpu: m.mariadbCpu,
			note: `${stats.polls} polls (${Math.round(stats.rowsRead / Math.max(1, stats.polls))} rows each, ${stats.overruns} started late, ${stats.errors} errors); ${(missed * 100).toFixed(0)}% of committed states were never seen by a dashboard (superseded between two polls).` // prettier-ignore
		};
	} finally {
		await stop();
	}
}

async function socketPhase(
	env: LiveEnv,
	statusPool: ReturnType<typeof pbxPool>,
	idBase: number
): Promise<Phase> {
	const { ctx, sockets } = env;
	const seconds = ctx.options.pollSeconds;
	const clients = await tenantCrowd(env.stack, 'bench.admin', env.tenantId, DASHBOARDS);
	await sockets.call('openSockets', { url: env.server.url, clients, concurrency: 10 });
	const writer = new PacedWriter(env.pool, { idBase, rate: 200, seconds, targets: env.targets });
	const offset = await sockets.clockOffset();
	await sockets.call('record', { space: writer.table.space });
	ctx.log(`polling peer: ours, ${DASHBOARDS} sockets, ${seconds} s at 200 commits/s`);
	const m = await measured(env, statusPool, { 'socket clients': sockets.pid }, () => writer.run());
	await settleFleet(sockets, 120_000);
	await sockets.call('stopRecording');
	const fleet = await sockets.call<FleetResult>('fleetResults', { table: writer.table, offsetMs: offset }); // prettier-ignore
	await sockets.call('closeSockets');
	return {
		name: `ours (Socket.IO, ${DASHBOARDS} dashboards)`,
		staleness: fleet.latency,
		selectsPerSecond: m.selects,
		questionsPerSecond: m.questions - writer.statements / m.seconds,
		rowsPerSecond: 0,
		cpu: m.cpu,
		mariadbCpu: m.mariadbCpu,
		note: `${fleet.delivered} of ${fleet.expected} expected changes delivered (${fleet.duplicates} duplicates); every committed state reaches every dashboard.` // prettier-ignore
	};
}

/** Runs `work` and measures SELECTs/s and statements/s at MariaDB, and CPU, over it. */
async function measured(
	env: LiveEnv,
	statusPool: ReturnType<typeof pbxPool>,
	named: Record<string, number>,
	work: () => Promise<unknown>
) {
	const cpu = new CpuSplit({ server: env.server.pid, MariaDB: env.ctx.db.pid, ...named }).start();
	const before = await globalStatus(statusPool, ['Questions', 'Com_select']);
	const started = performance.now();
	await work();
	const seconds = (performance.now() - started) / 1000;
	const after = await globalStatus(statusPool, ['Questions', 'Com_select']);
	const split = cpu.read();
	return {
		seconds,
		selects: (after.Com_select - before.Com_select) / seconds,
		// The status query itself is one statement.
		questions: (after.Questions - before.Questions - 1) / seconds,
		cpu: split.text,
		mariadbCpu: split.byName.MariaDB ?? 0
	};
}
