import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { freePort } from './ports';
import { startRedis, type RedisHandle } from './redis';
import { isProcessAlive, requireCommand, sleep, spawnDetached } from './system';
import { terminateProcess, waitUntilReady } from './system';

/**
 * A Redis Sentinel group on 127.0.0.1 for the demo's `--sentinel` and the cluster tests: a
 * primary, one replica and three Sentinels (Debian's redis-sentinel) that watch them with a
 * quorum of 2. Throw-away like the plain Redis (no persistence), everything under `dir`, so the
 * run's leftover check and reaper find each process by its command line.
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

/** One RESP command to 127.0.0.1:port (a Sentinel), its reply's bulk strings. */
function askSentinel(port: number, command: string[], timeoutMs = 1_000): Promise<string[]> {
	return new Promise((resolve, reject) => {
		const socket = connect({ host: '127.0.0.1', port });
		let reply = '';
		const fail = (error: Error) => {
			socket.destroy();
			reject(error);
		};
		socket.setTimeout(timeoutMs, () => fail(new Error(`no reply from Sentinel ${port}`)));
		socket.on('error', fail);
		socket.on('connect', () => {
			const parts = command.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`);
			socket.write(`*${command.length}\r\n${parts.join('')}`);
		});
		socket.on('data', (chunk: Buffer) => {
			reply += chunk.toString();
			try {
				const values = parseReply(reply);
				if (values === undefined) return; // more to come
				socket.end();
				resolve(values);
			} catch (error) {
				fail(error as Error);
			}
		});
	});
}

/** A simple string, a nil, or an array of bulk strings; undefined while incomplete. */
function parseReply(reply: string): string[] | undefined {
	const lines = reply.split('\r\n');
	if (lines.length < 2) return undefined;
	const [first] = lines;
	if (first.startsWith('-')) throw new Error(first.slice(1));
	if (first.startsWith('+')) return [first.slice(1)];
	if (first === '*-1' || first === '$-1') return [];
	const count = Number(/^\*(\d+)$/.exec(first)?.[1] ?? NaN);
	if (Number.isNaN(count)) throw new Error(`unexpected Sentinel reply ${first}`);
	// Each element is "$<length>" then the value.
	if (lines.length < 2 + 2 * count) return undefined;
	return Array.from({ length: count }, (_, i) => lines[2 + 2 * i]);
}

async function startSentinel(
	dir: string,
	primaryPort: number
): Promise<{ port: number; pid: number }> {
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const configFile = path.join(dir, 'sentinel.conf');
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

export async function startSentinelGroup(opts: { dir: string }): Promise<SentinelGroupHandle> {
	const dir = path.resolve(opts.dir);
	const primary = await startRedis({ dataDir: path.join(dir, 'redis-1') });
	const replica = await startRedis({ dataDir: path.join(dir, 'redis-2'), replicaOf: primary.port });
	const servers = [primary, replica];
	const sentinels: { port: number; pid: number }[] = [];
	const stop = async () => {
		await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
		await Promise.all(sentinels.map(({ pid }) => terminateProcess(pid).catch(() => undefined)));
	};
	try {
		for (let i = 1; i <= 3; i++) {
			sentinels.push(await startSentinel(path.join(dir, `sentinel-${i}`), primary.port));
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
			servers[i] = await startRedis({ dataDir: path.join(dir, `redis-${i + 1}`), port, replicaOf: now }); // prettier-ignore
		},
		stop
	};
	return handle;
}
