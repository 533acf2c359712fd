import { upsertAccount, withUsers } from '../../scripts/lib/accounts';
import { AppServer } from '../../scripts/lib/app-server';
import { freePort } from '../../scripts/lib/ports';
import { RunDir } from '../../scripts/lib/run-dir';
import { startTestMariaDb } from '../../scripts/lib/test-mariadb';
import { Stack } from '../support/stack';

/**
 * Starts a throw-away MariaDB, a prepared stack (schema, lookups, users) and the production
 * server (build/server.js) on a free port. Tests read what they need from process.env.
 * All in a run directory: the teardown fails the run if anything the run started (these, or a
 * server or browser a test started) still runs, and a reaper stops it all if the runner dies.
 */
export default async function setup(): Promise<() => Promise<void>> {
	const run = RunDir.open('il-playwright-');
	const stops: (() => Promise<void>)[] = [];
	const teardown = async () => {
		// Each stop runs even when one before it failed: a failed stop must not leave the rest.
		const errors: unknown[] = [];
		for (const stop of stops.reverse()) await stop().catch((error) => errors.push(error));
		await run.finish().catch((error) => errors.push(error));
		if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors);
	};
	try {
		await start(stops);
	} catch (error) {
		// Playwright runs no teardown for a failed setup.
		await teardown().catch(() => {});
		throw error;
	}
	return teardown;
}

async function start(stops: (() => Promise<void>)[]): Promise<void> {
	const mariadb = await startTestMariaDb();
	stops.push(() => mariadb.stop());
	const stack = await new Stack({ mariadbPort: mariadb.handle.port }).prepare();
	stops.push(() => stack.destroy());
	const port = await freePort();
	const env = {
		...process.env,
		...stack.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		LOG_LEVEL: 'warn'
	};

	const users = await withUsers(env, async (accounts) => {
		const tenant = stack.lookups.tenants[0];
		const common = { password: 'browser-test-pass', permissions: ['interactions' as const] };
		await upsertAccount(accounts, {
			...common,
			username: 'pw.admin',
			displayName: 'PW Admin',
			role: 'cc_admin',
			tenantId: tenant.id,
			queueIds: []
		});
		await upsertAccount(accounts, {
			...common,
			username: 'pw.platform',
			displayName: 'PW Platform',
			role: 'platform_admin',
			tenantId: null,
			queueIds: []
		});
		await upsertAccount(accounts, {
			...common,
			username: 'pw.supervisor',
			displayName: 'PW Supervisor',
			role: 'cc_supervisor',
			tenantId: tenant.id,
			queueIds: [tenant.queues[0].id]
		});
		return { password: common.password };
	});

	const server = await new AppServer({ env, port }).start();
	stops.push(() => server.stop());
	const url = server.url;

	process.env.IL_BASE_URL = url;
	process.env.IL_MARIADB_PORT = String(mariadb.handle.port);
	process.env.IL_PBX_DB = stack.pbxDb;
	process.env.IL_PASSWORD = users.password;
	process.env.IL_RECORDINGS_ROOT = stack.env.RECORDINGS_ROOT;
	// The app's databases, for tests that act as `npm run user` does (withUsers).
	process.env.IL_APP_ENV = JSON.stringify(stack.env);
	process.env.IL_LOOKUPS = JSON.stringify(stack.lookups.tenants.map((t) => ({ id: t.id, name: t.name, timezone: t.timezone, queues: t.queues.map((q) => ({ id: q.id, name: q.name })), agents: t.agents.slice(0, 3).map((a) => ({ id: a.id, name: a.name })), dispositions: t.dispositions.slice(0, 3).map((d) => ({ id: d.id, code: d.code })) }))); // prettier-ignore
}
