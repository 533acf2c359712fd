/**
 * The demo: private MariaDB with binlog on, the PBX schema and demo lookups, months of history,
 * demo users of every role, the production server, and live simulated traffic. Prints the URL
 * and the logins. Ctrl-C stops the server and the traffic (MariaDB keeps its data; stop it with
 * `npm run services stop`). With `--nodes N` (N ≥ 2) the server is N nodes on a throw-away Redis
 * behind HAProxy (scripts/lib/demo-cluster.ts), all stopped by Ctrl-C as well; `--sentinel`
 * puts a Redis primary, a replica and three Sentinels under them instead of one Redis.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { mintWallToken, upsertAccount, withUsers } from './lib/accounts';
import { AppServer } from './lib/app-server';
import { devAdmin } from './lib/pbx-cli';
import { ensureBuild } from './lib/build';
import { seedLookups, type DemoLookups } from './lib/demo-data';
import { writeEnvFile } from './lib/env-file';
import { countHistoryRows, generateHistory } from './lib/history';
import { provisionUsers } from './lib/mariadb';
import { preferredOrFreePort } from './lib/ports';
import { progressBar } from './lib/progress';
import { applyPbxSchema } from './lib/schema';
import { startDemoCluster, type DemoCluster } from './lib/demo-cluster';
import { TrafficSimulator } from './lib/simulator';
import { startServices } from './services';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
	options: {
		rows: { type: 'string', default: process.env.DEMO_HISTORY_ROWS ?? '200000' },
		days: { type: 'string', default: '90' },
		rate: { type: 'string', default: process.env.DEMO_RATE ?? '1.5' },
		speed: { type: 'string', default: process.env.DEMO_SPEED ?? '4' },
		port: { type: 'string', default: process.env.PORT ?? '3000' },
		nodes: { type: 'string', default: '1' },
		sentinel: { type: 'boolean', default: false }
	}
});
const nodeCount = Number(values.nodes);
if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 9) {
	console.error('--nodes: a whole number from 1 to 9');
	process.exit(1);
}
if (values.sentinel && nodeCount < 2) {
	console.error('--sentinel: with several nodes only (--nodes 2 or more)');
	process.exit(1);
}

const DEMO_PASSWORD = 'demo-password';
const ADMIN = devAdmin;
const APP = { user: 'interactions', password: 'interactions_demo' };
const step = (text: string) => console.log(`▸ ${text}`);
const done = (text: string) => console.log(`  ✓ ${text}`);

async function main(): Promise<void> {
	step('Starting a private MariaDB (binlog ROW/FULL) under .data/');
	const { mariadb } = await startServices({ log: (line) => console.log(`  ${line}`) });
	await provisionUsers(mariadb, {
		pbxDatabase: 'pbxlogs',
		dashboardDatabase: 'dashboard',
		appUser: APP.user,
		appPassword: APP.password,
		adminUser: ADMIN.user,
		adminPassword: ADMIN.password
	});
	const pool = mysql.createPool({
		host: '127.0.0.1',
		port: mariadb.port,
		user: ADMIN.user,
		password: ADMIN.password,
		timezone: 'Z',
		multipleStatements: true,
		connectionLimit: 6
	});

	step('PBX schema and demo lookups (tenants, queues, agents, dispositions, CRM)');
	const conn = await pool.getConnection();
	await applyPbxSchema(conn, 'pbxlogs');
	conn.release();
	const lookups = await seedLookups(pool, 'pbxlogs');
	done(describe(lookups));

	const recordingsRoot = path.join(root, '.data', 'recordings');
	mkdirSync(recordingsRoot, { recursive: true });
	const rows = Number(values.rows);
	step(`History: ${rows.toLocaleString('en')} closed interactions over ${values.days} days`);
	const existing = await countHistoryRows(pool, 'pbxlogs');
	if (existing > 0) {
		done(`already there (${existing.toLocaleString('en')} rows)`);
	} else {
		const bar = progressBar('history');
		const result = await generateHistory({
			pool,
			database: 'pbxlogs',
			lookups,
			days: Number(values.days),
			rows,
			recordingsRoot,
			onProgress: (p) =>
				bar.update(
					p.rows,
					p.total,
					`${p.rows.toLocaleString('en')}/${p.total.toLocaleString('en')} rows ` +
						`${Math.round(p.rows / Math.max(0.001, p.elapsedMs / 1000)).toLocaleString('en')} rows/s`
				)
		});
		bar.done();
		done(`${result.rows.toLocaleString('en')} rows in ${result.seconds.toFixed(1)} s`);
	}

	const port = await preferredOrFreePort(Number(values.port));
	const base = `mysql://${APP.user}:${APP.password}@127.0.0.1:${mariadb.port}`;
	const env = {
		PBX_DATABASE_URL: `${base}/pbxlogs`,
		DASHBOARD_DATABASE_URL: `${base}/dashboard`,
		RECORDINGS_ROOT: recordingsRoot,
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: `http://localhost:${port}`
	};
	writeEnvFile(path.join(root, '.data', 'demo.env'), env);

	step('Demo users');
	const logins = await createDemoUsers({ ...process.env, ...env }, lookups);
	const wallToken = await mintWallToken(
		{ ...process.env, ...env },
		{ label: 'Demo wall', tenantId: lookups.tenants[0].id, queueIds: 'all' }
	);
	done(`${logins.length} users and a wall-display token`);

	step('Building the app');
	done((await ensureBuild(root)) ? 'built' : 'up to date');

	let server: AppServer | null = null;
	let cluster: DemoCluster | null = null;
	if (nodeCount === 1) {
		step('Starting the server');
		server = await new AppServer({ env, port, readyPath: '/ready' }).start();
		done('binlog streaming');
	} else {
		const redisKind = values.sentinel ? 'a Redis primary, a replica, three Sentinels' : 'Redis';
		step(`Starting ${redisKind}, ${nodeCount} nodes and HAProxy in front of them`);
		cluster = await startDemoCluster({
			root,
			nodes: nodeCount,
			sentinel: values.sentinel,
			port,
			env: { PBX_DATABASE_URL: env.PBX_DATABASE_URL, DASHBOARD_DATABASE_URL: env.DASHBOARD_DATABASE_URL, RECORDINGS_ROOT: recordingsRoot } // prettier-ignore
		});
		const { sentinel } = cluster.cluster;
		if (sentinel) {
			done(`Redis primary on ${cluster.cluster.redisUrl}, its replica on ${sentinel.servers[1].url} (no persistence)`); // prettier-ignore
			done(`Sentinels on ${sentinel.sentinels} watch "${sentinel.masterName}" (quorum 2)`);
		} else done(`Redis on ${cluster.cluster.redisUrl} (no persistence)`);
		done(`${nodeCount} nodes: ${cluster.cluster.nodes.map((n) => `${n.id} ${n.url}`).join(', ')}`);
		done(`HAProxy on ${cluster.url} (round robin, /ready checked every 500 ms)`);
	}

	step(`Simulated traffic: ${values.rate} new interactions/s at ${values.speed}× speed`);
	const simulator = new TrafficSimulator({
		pool,
		database: 'pbxlogs',
		recordingsRoot,
		lookups,
		ratePerSecond: Number(values.rate),
		speed: Number(values.speed)
	});
	simulator.start();

	console.log(`\nInteractions Live is running: http://localhost:${port}\n`);
	if (cluster) {
		console.log(`${nodeCount} nodes behind HAProxy on that URL; ${(await cluster.leader()) ?? 'no node'} leads (tails the binlog).`); // prettier-ignore
		for (const node of cluster.cluster.nodes) console.log(`  ${node.id.padEnd(8)} ${node.url}/ready  pid ${node.pid}`); // prettier-ignore
		console.log(`Node logs: ${path.relative(root, cluster.logDir)}/. Try \`kill -9 <pid>\` of the leader: another node takes over within LEADER_LEASE_MS (3 s).`); // prettier-ignore
		const { sentinel } = cluster.cluster;
		if (sentinel) console.log(`Or \`kill -9 ${sentinel.servers[0].pid}\` (the Redis primary): the Sentinels promote the replica in a few seconds, and the nodes start a new epoch on it.`); // prettier-ignore
		else console.log('Or stop Redis: after REDIS_STANDALONE_AFTER_MS (3 s) each node tails the binlog itself, and rejoins when Redis is back.'); // prettier-ignore
		console.log('');
	}
	console.log('Sign in as (password for all: ' + DEMO_PASSWORD + ')');
	for (const login of logins) console.log(`  ${login.username.padEnd(28)} ${login.what}`);
	console.log(
		`\nWall display for ${lookups.tenants[0].name} (no sign-in needed):\n` +
			`  http://localhost:${port}/wall?token=${wallToken}`
	);
	if (cluster) {
		console.log(
			'\nCtrl-C stops the traffic, the nodes, HAProxy and Redis; `npm run services stop` stops MariaDB.\n'
		);
		runCluster(cluster, simulator, pool);
		return;
	}
	console.log(
		'\nCtrl-C stops the server and the traffic; `npm run services stop` stops MariaDB.\n'
	);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping traffic and server…');
		await simulator.stop();
		await server?.stop();
		await pool.end();
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
	server?.process?.on('exit', (code) => {
		if (!stopping) {
			console.error(`The server exited (code ${code}).`);
			void stop().then(() => process.exit(1));
		}
	});
}

/** Prints role changes while the demo runs; Ctrl-C stops everything it started. */
function runCluster(cluster: DemoCluster, simulator: TrafficSimulator, pool: mysql.Pool): void {
	const unwatch = cluster.watch((line) => console.log(`▸ ${line}`));
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		// Ctrl-C reaches the nodes too: their going down is no news.
		unwatch();
		console.log('\nStopping traffic, nodes, HAProxy and Redis…');
		await simulator.stop();
		try {
			await cluster.stop();
		} catch (error) {
			console.error(`✗ ${(error as Error).message}`);
			code = 1;
		}
		await pool.end();
		if (code === 0) done('stopped');
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
}

