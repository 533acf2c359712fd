import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { canListProcesses, commandLineOf, processesWhere } from './leftovers';
import { freePort } from './ports';
import { isProcessAlive, readJsonFile, readPidFile, requireCommand, spawnDetached } from './system';
import { terminateProcess, waitUntilReady, writeJsonFile } from './system';

export interface RedisHandle {
	readonly host: '127.0.0.1';
	readonly port: number;
	/** redis://127.0.0.1:<port> */
	readonly url: string;
	readonly pid: number;
	stop(): Promise<void>;
}

export type RedisState = Pick<RedisHandle, 'port' | 'pid'>;

function filesFor(dataDir: string) {
	return {
		pidFile: path.join(dataDir, 'redis.pid'),
		logFile: path.join(dataDir, 'redis.log'),
		stateFile: `${dataDir}.json`
	};
}

/** Resolves when Redis answers PING; raw RESP, so starting services needs no client library. */
export function pingRedis(port: number, timeoutMs = 1_000): Promise<void> {
	return new Promise((resolve, reject) => {
		const socket = connect({ host: '127.0.0.1', port });
		let reply = '';
		const fail = (error: Error) => {
			socket.destroy();
			reject(error);
		};
		socket.setTimeout(timeoutMs, () => fail(new Error(`no PING reply from 127.0.0.1:${port}`)));
		socket.on('error', fail);
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk: Buffer) => {
			reply += chunk.toString();
			if (!reply.includes('\r\n')) return;
			socket.end();
			if (reply.startsWith('+PONG')) resolve();
			else fail(new Error(`Redis answered PING with ${reply.trim()}`));
		});
	});
}

/**
 * The redis-servers on dataDir, found by the --dir in their command line (which is why they run
 * with --set-proc-title no): a remembered pid or a pid file can name a recycled pid, and would
 * miss a second server started on the same dir.
 */
function serversOn(dataDir: string): number[] {
	const { pidFile, stateFile } = filesFor(dataDir);
	const onDir = (args: string[]) =>
		args.some((arg, i) => arg === '--dir' && args[i + 1] === dataDir);
	const found = canListProcesses ? processesWhere(onDir) : [];
	if (found.length > 0) return found;
	// No /proc, or a server started before --set-proc-title no: its title hides the dir.
	const pid = readJsonFile<RedisState>(stateFile)?.pid ?? readPidFile(pidFile);
	if (pid === null || !isProcessAlive(pid, 'redis-server')) return [];
	return commandLineOf(pid)?.includes('--dir') ? [] : [pid];
}

async function stopServersOn(dataDir: string): Promise<boolean> {
	const pids = serversOn(dataDir);
	await Promise.all(pids.map((pid) => terminateProcess(pid)));
	rmSync(filesFor(dataDir).stateFile, { force: true });
	return pids.length > 0;
}

function handleFor(port: number, pid: number, dataDir: string): RedisHandle {
	return {
		host: '127.0.0.1',
		port,
		url: `redis://127.0.0.1:${port}`,
		pid,
		async stop() {
			await stopServersOn(dataDir);
		}
	};
}

/** The live redis-server a previous run left on this data dir, if any. */
export function runningRedis(dataDir: string): RedisState | null {
	const resolved = path.resolve(dataDir);
	const pid = serversOn(resolved)[0];
	if (pid === undefined) return null;
	const state = readJsonFile<RedisState>(filesFor(resolved).stateFile);
	return state?.pid === pid ? state : null;
}

/**
 * Starts a throw-away (no persistence) redis-server, or adopts one already running on dataDir.
 * `replicaOf`: the port of a primary on 127.0.0.1 this one replicates (a Sentinel group's replica).
 */
export async function startRedis(opts: {
	dataDir: string;
	port?: number;
	replicaOf?: number;
}): Promise<RedisHandle> {
	const dataDir = path.resolve(opts.dataDir);
	const { pidFile, logFile, stateFile } = filesFor(dataDir);
	const running = runningRedis(dataDir);
	if (running) {
		if (opts.port !== undefined && opts.port !== running.port) {
			throw new Error(
				`Redis already runs on ${dataDir} at port ${running.port}, not ${opts.port}: ` +
					`stop it first (npm run services stop, or kill ${running.pid})`
			);
		}
		await waitUntilReady({ name: 'redis-server', probe: () => pingRedis(running.port), logFile });
		return handleFor(running.port, running.pid, dataDir);
	}
	mkdirSync(dataDir, { recursive: true });
	const port = opts.port ?? (await freePort());
	const redisServer = requireCommand('redis-server', 'redis-server');
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no'];
	// A dev and test instance: no RDB snapshots, no AOF, nothing written to disk but its log.
	args.push('--save', '', '--appendonly', 'no', '--dir', dataDir);
	args.push('--pidfile', pidFile, '--logfile', logFile);
	// Otherwise it rewrites its command line to "redis-server 127.0.0.1:<port>", hiding --dir.
	args.push('--set-proc-title', 'no');
	if (opts.replicaOf !== undefined) args.push('--replicaof', '127.0.0.1', String(opts.replicaOf));
	const child = spawnDetached(redisServer, args, logFile);
	writeJsonFile(stateFile, { port, pid: child.pid } satisfies RedisState);
	const probe = () => pingRedis(port);
	await waitUntilReady({ name: 'redis-server', probe, logFile, exitStatus: child.exitStatus });
	return handleFor(port, child.pid, dataDir);
}

/** Stops the redis-server running on dataDir; false when none was running. */
export function stopRedis(dataDir: string): Promise<boolean> {
	return stopServersOn(path.resolve(dataDir));
}
