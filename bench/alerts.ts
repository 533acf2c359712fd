import { ALERT_METRICS } from '../src/lib/alerts';
import { METRICS, type AlertRuleInput } from '../src/lib/alerts/rules';
import { AlertRuleStore } from '../src/lib/server/alerts/rules-store';
import { loadConfig } from '../src/lib/server/config';
import { createPool } from '../src/lib/server/db';
import { tenantCrowd } from './lib/audience';
import { onCleanup } from './lib/cleanup';
import { targetsOf, type Context } from './lib/context';
import { insertActive } from './lib/bulk';
import { createAccounts, newStack, pbxPool } from './lib/env';
import { LoadProcess, settleFleet } from './lib/load';
import { CpuSplit } from './lib/proc';
import { ServerProcess } from './lib/server';
import { fmt, summarize } from './lib/stats';
import { PacedWriter } from './lib/writer';
import type { FleetResult } from './live';

/**
 * What evaluating alert rules costs the live path (issue 23): commit → socket client on one node
 * at 200 commits/s, without rules and with 1,000 rules across 3 tenants, in the order none,
 * rules, rules, none (quick: none, rules) on the same data, so drift in the machine's load hits
 * both alike. The rules are of every metric, on every queue, with marks chosen out of reach: the
 * evaluator measures everything, every second and after every change (the count of alerts they
 * fired anyway is reported).
 */

type Mode = 'no rules' | '1,000 rules';
const RATE = 200;
const RULES = 1_000;

export async function alertsSuite(ctx: Context): Promise<void> {
	const S = 'alert evaluation';
	const { db, options, report } = ctx;
	const stack = await newStack(db);
	const pool = pbxPool(db, stack.pbxDb, 8);
	const tenant = stack.lookups.tenants[0];
	const targets = targetsOf(stack.lookups, [tenant.id]);
	await insertActive(pool, { idBase: 9.6e9, count: 150, targets });
	await createAccounts(stack, [{ username: 'alerts.admin', role: 'cc_admin', tenantId: tenant.id }]); // prettier-ignore
	const sockets = new LoadProcess('alerts-sockets');
	const stopSockets = onCleanup(() => sockets.stop());
	const dashboard = createPool(loadConfig(stack.env).dashboard);
	const order: Mode[] = options.quick ? ['no rules', '1,000 rules'] : ['no rules', '1,000 rules', '1,000 rules', 'no rules']; // prettier-ignore
	const samples = new Map<Mode, Float64Array[]>();
	const phaseLines: string[] = [];
	try {
		for (const [i, mode] of order.entries()) {
			const server = new ServerProcess(stack.env, `alerts-${i}`);
			const stop = onCleanup(() => server.stop());
			await server.start(); // migrates the dashboard database on the first start
			if (mode === '1,000 rules') await setRules(dashboard, stack.lookups.tenants.slice(0, 3));
			else await dashboard.query('DELETE FROM alert_rules');
			// The server reads the rules again within 5 s: wait that out before measuring.
			await new Promise((resolve) => setTimeout(resolve, 6_000));
			try {
				const specs = await tenantCrowd(stack, 'alerts.admin', tenant.id, options.clusterSockets);
				await sockets.call('openSockets', { url: server.url, clients: specs, concurrency: 10 });
				const writer = new PacedWriter(pool, { idBase: 9.7e9 + i * 1e7, rate: RATE, seconds: options.clusterSeconds, targets }); // prettier-ignore
				const offset = await sockets.clockOffset();
				await sockets.call('record', { space: writer.table.space });
				ctx.log(`${S}: phase ${i + 1}/${order.length}, ${mode}, ${options.clusterSeconds} s at ${RATE} commits/s`); // prettier-ignore
				const cpu = new CpuSplit({ server: server.pid, MariaDB: db.pid, 'socket clients': sockets.pid }).start(); // prettier-ignore
				await writer.run();
				const used = cpu.read();
				await settleFleet(sockets, 60_000);
				await sockets.call('stopRecording');
				const fleet = await sockets.call<FleetResult>('fleetResults', { table: writer.table, offsetMs: offset, withSamples: true }); // prettier-ignore
				if (fleet.samples) samples.set(mode, [...(samples.get(mode) ?? []), fleet.samples]);
				phaseLines.push(`phase ${i + 1} (${mode}): p50 ${fmt(fleet.latency.median)} ms, p99 ${fmt(fleet.latency.p99)} ms; ${fleet.delivered} of ${fleet.expected} deliveries; writer ${writer.commits} commits; CPU: ${used.text}.`); // prettier-ignore
			} finally {
				await sockets.call('closeSockets');
				await stop();
			}
		}
		const pooled = (mode: Mode) => summarize(Float64Array.from((samples.get(mode) ?? []).flatMap((a) => [...a]))); // prettier-ignore
		const none = pooled('no rules');
		const rules = pooled('1,000 rules');
		report.dist(S, 'no rules: commit ack → socket client received', 'ms', none);
		report.dist(S, '1,000 rules: commit ack → socket client received', 'ms', rules);
		const ratio = rules.p99 / none.p99;
		report.add({ suite: S, name: 'with rules p99 / without p99', unit: '×', value: ratio, target: '≤ 1.1', met: ratio <= 1.1 }); // prettier-ignore
		report.ratio(`Alert evaluation: commit → socket client p99 ${fmt(rules.p99)} ms with ${RULES} rules across 3 tenants vs ${fmt(none.p99)} ms without = ${ratio.toFixed(2)}× (target ≤ 1.1×); p50 ${fmt(rules.median)} vs ${fmt(none.median)} ms`); // prettier-ignore
		report.detail(S, `${options.clusterSockets} Socket.IO clients of one tenant, ${RATE} commits/s to it, ${options.clusterSeconds} s a phase, phases ${order.join(' → ')}; ${RULES} enabled rules (every metric, on single queues and on all queues) over 3 tenants, marks chosen out of reach.`); // prettier-ignore
		for (const line of phaseLines) report.detail(S, line);
		const [[written]] = await dashboard.query<import('mysql2').RowDataPacket[]>('SELECT COUNT(*) AS n FROM alerts'); // prettier-ignore
		report.detail(S, `Alerts the rules fired during the run: ${Number(written.n)}.`);
	} finally {
		await stopSockets();
		await dashboard.end();
		await pool.end();
		await stack.destroy();
	}
}

/** 1,000 rules over the tenants' queues, every metric, with marks no queue reaches. */
async function setRules(
	pool: ReturnType<typeof createPool>,
	tenants: { id: number; queues: { id: number }[] }[]
): Promise<void> {
	await pool.query('DELETE FROM alert_rules');
	const store = new AlertRuleStore(pool);
	for (let i = 0; i < RULES; i++) {
		const tenant = tenants[i % tenants.length];
		const metric = ALERT_METRICS[i % ALERT_METRICS.length];
		const info = METRICS[metric];
		const queue = tenant.queues[Math.floor(i / tenants.length) % (tenant.queues.length + 1)];
		const threshold = info.direction === 'above' ? info.max : info.min;
		const rule: AlertRuleInput = {
			queueId: queue?.id ?? null,
			metric,
			level: i % 2 ? 'warning' : 'critical',
			threshold,
			minDurationSeconds: 5,
			clearThreshold: info.direction === 'above' ? Math.max(0, threshold - 1) : threshold,
			clearDurationSeconds: 5,
			channels: ['screens', 'walls'],
			enabled: true
		};
		await store.create(tenant.id, rule, 0);
	}
}