function describe(lookups: DemoLookups): string {
	return lookups.tenants
		.map((t) => `${t.name} (${t.timezone}): ${t.queues.length} queues, ${t.agents.length} agents`)
		.join('; ');
}

async function createDemoUsers(
	env: Record<string, string | undefined>,
	lookups: DemoLookups
): Promise<{ username: string; what: string }[]> {
	const logins: { username: string; what: string }[] = [];
	await withUsers(env, async (users) => {
		const save = async (input: Parameters<typeof upsertAccount>[1], what: string) => {
			await upsertAccount(users, input);
			logins.push({ username: input.username, what });
		};
		const base = { password: DEMO_PASSWORD, permissions: ['interactions', 'cdr'] as const };
		await save(
			{
				...base,
				permissions: [...base.permissions],
				username: 'admin',
				displayName: 'Platform Admin',
				role: 'platform_admin',
				tenantId: null,
				queueIds: []
			},
			'Platform admin: every tenant'
		);
		for (const tenant of lookups.tenants) {
			const slug = tenant.name.toLowerCase().split(/\s+/)[0];
			await save(
				{
					...base,
					permissions: [...base.permissions],
					username: `${slug}.admin`,
					displayName: `${tenant.name} Admin`,
					role: 'cc_admin',
					tenantId: tenant.id,
					queueIds: []
				},
				`Contact Center Admin: all of ${tenant.name}`
			);
			const queues = tenant.queues.slice(0, 2);
			await save(
				{
					...base,
					permissions: ['interactions'],
					username: `${slug}.supervisor`,
					displayName: `${tenant.name} Supervisor`,
					role: 'cc_supervisor',
					tenantId: tenant.id,
					queueIds: queues.map((q) => q.id)
				},
				`Supervisor: ${tenant.name} ${queues.map((q) => q.name).join(' + ')}`
			);
		}
	});
	return logins;
}

main().catch((error: unknown) => {
	console.error(`\n✗ ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
