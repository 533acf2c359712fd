import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	cpSync,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/ports';
import { sleep } from './stats';

/**
 * The production server (adapter-node build + server.ts) in its own process, as `npm start`
 * runs it. It runs from a private copy of build/, so a `vite build` by someone else during the
 * run cannot swap modules under it. The copy, logs and recordings live in a temporary folder
 * (outside the repository, so linters never see them), removed after a clean run.
 */

export const WORK_DIR = path.join(os.tmpdir(), `il-bench-${process.pid}`);
const APP_DIR = path.join(WORK_DIR, 'app');

function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const file = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
	}
	return newest;
}

/** Builds when asked or needed, then snapshots build/ and server.ts; describes what it used. */
export function prepareBuild(mode: 'auto' | 'always' | 'never'): string {
	const handler = 'build/handler.js';
	const builtAt = existsSync(handler) ? statSync(handler).mtimeMs : 0;
	const stale = builtAt < newestMtime('src');
	if (mode === 'always' || (mode === 'auto' && stale)) {
		console.log(`… vite build (${builtAt ? 'build/ is older than src/' : 'no build/ yet'})`);
		mkdirSync(WORK_DIR, { recursive: true });
		const log = openSync(path.join(WORK_DIR, 'vite-build.log'), 'w');
		const result = spawnSync('npx', ['vite', 'build'], { stdio: ['ignore', log, log] });
		if (result.status === 0) console.log('… built');
		else if (!builtAt) throw new Error(`vite build failed: see ${WORK_DIR}/vite-build.log`);
		// src/ may be mid-edit by someone else: measure the last good build rather than nothing.
		else
			console.warn(`vite build failed (see ${WORK_DIR}/vite-build.log): using the existing build/`);
	} else if (!builtAt) {
		throw new Error('No build/: run `npx vite build` or pass --build auto');
	}
	rmSync(APP_DIR, { recursive: true, force: true });
	mkdirSync(APP_DIR, { recursive: true });
	cpSync('build', path.join(APP_DIR, 'build'), { recursive: true });
	cpSync('server.ts', path.join(APP_DIR, 'server.ts'));
	symlinkSync(path.resolve('node_modules'), path.join(APP_DIR, 'node_modules'), 'dir');
	writeFileSync(path.join(APP_DIR, 'package.json'), '{ "type": "module" }\n');
	const at = new Date(statSync(handler).mtimeMs).toISOString();
	const fresh = statSync(handler).mtimeMs >= newestMtime('src');
	return `vite build of ${at}${fresh ? '' : ' (older than some files under src/)'}`;
}

export class ServerProcess {
	url = '';
	#child: ChildProcess | null = null;
	/** The bench scrapes /metrics for the server's figures (the change-log sequence). */
	readonly #metricsToken = randomBytes(24).toString('hex');

	constructor(
		private readonly env: Record<string, string>,
		readonly name: string
	) {}

	get pid(): number {
		if (!this.#child?.pid) throw new Error(`server ${this.name} is not running`);
		return this.#child.pid;
	}

	async start(): Promise<this> {
		const port = await freePort();
		this.url = `http://127.0.0.1:${port}`;
		const logFile = path.join(WORK_DIR, `server-${this.name}.log`);
		const log = openSync(logFile, 'w');
		this.#child = spawn(process.execPath, ['--import', 'tsx', path.join(APP_DIR, 'server.ts')], {
			env: {
				...process.env,
				...this.env,
				METRICS_TOKEN: this.#metricsToken,
				PORT: String(port),
				HOST: '127.0.0.1',
				ORIGIN: this.url,
				NODE_ENV: 'production'
			},
			stdio: ['ignore', log, log]
		});
		const deadline = Date.now() + 60_000;
		while (Date.now() < deadline) {
			if (this.#child.exitCode !== null) break;
			const ok = await fetch(`${this.url}/ready`).then(
				(r) => r.ok,
				() => false
			);
			if (ok) return this;
			await sleep(200);
		}
		await this.stop();
		throw new Error(`server ${this.name} did not start: see ${logFile}`);
	}

	/** The server's change-log sequence: how many changes it has taken in (from /metrics). */
	async seq(): Promise<number> {
		const response = await fetch(`${this.url}/metrics`, {
			headers: { authorization: `Bearer ${this.#metricsToken}` }
		});
		if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
		const line = /^il_changelog_head_seq (\S+)$/m.exec(await response.text());
		if (!line) throw new Error('/metrics has no il_changelog_head_seq');
		return Number(line[1]);
	}

	async stop(): Promise<void> {
		const child = this.#child;
		this.#child = null;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
		await exited;
		clearTimeout(timer);
	}
}
