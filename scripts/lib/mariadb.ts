import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { canListProcesses, processesWhere } from './leftovers';
import { freePort } from './ports';
import { isProcessAlive, readJsonFile, readPidFile, requireCommand, runQuietly } from './system';
import { spawnDetached, terminateProcess, waitUntilReady, writeJsonFile } from './system';

export interface MariaDbHandle {
	readonly host: '127.0.0.1';
	readonly port: number;
	readonly socketPath: string;
	readonly dataDir: string;
	/** The server now running on dataDir, even when another handle restarted it. */
	readonly pid: number;
	/** Runs SQL as root over the unix socket; several statements allowed. */
	rootQuery(sql: string): Promise<unknown>;
	/** Stops whichever mariadbd runs on dataDir: the one this handle started or a restart of it. */
	stop(): Promise<void>;
	/** Stops and starts again on the same port and data dir. */
	restart(): Promise<void>;
}

export type MariaDbState = Pick<MariaDbHandle, 'port' | 'socketPath' | 'pid'>;

// mariadbd refuses to run as root unless told to; as anyone else the flag is noise.
const userFlag = process.getuid?.() === 0 ? ['--user=root'] : [];
const fixedFlags = [
	'--bind-address=127.0.0.1',
	'--skip-name-resolve',
	'--server-id=1',
	// The default, MIXED, logs statements where the dashboard's binlog tailer needs row images.
	'--binlog-format=ROW',
	'--binlog-row-image=FULL',
	// A dev and test server: small, and fast rather than crash-proof.
	...'--innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 --sync-binlog=0'.split(' '),
	...'--max-connections=500 --expire-logs-days=7'.split(' ')
];

function filesFor(dataDir: string) {
	const socketInDataDir = path.join(dataDir, 'mariadbd.sock');
	// sun_path holds 108 bytes: a deep checkout would make mariadbd refuse its socket.
	const hash = createHash('sha1').update(dataDir).digest('hex').slice(0, 12);
	const shortSocket = path.join(os.tmpdir(), `mdb-${hash}.sock`);
	return {
		socketPath: Buffer.byteLength(socketInDataDir) <= 100 ? socketInDataDir : shortSocket,
		pidFile: path.join(dataDir, 'mariadbd.pid'),
		errorLog: path.join(dataDir, 'mariadbd.err'),
		// A sibling, not inside: each directory in a datadir shows up as a database.
		stateFile: `${dataDir}.json`,
		// The server's own temporary files (on-disk sort and temporary tables), beside its data
		// (a run's directory for tests and benches), not in the shared /tmp, where another
		// process's cleanup once removed one under a sort ("Error on delete of
		// '/tmp/#sql-temptable-…MAI' (Errcode: 2)").
		tmpDir: `${dataDir}-tmp`
	};
}

async function queryAsRoot(socketPath: string, sql: string): Promise<unknown> {
	const options = { socketPath, user: 'root', multipleStatements: true, connectTimeout: 2_000 };
	const connection = await createConnection(options);
	try {
		const [result] = await connection.query(sql);
		return result;
	} finally {
		await connection.end();
	}
}

/**
 * Every mariadbd serving dataDir, found by the --datadir in its command line. A handle's
 * remembered pid is not enough: another handle on the same data dir (a test adopting the global
 * server) may have restarted it under a new pid, and a server still starting has no pid file yet.
 * Nor is the pid file: after a SIGKILL it names a pid the machine may have given to another run's
 * mariadbd. It is the fallback only where there is no /proc to look in.
 */
function serversOn(dataDir: string): number[] {
	const flag = `--datadir=${dataDir}`;
	if (canListProcesses) return processesWhere((args) => args.includes(flag));
	const fromFile = readPidFile(filesFor(dataDir).pidFile);
	return fromFile !== null && isProcessAlive(fromFile, 'mariadbd') ? [fromFile] : [];
}

async function stopServersOn(dataDir: string): Promise<boolean> {
	const pids = serversOn(dataDir);
	await Promise.all(pids.map((pid) => terminateProcess(pid)));
	rmSync(filesFor(dataDir).stateFile, { force: true });
	return pids.length > 0;
}

class MariaDbServer implements MariaDbHandle {
	readonly host = '127.0.0.1';
	readonly socketPath: string;
	private readonly files: ReturnType<typeof filesFor>;
	private exitStatus: () => string | null = () => null;

