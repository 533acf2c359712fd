import { spawn } from 'node:child_process';
import { upsertAccount, withUsers } from '../../scripts/lib/accounts';
import { freePort } from '../../scripts/lib/ports';
import { startTestMariaDb } from '../support/mariadb';
import { Stack } from '../support/stack';

/**
 * Starts a throw-away MariaDB, a prepared stack (schema, lookups, users) and the production
 * server (build/ + server.ts) on a free port. Tests read what they need from process.env.
 */
export default async function setup(): Promise<() => Promise<void>> {
	const mariadb = await startTestMariaDb();
	const stack = await new Stack({ mariadbPort: mariadb.handle.port }).prepare();
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
			username: 'pw.supervisor',
			displayName: 'PW Supervisor',
			role: 'cc_supervisor',
			tenantId: tenant.id,
			queueIds: [tenant.queues[0].id]
		});
		return { password: common.password };
	});

	const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
		env,
		stdio: ['ignore', 'inherit', 'inherit']
	});
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (server.exitCode !== null) throw new Error('server exited during startup');
		if (Date.now() > deadline) throw new Error('server did not become healthy');
		const ok = await fetch(`${url}/health`).then(
			(r) => r.ok,
			() => false
		);
		if (ok) break;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}

	process.env.IL_BASE_URL = url;
	process.env.IL_MARIADB_PORT = String(mariadb.handle.port);
	process.env.IL_PBX_DB = stack.pbxDb;
	process.env.IL_PASSWORD = users.password;
	process.env.IL_RECORDINGS_ROOT = stack.env.RECORDINGS_ROOT;
	process.env.IL_LOOKUPS = JSON.stringify(stack.lookups.tenants.map((t) => ({ id: t.id, name: t.name, timezone: t.timezone, queues: t.queues.map((q) => ({ id: q.id, name: q.name })), agents: t.agents.slice(0, 3).map((a) => ({ id: a.id, name: a.name })), dispositions: t.dispositions.slice(0, 3).map((d) => ({ id: d.id, code: d.code })) }))); // prettier-ignore

	return async () => {
		server.kill('SIGTERM');
		await new Promise((resolve) => server.once('exit', resolve));
		await stack.destroy();
		await mariadb.stop();
	};
}
