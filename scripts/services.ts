import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RowDataPacket } from 'mysql2/promise';
import * as v from 'valibot';
import { runningMariaDb, startMariaDb, stopMariaDb, type MariaDbHandle } from './lib/mariadb';
import { preferredOrFreePort } from './lib/ports';
import { runningRedis, startRedis, stopRedis, type RedisHandle } from './lib/redis';
import { sentinelGroupOn, startSentinelGroup, stopSentinelGroup } from './lib/sentinel';
import type { SentinelGroupHandle } from './lib/sentinel';
import { ensureCommands, readJsonFile, writeJsonFile } from './lib/system';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dataRoot = path.join(repoRoot, '.data');

export const servicePaths = {
	mariadbDataDir: path.join(dataRoot, 'mariadb'),
	redisDataDir: path.join(dataRoot, 'redis'),
	sentinelDir: path.join(dataRoot, 'sentinel'),
	servicesFile: path.join(dataRoot, 'services.json')
};

/** What .data/services.json holds, for scripts that connect to the dev services. */
export interface ServicesInfo {
	mariadb: { port: number; socketPath: string; pid: number };
	redis?: { port: number; pid: number };
	/** With --sentinel: REDIS_SENTINELS and REDIS_MASTER_NAME for the app. */
	sentinel?: { sentinels: string; masterName: string; serverPorts: number[] };
}

export interface StartedServices {
	mariadb: MariaDbHandle;
	redis?: RedisHandle;
	sentinel?: SentinelGroupHandle;
}

const port = v.optional(
	v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(65535))
);
const PortsEnv = v.object({ MARIADB_PORT: port, REDIS_PORT: port });

function portsFromEnv(): v.InferOutput<typeof PortsEnv> {
	const parsed = v.safeParse(PortsEnv, process.env);
	if (parsed.success) return parsed.output;
	const issue = parsed.issues[0];
	const name = v.getDotPath(issue) ?? 'MARIADB_PORT / REDIS_PORT';
	const given = name in process.env ? JSON.stringify(process.env[name]) : 'that';
	throw new Error(`${name} must be a TCP port (1-65535), not ${given}`);
}

export function readServicesInfo(): ServicesInfo | null {
	return readJsonFile<ServicesInfo>(servicePaths.servicesFile);
}

/**
 * Starts (or adopts) the dev MariaDB and, with redis: true, Redis, with sentinel: true a Redis
 * primary, a replica and three Sentinels (the demo's group, scripts/lib/sentinel.ts), under
 * <repo>/.data.
 */
export async function startServices(
	opts: { redis?: boolean; sentinel?: boolean; log?: (line: string) => void } = {}
): Promise<StartedServices> {
	const log = opts.log ?? console.log;
	const env = portsFromEnv();
	await ensureCommands([
		{ command: 'mariadbd', aptPackage: 'mariadb-server' },
		{ command: 'mariadb-install-db', aptPackage: 'mariadb-server' },
		...(opts.redis || opts.sentinel ? [{ command: 'redis-server', aptPackage: 'redis-server' }] : []), // prettier-ignore
		...(opts.sentinel ? [{ command: 'redis-sentinel', aptPackage: 'redis-sentinel' }] : [])
	]);
	mkdirSync(dataRoot, { recursive: true });

	const { mariadbDataDir, redisDataDir } = servicePaths;
	const previousMariaDb = await runningMariaDb(mariadbDataDir);
	const mariadb = await startMariaDb({
		dataDir: mariadbDataDir,
		port: env.MARIADB_PORT ?? previousMariaDb?.port ?? (await preferredOrFreePort(3407))
	});
	const [server] = (await mariadb.rootQuery(
		'SELECT @@version AS version, @@binlog_format AS format, @@binlog_row_image AS image'
	)) as RowDataPacket[];
	const version = String(server.version).split('.').slice(0, 2).join('.');
	const binlog = `binlog ${server.format}/${server.image}`;
	const reused = previousMariaDb ? ', already running' : '';
	log(`✓ MariaDB ${version} on 127.0.0.1:${mariadb.port} (${binlog}${reused})`);
	const info: ServicesInfo = {
		mariadb: { port: mariadb.port, socketPath: mariadb.socketPath, pid: mariadb.pid }
	};

	let redis: RedisHandle | undefined;
	if (opts.redis) {
		const previousRedis = runningRedis(redisDataDir);
		redis = await startRedis({
			dataDir: redisDataDir,
			port: env.REDIS_PORT ?? previousRedis?.port ?? (await preferredOrFreePort(6390))
		});
		log(`✓ Redis on 127.0.0.1:${redis.port}${previousRedis ? ' (already running)' : ''}`);
		info.redis = { port: redis.port, pid: redis.pid };
	}
	const sentinel = opts.sentinel ? await startDevSentinels(info, log) : undefined;
	writeJsonFile(servicePaths.servicesFile, info);
	return { mariadb, redis, sentinel };
}

