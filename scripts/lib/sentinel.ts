import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processesWhere } from './leftovers';
import { freePort } from './ports';
import { runningRedis, startRedis, stopRedis, type RedisHandle } from './redis';
import { askSentinel } from './sentinel-protocol';
import { isProcessAlive, requireCommand, sleep, spawnDetached } from './system';
import { terminateProcess, waitUntilReady } from './system';

/**
 * A Redis Sentinel group on 127.0.0.1 for the demo's `--sentinel`, `npm run services -- start
 * --sentinel` and the cluster tests: a primary, one replica and three Sentinels (Debian's
 * redis-sentinel) that watch them with a quorum of 2. Throw-away like the plain Redis (no
 * persistence), everything under `dir`, so the run's leftover check and reaper, and
 * stopSentinelGroup, find each process by its command line. A group already running on `dir`
 * (the dev services started twice) is adopted, as startRedis adopts a server.
 *
 * The Sentinels decide quickly (down after DOWN_AFTER_MS): a killed primary is replaced in about
 * two seconds. Production Sentinels are usually slower to decide (Debian's default: 30 s); see
 * the README and deploy/sentinel/.
 */

export const MASTER_NAME = 'mymaster';
const DOWN_AFTER_MS = 1_000;

export interface SentinelGroupHandle {
	/** REDIS_SENTINELS for the nodes: `127.0.0.1:<port>,…`. */
	readonly sentinels: string;
	readonly masterName: string;
	/** The Redis servers, primary first at start; `primary()` says which leads now. */
	readonly servers: RedisHandle[];
	/** The port the Sentinels name as primary now. */
	primary(): Promise<number>;
	/** SIGKILLs the current primary; resolves with its port once it is gone. */
	killPrimary(): Promise<number>;
	/** Waits until the Sentinels name another primary than `port`; returns it. */
	promotedFrom(port: number, timeoutMs?: number): Promise<number>;
	/** Starts a killed server again: the Sentinels make it a replica of the new primary. */
	restart(port: number): Promise<void>;
	/** Stops the servers, then the Sentinels. */
	stop(): Promise<void>;
}

/** Where the group's parts live under `dir`: two servers, three Sentinels. */
const serverDirs = (dir: string) => [1, 2].map((i) => path.join(dir, `redis-${i}`));
const sentinelDirs = (dir: string) => [1, 2, 3].map((i) => path.join(dir, `sentinel-${i}`));
const configOf = (sentinelDir: string) => path.join(sentinelDir, 'sentinel.conf');

/** The redis-sentinel running on this directory's config file, found by its command line. */
function runningSentinel(sentinelDir: string): { port: number; pid: number } | null {
	const configFile = configOf(sentinelDir);
	const [pid] = processesWhere((args) => args.includes(configFile));
	if (pid === undefined || !existsSync(configFile)) return null;
	// Sentinel rewrites its config with what it learns, but keeps the port line.
	const port = Number(/^port (\d+)$/m.exec(readFileSync(configFile, 'utf8'))?.[1] ?? NaN);
	return Number.isNaN(port) ? null : { port, pid };
}

async function startSentinel(
	dir: string,
	primaryPort: number,
	port: number
): Promise<{ port: number; pid: number }> {
	mkdirSync(dir, { recursive: true });
	const configFile = configOf(dir);
	const logFile = path.join(dir, 'sentinel.log');
	// Sentinel rewrites its config file (what it learns): one of its own, in its directory.
	writeFileSync(
		configFile,
		[
			`port ${port}`,
			'bind 127.0.0.1',
			'daemonize no',
			`dir ${dir}`,
			`logfile ${logFile}`,
			`sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primaryPort} 2`,
			`sentinel down-after-milliseconds ${MASTER_NAME} ${DOWN_AFTER_MS}`,
			`sentinel failover-timeout ${MASTER_NAME} 10000`,
			`sentinel parallel-syncs ${MASTER_NAME} 1`,
			''
		].join('\n')
	);
	const sentinel = requireCommand('redis-sentinel', 'redis-sentinel');
	const child = spawnDetached(sentinel, [configFile, '--set-proc-title', 'no'], logFile);
	const probe = () => askSentinel(port, ['PING']);
	await waitUntilReady({ name: 'redis-sentinel', probe, logFile, exitStatus: child.exitStatus });
	return { port, pid: child.pid };
}

/** What runs of the group on `dir`, whole or in part (for `npm run services status`). */
export function sentinelGroupOn(dir: string): {
	servers: { port: number; pid: number }[];
	sentinels: { port: number; pid: number }[];
} {
	const resolved = path.resolve(dir);
	return {
		servers: serverDirs(resolved)
			.map(runningRedis)
			.filter((s) => s !== null),
		sentinels: sentinelDirs(resolved)
			.map(runningSentinel)
			.filter((s) => s !== null)
	};
}

