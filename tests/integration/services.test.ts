import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createConnection, type ConnectionOptions, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	provisionUsers,
	startMariaDb,
	stopMariaDb,
	type MariaDbHandle
} from '../../scripts/lib/mariadb';
import { freePort } from '../../scripts/lib/ports';
import { startRedis, stopRedis, type RedisHandle } from '../../scripts/lib/redis';
import { applyPbxSchema } from '../../scripts/lib/schema';
import { sentinelGroupOn, startSentinelGroup, stopSentinelGroup } from '../../scripts/lib/sentinel';
import { ensureCommands, isProcessAlive } from '../../scripts/lib/system';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'il-services-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('dev MariaDB', () => {
	// Deep enough that the socket cannot live in the data dir (unix socket paths stop at 107 bytes).
	const dataDir = path.join(workDir, 'a-data-dir-nested-deep-enough-to-push-the-socket'.repeat(2));
	const suffix = randomBytes(4).toString('hex');
	const names = {
		pbxDatabase: `pbx_${suffix}`,
		dashboardDatabase: `dash_${suffix}`,
		appUser: `app_${suffix}`,
		appPassword: `app'pw"${suffix}`,
		adminUser: `admin_${suffix}`,
		adminPassword: `admin-${suffix}`
	};
	let mariadb: MariaDbHandle;
	const connectAs = (user: string, password: string, extra: ConnectionOptions = {}) =>
		createConnection({ host: mariadb.host, port: mariadb.port, user, password, ...extra });

	beforeAll(async () => {
		await ensureCommands([
			{ command: 'mariadbd', aptPackage: 'mariadb-server' },
			{ command: 'mariadb-install-db', aptPackage: 'mariadb-server' }
		]);
		mariadb = await startMariaDb({ dataDir, port: await freePort(), quiet: true });
	}, 120_000);
	afterAll(() => mariadb?.stop());

	it('writes full row images to its binlog, behind a short socket path', async () => {
		const rows = (await mariadb.rootQuery(
			'SELECT @@binlog_format AS format, @@binlog_row_image AS image, @@log_bin AS logBin'
		)) as RowDataPacket[];
		expect(rows[0]).toEqual({ format: 'ROW', image: 'FULL', logBin: 1 });
		expect(mariadb.socketPath.length).toBeLessThan(108);
	});

	it('adopts the running server instead of starting a second one', async () => {
		const again = await startMariaDb({ dataDir, port: mariadb.port, quiet: true });
		expect(again.pid).toBe(mariadb.pid);
		await expect(startMariaDb({ dataDir, port: mariadb.port + 1 })).rejects.toThrow(/already runs/);
	});

	it('provisions the accounts and the PBX schema idempotently', async () => {
		await provisionUsers(mariadb, names);
		await provisionUsers(mariadb, names);
		const admin = await connectAs(names.adminUser, names.adminPassword, {
			multipleStatements: true
		});
		await applyPbxSchema(admin, names.pbxDatabase);
		await applyPbxSchema(admin, names.pbxDatabase);
		await admin.query("INSERT INTO tenants (name) VALUES ('acme')");
		await admin.end();
	});

	it('lets the app account read and tail the binlog, and nothing more', async () => {
		const app = await connectAs(names.appUser, names.appPassword);
		const [status] = await app.query<RowDataPacket[]>('SHOW MASTER STATUS');
		expect(status[0].File).toMatch(/^binlog\.\d+$/);
		const [tenants] = await app.query<RowDataPacket[]>(
			`SELECT name FROM ${names.pbxDatabase}.tenants`
		);
		expect(tenants).toEqual([{ name: 'acme' }]);
		await app.query(`SELECT * FROM ${names.pbxDatabase}.active_interactions`);
		await expect(
			app.query(`INSERT INTO ${names.pbxDatabase}.tenants (name) VALUES ('evil')`)
		).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
		await app.query(`CREATE TABLE ${names.dashboardDatabase}.checkpoints (id INT PRIMARY KEY)`);
		await app.end();

		// Over the unix socket the same account is app@localhost: it needs its own grants.
		const local = await createConnection({
			socketPath: mariadb.socketPath,
			user: names.appUser,
			password: names.appPassword
		});
		const [[who]] = await local.query<RowDataPacket[]>('SELECT CURRENT_USER() AS user');
		expect(who.user).toBe(`${names.appUser}@localhost`);
		await local.end();
	});

	it('restarts on the same port', async () => {
		const { port, pid } = mariadb;
		await mariadb.restart();
		expect(mariadb.port).toBe(port);
		expect(mariadb.pid).not.toBe(pid);
		const app = await connectAs(names.appUser, names.appPassword);
		await app.query(`SELECT COUNT(*) FROM ${names.pbxDatabase}.tenants`);
		await app.end();
	}, 30_000);

	it('stops, leaving no process behind', async () => {
		const pid = mariadb.pid;
		await mariadb.stop();
		expect(isProcessAlive(pid)).toBe(false);
		expect(await stopMariaDb(dataDir)).toBe(false);
	}, 30_000);
});

