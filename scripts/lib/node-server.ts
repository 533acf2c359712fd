import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports';
import { waitUntilReady } from './system';

/**
 * The production server (build/ + server.ts) in a child process, ready once /health answers 200.
 *
 * A stand-in with the same shape as AppServer (scripts/lib/app-server.ts on the `tooling`
 * branch), which the cluster launcher needs before that lands: when it does, cluster.ts imports
 * AppServer instead and this file goes. Keep to AppServer's API (options, start, stop, health,
 * process, pid, url) so that swap stays a one-line change.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface AppServerOptions {
	/** The app's configuration, over this process's environment. */
	env: Record<string, string | undefined>;
	/** Default: a free loopback port, a new one at each start. */
	port?: number;
	/** stdout and stderr to this file, emptied at each start. */
	logFile?: string;
}

export interface Health {
	ok: boolean;
	binlog: string;
	seq: number;
}

export class AppServer {
	url = '';
	#child: ChildProcess | null = null;

	constructor(private readonly options: AppServerOptions) {}

	/** The running server process, e.g. to signal it. */
	get process(): ChildProcess | null {
		return this.#child;
	}

	get pid(): number {
		if (!this.#child?.pid) throw new Error('the server is not running');
		return this.#child.pid;
	}

	/** Starts it, with `env` over the configured environment; resolves once it is healthy. */
	async start(env: Record<string, string> = {}): Promise<this> {
		if (this.#child) throw new Error(`the server already runs at ${this.url}`);
		if (!existsSync(path.join(ROOT, 'build', 'handler.js'))) {
			throw new Error('Run `npx vite build` first: no build/handler.js');
		}
		const port = this.options.port ?? (await freePort());
		this.url = `http://127.0.0.1:${port}`;
		const { logFile } = this.options;
		const log = logFile === undefined ? null : openSync(logFile, 'w');
		let status: string | null = null;
		try {
			const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server.ts')], {
				cwd: ROOT,
				// process.env carries IL_RUN_DIR: a run's leftover check finds the node by it.
				env: {
					...process.env,
					HOST: '127.0.0.1',
					ORIGIN: this.url,
					...this.options.env,
					PORT: String(port),
					...env
				},
				stdio: log === null ? ['ignore', 'inherit', 'inherit'] : ['ignore', log, log]
			});
			this.#child = child;
			child.once('exit', (code, signal) => (status = signal ?? `exit code ${code}`));
		} finally {
			// The child holds its own copy of the descriptor.
			if (log !== null) closeSync(log);
		}
		try {
			await waitUntilReady({
				name: 'server.ts',
				probe: () => this.health(),
				logFile: logFile ?? '(stderr)',
				exitStatus: () => status,
				timeoutMs: 60_000
			});
		} catch (error) {
			await this.stop();
			throw error;
		}
		return this;
	}

	async health(): Promise<Health> {
		const response = await fetch(`${this.url}/health`);
		if (!response.ok) throw new Error(`/health answered ${response.status}`);
		return (await response.json()) as Health;
	}

	/** SIGTERM (SIGKILL after `graceMs`); resolves once it has exited. */
	async stop(graceMs = 15_000): Promise<void> {
		const child = this.#child;
		this.#child = null;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		// A stopped (frozen) process only acts on SIGTERM once it runs again.
		child.kill('SIGCONT');
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
		await exited;
		clearTimeout(timer);
	}
}
