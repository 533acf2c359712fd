import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	cpSync,
	existsSync,
	mkdirSync,
	openSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppServer } from '../../scripts/lib/app-server';
import { newestMtime, SERVER_ENTRY } from '../../scripts/lib/build';

/**
 * The production server for the benchmarks (AppServer: build/server.js in its own process),
 * run from a private copy of build/, so a build by someone else during the run cannot swap
 * modules under it. The copy, logs and recordings live in a temporary folder (outside the
 * repository, so linters never see them), removed after a clean run.
 */

export const WORK_DIR = path.join(os.tmpdir(), `il-bench-${process.pid}`);
const APP_DIR = path.join(WORK_DIR, 'app');
/** BENCH_CPU_PROFILE_DIR: each server of the run writes its CPU profile there as it stops. */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
/** BENCH_SERVER_NODE_ARGS: node flags for the servers of the run (space-separated), to try some. */
const EXTRA_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Builds when asked or needed, then snapshots build/; describes what it used. */
export function prepareBuild(mode: 'auto' | 'always' | 'never'): string {
	const handler = SERVER_ENTRY;
	const builtAt = existsSync(handler) ? statSync(handler).mtimeMs : 0;
	const stale = builtAt < newestMtime('src');
	if (mode === 'always' || (mode === 'auto' && stale)) {
		console.log(`… npm run build (${builtAt ? 'build/ is older than src/' : 'no build/ yet'})`);
		mkdirSync(WORK_DIR, { recursive: true });
		const log = openSync(path.join(WORK_DIR, 'build.log'), 'w');
		const result = spawnSync('npx', ['tsx', 'scripts/build.ts'], { stdio: ['ignore', log, log] });
		if (result.status === 0) console.log('… built');
		else if (!builtAt) throw new Error(`the build failed: see ${WORK_DIR}/build.log`);
		// src/ may be mid-edit by someone else: measure the last good build rather than nothing.
		else console.warn(`the build failed (see ${WORK_DIR}/build.log): using the existing build/`);
	} else if (!builtAt) {
		throw new Error('No build/: run `npm run build` or pass --build auto');
	}
	rmSync(APP_DIR, { recursive: true, force: true });
	mkdirSync(APP_DIR, { recursive: true });
	cpSync('build', path.join(APP_DIR, 'build'), { recursive: true });
	symlinkSync(path.resolve('node_modules'), path.join(APP_DIR, 'node_modules'), 'dir');
	writeFileSync(path.join(APP_DIR, 'package.json'), '{ "type": "module" }\n');
	const at = new Date(statSync(handler).mtimeMs).toISOString();
	const fresh = statSync(handler).mtimeMs >= newestMtime('src');
	return `build of ${at}${fresh ? '' : ' (older than some files under src/)'}`;
}

/** The production server for one suite, run from the private copy, its output in WORK_DIR. */
export class ServerProcess extends AppServer {
	/** The bench scrapes /metrics for the server's figures (the change-log sequence). */
	readonly #metricsToken: string;

	constructor(
		env: Record<string, string>,
		readonly name: string
	) {
		const metricsToken = randomBytes(24).toString('hex');
		super({
			env: { ...env, NODE_ENV: 'production', METRICS_TOKEN: metricsToken },
			appDir: APP_DIR,
			logFile: path.join(WORK_DIR, `server-${name}.log`),
			readyPath: '/ready',
			// Where the server writes a V8 CPU profile when it stops (to see where a figure's time goes).
			nodeArgs: [
				...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
				...EXTRA_NODE_ARGS
			]
		});
		this.#metricsToken = metricsToken;
	}

	/** The server's change-log sequence: how many changes it has taken in (from /metrics). */
	async seq(): Promise<number> {
		return (await this.metrics(['il_changelog_head_seq'])).il_changelog_head_seq;
	}

	/** Where the server's memory is, MB (from /metrics: V8's heap, and buffers outside it). */
	async memory(): Promise<{ heapUsed: number; heapTotal: number; external: number }> {
		const m = await this.metrics(['nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes']); // prettier-ignore
		return {
			heapUsed: m.nodejs_heap_size_used_bytes / 1e6,
			heapTotal: m.nodejs_heap_size_total_bytes / 1e6,
			external: m.nodejs_external_memory_bytes / 1e6
		};
	}

	async metrics<Name extends string>(names: Name[]): Promise<Record<Name, number>> {
		const response = await fetch(`${this.url}/metrics`, {
			headers: { authorization: `Bearer ${this.#metricsToken}` }
		});
		if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
		const text = await response.text();
		const values = {} as Record<Name, number>;
		for (const name of names) {
			const line = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
			if (!line) throw new Error(`/metrics has no ${name}`);
			values[name] = Number(line[1]);
		}
		return values;
	}
}