/** The Sentinel group under .data/sentinel, on stable ports where they are free. */
async function startDevSentinels(
	info: ServicesInfo,
	log: (line: string) => void
): Promise<SentinelGroupHandle> {
	const adopted = sentinelGroupOn(servicePaths.sentinelDir).sentinels.length === 3;
	const sentinel = await startSentinelGroup({
		dir: servicePaths.sentinelDir,
		ports: async () => ({
			servers: [await preferredOrFreePort(6391), await preferredOrFreePort(6392)],
			sentinels: [
				await preferredOrFreePort(26391),
				await preferredOrFreePort(26392),
				await preferredOrFreePort(26393)
			]
		})
	});
	const primary = await sentinel.primary();
	const replicas = sentinel.servers.filter((s) => s.port !== primary).map((s) => s.port);
	log(
		`✓ Redis primary on 127.0.0.1:${primary}, replica on 127.0.0.1:${replicas.join(', ')}, ` +
			`Sentinels on ${sentinel.sentinels}${adopted ? ' (already running)' : ''}`
	);
	log(`  for the app: REDIS_SENTINELS=${sentinel.sentinels} REDIS_MASTER_NAME=${sentinel.masterName}`); // prettier-ignore
	info.sentinel = {
		sentinels: sentinel.sentinels,
		masterName: sentinel.masterName,
		serverPorts: sentinel.servers.map((s) => s.port)
	};
	return sentinel;
}

/** Stops whatever dev services run under <repo>/.data. */
export async function stopServices(log: (line: string) => void = console.log): Promise<void> {
	const mariadbStopped = await stopMariaDb(servicePaths.mariadbDataDir);
	log(mariadbStopped ? '✓ MariaDB stopped' : '· MariaDB was not running');
	const redisStopped = await stopRedis(servicePaths.redisDataDir);
	log(redisStopped ? '✓ Redis stopped' : '· Redis was not running');
	const sentinelStopped = await stopSentinelGroup(servicePaths.sentinelDir);
	if (sentinelStopped) log('✓ Redis Sentinel group stopped');
	rmSync(servicePaths.servicesFile, { force: true });
}

export async function servicesStatus(log: (line: string) => void = console.log): Promise<void> {
	const mariadb = await runningMariaDb(servicePaths.mariadbDataDir);
	const redis = runningRedis(servicePaths.redisDataDir);
	log(
		mariadb
			? `✓ MariaDB on 127.0.0.1:${mariadb.port} (pid ${mariadb.pid}, socket ${mariadb.socketPath})`
			: '· MariaDB is not running'
	);
	log(redis ? `✓ Redis on 127.0.0.1:${redis.port} (pid ${redis.pid})` : '· Redis is not running');
	const group = sentinelGroupOn(servicePaths.sentinelDir);
	if (group.servers.length + group.sentinels.length > 0) {
		const ports = (parts: { port: number }[]) => parts.map((p) => p.port).join(', ') || 'none';
		log(
			`✓ Redis Sentinel group: servers on ${ports(group.servers)}, Sentinels on ${ports(group.sentinels)}` +
				(group.servers.length === 2 && group.sentinels.length === 3 ? '' : ' (in part: `start --sentinel` restarts it)') // prettier-ignore
		);
	}
}

async function main(argv: string[]): Promise<void> {
	const [command] = argv;
	const flags = { redis: argv.includes('--redis'), sentinel: argv.includes('--sentinel') };
	if (command === 'start') await startServices(flags);
	else if (command === 'stop') await stopServices();
	else if (command === 'status') await servicesStatus();
	else throw new Error('usage: npm run services -- start|stop|status [--redis] [--sentinel]');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main(process.argv.slice(2)).catch((error: unknown) => {
		console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
		process.exitCode = 1;
	});
}