describe('dev Redis', () => {
	const dataDir = path.join(workDir, 'redis');
	let redis: RedisHandle;

	beforeAll(async () => {
		await ensureCommands([{ command: 'redis-server', aptPackage: 'redis-server' }]);
		redis = await startRedis({ dataDir, port: await freePort() });
	}, 120_000);
	afterAll(() => redis?.stop());

	it('answers PING, is adopted on a second start, and stops', async () => {
		const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
		await client.connect();
		expect(await client.ping()).toBe('PONG');
		client.disconnect();

		expect((await startRedis({ dataDir })).pid).toBe(redis.pid);
		await redis.stop();
		expect(isProcessAlive(redis.pid)).toBe(false);
		expect(await stopRedis(dataDir)).toBe(false);
	});
});

describe("dev Redis Sentinel group (npm run services -- start --sentinel, the demo's --sentinel)", () => {
	const dir = path.join(workDir, 'sentinel');
	afterAll(() => stopSentinelGroup(dir));

	it('starts a primary, a replica and three Sentinels, is adopted, restarted when in part, and stops', async () => {
		await ensureCommands([
			{ command: 'redis-server', aptPackage: 'redis-server' },
			{ command: 'redis-sentinel', aptPackage: 'redis-sentinel' }
		]);
		const group = await startSentinelGroup({ dir });
		const primary = await group.primary();
		expect(primary).toBe(group.servers[0].port);
		const client = new Redis(group.servers[1].url, { lazyConnect: true, maxRetriesPerRequest: 0 });
		await client.connect();
		expect(await client.info('replication')).toContain(`master_port:${primary}`);
		client.disconnect();
		const pids = () => {
			const on = sentinelGroupOn(dir);
			return [...on.servers, ...on.sentinels].map((part) => part.pid);
		};
		const first = pids();
		expect(first).toHaveLength(5);

		// A second start adopts the whole group: the same processes, the same addresses.
		const again = await startSentinelGroup({ dir });
		expect(pids()).toEqual(first);
		expect(again.sentinels).toBe(group.sentinels);

		// A group in part (a Sentinel gone) is started afresh, leaving no process of the old one.
		process.kill(sentinelGroupOn(dir).sentinels[0].pid, 'SIGKILL');
		await waitGone(first[2]);
		await startSentinelGroup({ dir });
		const fresh = pids();
		expect(fresh).toHaveLength(5);
		for (const pid of first) expect(fresh.includes(pid) || isProcessAlive(pid)).toBe(false);

		expect(await stopSentinelGroup(dir)).toBe(true);
		for (const pid of fresh) expect(isProcessAlive(pid)).toBe(false);
		expect(await stopSentinelGroup(dir)).toBe(false);
	}, 60_000);
});

async function waitGone(pid: number): Promise<void> {
	while (isProcessAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
}