	constructor(
		readonly dataDir: string,
		readonly port: number,
		private launchedPid: number
	) {
		this.files = filesFor(dataDir);
		this.socketPath = this.files.socketPath;
	}

	get pid(): number {
		return serversOn(this.dataDir)[0] ?? this.launchedPid;
	}

	rootQuery(sql: string): Promise<unknown> {
		return queryAsRoot(this.socketPath, sql);
	}

	async launch(): Promise<void> {
		const mariadbd = requireCommand('mariadbd', 'mariadb-server');
		const { pidFile, errorLog, stateFile, tmpDir } = this.files;
		mkdirSync(tmpDir, { recursive: true });
		// --no-defaults must come first: it keeps /etc/mysql and ~/.my.cnf out.
		const args = [
			'--no-defaults',
			`--datadir=${this.dataDir}`,
			`--socket=${this.socketPath}`,
			`--port=${this.port}`,
			`--pid-file=${pidFile}`,
			`--log-error=${errorLog}`,
			`--tmpdir=${tmpDir}`,
			`--log-bin=${path.join(this.dataDir, 'binlog')}`,
			...userFlag,
			...fixedFlags
		];
		const child = spawnDetached(mariadbd, args, errorLog);
		this.launchedPid = child.pid;
		this.exitStatus = child.exitStatus;
		writeJsonFile(stateFile, { port: this.port, socketPath: this.socketPath, pid: child.pid });
		await this.waitUntilReady();
	}

	waitUntilReady(): Promise<void> {
		const probe = () => this.rootQuery('SELECT 1');
		const { errorLog: logFile } = this.files;
		return waitUntilReady({ name: 'mariadbd', probe, logFile, exitStatus: this.exitStatus });
	}

	async stop(): Promise<void> {
		await stopServersOn(this.dataDir);
	}

	async restart(): Promise<void> {
		await this.stop();
		await this.launch();
	}
}

/** The live mariadbd a previous run left on this data dir, if any. */
export async function runningMariaDb(dataDir: string): Promise<MariaDbState | null> {
	const files = filesFor(path.resolve(dataDir));
	const pid = serversOn(path.resolve(dataDir))[0];
	if (pid === undefined) return null;
	const state = readJsonFile<MariaDbState>(files.stateFile);
	if (state?.pid === pid) return state;
	const rows = (await queryAsRoot(files.socketPath, 'SELECT @@port AS port')) as RowDataPacket[];
	return { port: Number(rows[0].port), socketPath: files.socketPath, pid };
}

/** Starts mariadbd on dataDir (initialising it on first use), or adopts one already running. */
export async function startMariaDb(opts: {
	dataDir: string;
	port?: number;
	quiet?: boolean;
}): Promise<MariaDbHandle> {
	const dataDir = path.resolve(opts.dataDir);
	const running = await runningMariaDb(dataDir);
	if (running) {
		if (opts.port !== undefined && opts.port !== running.port) {
			throw new Error(
				`MariaDB already runs on ${dataDir} at port ${running.port}, not ${opts.port}: ` +
					`stop it first (npm run services stop, or kill ${running.pid})`
			);
		}
		const adopted = new MariaDbServer(dataDir, running.port, running.pid);
		await adopted.waitUntilReady();
		return adopted;
	}
	mkdirSync(dataDir, { recursive: true });
	if (!existsSync(path.join(dataDir, 'mysql', 'global_priv.frm'))) {
		if (!opts.quiet) console.log(`… initialising a MariaDB data directory in ${dataDir}`);
		const installDb = requireCommand('mariadb-install-db', 'mariadb-server');
		const args = [`--datadir=${dataDir}`, ...userFlag, '--skip-test-db'];
		// "normal": root logs in over the socket without a password, whoever runs the scripts.
		args.push('--auth-root-authentication-method=normal');
		await runQuietly(installDb, ['--no-defaults', ...args]).catch((error: Error) => {
			throw new Error(`${error.message}\nFix the cause, delete ${dataDir}, and retry.`);
		});
	}
	const server = new MariaDbServer(dataDir, opts.port ?? (await freePort()), 0);
	await server.launch();
	return server;
}

/** Stops the mariadbd running on dataDir; false when none was running. */
export function stopMariaDb(dataDir: string): Promise<boolean> {
	return stopServersOn(path.resolve(dataDir));
}

// Accounts and grants are database contents, kept with the schema; exported here for callers.
export { provisionUsers, type ProvisionOptions } from './schema';
