import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_ENTRY, SERVER_NODE_FLAGS } from './build';
import { freePort } from './ports';
import { waitUntilReady } from './system';

/**
 * The production server (build/: adapter-node's handler and server.js) in a child process, as `npm start`
 * runs it, ready once /health answers: the demo, the browser and HTTP tests, the wall tests and
 * the benchmarks all start it here. It can be stopped and started again (on a new free port
 * unless given one).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface AppServerOptions {
	/** The app's configuration, over this process's environment. */
	env: Record<string, string | undefined>;
	/** Default: a free loopback port, a new one at each start. */
	port?: number;
	/** The folder holding build/. Default: this repository. */
	appDir?: string;
	/** Node flags, e.g. a preload module. */
	nodeArgs?: string[];
	/** Default: no stdin, stdout and stderr to ours. */
	stdio?: StdioOptions;
	/** Instead of `stdio`: stdout and stderr to this file, emptied at each start. */
	logFile?: string;
	/**
	 * What must answer 200 before start resolves. `/health` (the default): the process serves.
	 * `/ready`: it also takes traffic (its live view is current).
	 */
	readyPath?: '/health' | '/ready';
}

export interface Health {
	ok: boolean;
}

export class AppServer {
	url = '';
	#child: ChildProcess | null = null;

	constructor(private readonly options: AppServerOptions) {}

	/** The running server process, e.g. to talk to its stdin or signal it. */
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
		const appDir = this.options.appDir ?? ROOT;
		const entry = path.join(appDir, SERVER_ENTRY);
		if (!existsSync(entry)) throw new Error(`Run \`npm run build\` first: no ${entry}`);
		const port = this.options.port ?? (await freePort());
		this.url = `http://127.0.0.1:${port}`;
		const { logFile } = this.options;
		const log = logFile === undefined ? null : openSync(logFile, 'w');
		let status: string | null = null;
		try {
			const nodeArgs = [...SERVER_NODE_FLAGS, ...(this.options.nodeArgs ?? [])];
			const child = spawn(process.execPath, [...nodeArgs, entry], {
				cwd: ROOT,
				env: {
					...process.env,
					HOST: '127.0.0.1',
					ORIGIN: this.url,
					...this.options.env,
					PORT: String(port),
					...env
				},
				stdio:
					log === null
						? (this.options.stdio ?? ['ignore', 'inherit', 'inherit'])
						: ['ignore', log, log]
			});
			this.#child = child;
			child.once('exit', (code, signal) => (status = signal ?? `exit code ${code}`));
		} finally {
			// The child holds its own copy of the descriptor.
			if (log !== null) closeSync(log);
		}
		try {
			await waitUntilReady({
				name: 'build/server.js',
				probe: () => this.#answers(this.options.readyPath ?? '/health'),
				logFile,
				exitStatus: () => status,
				timeoutMs: 60_000
			});
		} catch (error) {
			await this.stop();
			throw error;
		}
		return this;
	}

	async #answers(path: string): Promise<void> {
		const response = await fetch(`${this.url}${path}`);
		if (!response.ok) throw new Error(`${path} answered ${response.status}`);
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

/** Signs in through the real login form; returns the session Cookie header (`name=value`). */
export async function signIn(url: string, username: string, password: string): Promise<string> {
	const response = await fetch(`${url}/login`, {
		method: 'POST',
		body: new URLSearchParams({ username, password }),
		redirect: 'manual',
		headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' }
	});
	const cookie = response.headers.getSetCookie().find((c) => c.startsWith('il_session='));
	if (!cookie) throw new Error(`sign-in of ${username} failed: HTTP ${response.status}`);
	return cookie.split(';')[0];
}