/** Stops the group's servers and Sentinels on `dir`; false when none of them ran. */
export async function stopSentinelGroup(dir: string): Promise<boolean> {
	const resolved = path.resolve(dir);
	const servers = await Promise.all(serverDirs(resolved).map((dataDir) => stopRedis(dataDir)));
	const sentinels = sentinelDirs(resolved)
		.map(runningSentinel)
		.filter((s) => s !== null);
	await Promise.all(sentinels.map(({ pid }) => terminateProcess(pid).catch(() => undefined)));
	return servers.some(Boolean) || sentinels.length > 0;
}

export interface SentinelGroupOptions {
	dir: string;
	/** Ports for a group started afresh (an adopted one keeps its own); default: free ones. */
	ports?: () => Promise<{ servers: [number, number]; sentinels: [number, number, number] }>;
}

/**
 * Starts a group on `dir`, or adopts the one running there. A group found only in part (a
 * server or a Sentinel killed) is stopped and started afresh: without persistence it holds
 * nothing worth keeping, and Sentinels that watch a half-gone group would fail over on their own.
 */
export async function startSentinelGroup(opts: SentinelGroupOptions): Promise<SentinelGroupHandle> {
	const dir = path.resolve(opts.dir);
	const running = sentinelDirs(dir).map(runningSentinel);
	const whole = running.every(Boolean) && serverDirs(dir).every((d) => runningRedis(d) !== null);
	if (!whole) await stopSentinelGroup(dir);
	const ports = whole ? null : await (opts.ports?.() ?? freePorts());
	const servers: RedisHandle[] = [];
	const sentinels: { port: number; pid: number }[] = [];
	const stop = async () => {
		await stopSentinelGroup(dir);
	};
	try {
		if (whole) {
			// Adopted: the servers by their data dirs, whichever of them is primary now.
			for (const dataDir of serverDirs(dir)) servers.push(await startRedis({ dataDir }));
			sentinels.push(...running.map((sentinel) => sentinel!));
		} else {
			const [primaryDir, replicaDir] = serverDirs(dir);
			const primary = await startRedis({ dataDir: primaryDir, port: ports!.servers[0] });
			servers.push(primary);
			servers.push(await startRedis({ dataDir: replicaDir, port: ports!.servers[1], replicaOf: primary.port })); // prettier-ignore
			for (const [i, sentinelDir] of sentinelDirs(dir).entries()) {
				sentinels.push(await startSentinel(sentinelDir, primary.port, ports!.sentinels[i]));
			}
		}
	} catch (error) {
		await stop();
		throw error;
	}
	const primaryPort = async (): Promise<number> => {
		for (const { port } of sentinels) {
			const answer = await askSentinel(port, ['SENTINEL', 'get-master-addr-by-name', MASTER_NAME]).catch(() => null); // prettier-ignore
			if (answer?.[1]) return Number(answer[1]);
		}
		throw new Error('no Sentinel names a primary');
	};
	const handle: SentinelGroupHandle = {
		sentinels: sentinels.map(({ port }) => `127.0.0.1:${port}`).join(','),
		masterName: MASTER_NAME,
		servers,
		primary: primaryPort,
		async killPrimary() {
			const port = await primaryPort();
			const server = servers.find((s) => s.port === port);
			if (!server) throw new Error(`the primary on ${port} is not one of this group's servers`);
			process.kill(server.pid, 'SIGKILL');
			while (isProcessAlive(server.pid)) await sleep(20);
			return port;
		},
		async promotedFrom(port, timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				const now = await primaryPort().catch(() => port);
				if (now !== port) return now;
				await sleep(100);
			}
			throw new Error(`the Sentinels did not promote a replica in ${timeoutMs} ms`);
		},
		async restart(port) {
			const i = servers.findIndex((s) => s.port === port);
			if (i === -1) throw new Error(`no server of this group on ${port}`);
			const now = await primaryPort();
			// It comes back as a replica of the new primary (the Sentinels would also tell it so).
			servers[i] = await startRedis({ dataDir: serverDirs(dir)[i], port, replicaOf: now });
		},
		stop
	};
	return handle;
}

/** Five distinct free ports (two asked in a row can be the same one: none is bound yet). */
async function freePorts(): Promise<{
	servers: [number, number];
	sentinels: [number, number, number];
}> {
	const ports = new Set<number>();
	while (ports.size < 5) ports.add(await freePort());
	const [a, b, c, d, e] = ports;
	return { servers: [a, b], sentinels: [c, d, e] };
}
