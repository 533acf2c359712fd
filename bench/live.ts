import type { Browser, Page } from '@playwright/test';
import type { Pool } from 'mysql2/promise';
import type { Sandbox } from '../scripts/lib/sandbox';
import { launchChromium, openGrid } from './lib/browser';
import { seedMidDay } from './lib/bulk';
import { onCleanup } from './lib/cleanup';
import { targetsOf, type Context } from './lib/context';
import { createAccounts, newStack, pbxPool, signIn } from './lib/env';
import { LoadProcess } from './lib/load';
import { ServerProcess } from './lib/server';
import type { Summary } from './lib/stats';
import type { Target } from './lib/writer';
import { floodSuite } from './flood';
import { latencySuite } from './latency';
import { pollingSuite } from './polling';

/**
 * Commit-to-screen: the production server, a signed-in Chromium on /interactions, 500 more
 * Socket.IO clients of the same tenant, a writer at 200 commits/s — and, in the same binlog, a
 * bare zongji listener as the floor. Then the polling peer on the same server and data.
 */

/** A supervisor of the tenant's first two queues: the honest screen of the flood suite. */
const SUPERVISOR = 'bench.sup';

export interface LiveEnv {
	ctx: Context;
	stack: Sandbox;
	server: ServerProcess;
	pool: Pool;
	targets: Target[];
	cookie: string;
	browser: Browser;
	/** The signed-in /interactions grid (the latency suite re-opens it between phases). */
	page: Page;
	sockets: LoadProcess;
	tenantId: number;
	todayStartMs: number;
}

export async function liveAndPollingSuites(ctx: Context): Promise<void> {
	const { db, options } = ctx;
	const stack = await newStack(db);
	const pool = pbxPool(db, stack.pbxDb, 8);
	const tenant = stack.lookups.tenants[0];
	const targets = targetsOf(stack.lookups, [tenant.id]);
	const todayStartMs = await seedMidDay(pool, { targets, timezone: tenant.timezone, idBase: 3e9 });
	await createAccounts(stack, [
		{ username: 'bench.admin', role: 'cc_admin', tenantId: tenant.id },
		{ username: SUPERVISOR, role: 'cc_supervisor', tenantId: tenant.id, queueIds: tenant.queues.slice(0, 2).map((q) => q.id) } // prettier-ignore
	]);
	const server = new ServerProcess(stack.env, 'live');
	const stopServer = onCleanup(() => server.stop());
	let browser: Browser | null = null;
	const stopBrowser = onCleanup(async () => browser?.close());
	const sockets = new LoadProcess('live-sockets');
	const stopSockets = onCleanup(() => sockets.stop());
	try {
		await server.start();
		const cookie = await signIn(server.url, 'bench.admin');
		browser = await launchChromium();
		ctx.chromiumVersion = browser.version();
		const page = await openGrid(browser, server.url, cookie);
		const env: LiveEnv = { ctx, stack, server, pool, targets, cookie, browser, page, sockets, tenantId: tenant.id, todayStartMs }; // prettier-ignore
		if (options.suites.has('live')) await latencySuite(env);
		if (options.suites.has('polling')) await pollingSuite(env);
		if (options.suites.has('flood')) await floodSuite(env, SUPERVISOR);
	} finally {
		await stopSockets();
		await stopBrowser();
		await stopServer();
		await pool.end();
		await stack.destroy();
	}
}

export interface FleetResult {
	clients: number;
	disconnects: number;
	resnapshots: number;
	disconnectReasons: Record<string, number>;
	expected: number;
	delivered: number;
	duplicates: number;
	unexpected: number;
	clientsShort: number;
	latency: Summary;
	/** Every latency, when asked for (`withSamples`). */
	samples?: Float64Array | null;
}
