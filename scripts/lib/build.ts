import { build as esbuild } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { runQuietly } from './system';

/** What `npm start` runs and every test, demo and bench server is started from. */
export const SERVER_ENTRY = path.join('build', 'server.js');

/**
 * Node flags the server runs with (`npm start` passes the same; a unit test keeps them equal).
 * V8 otherwise grows its heap to several times what is live after a burst (50,000 interactions
 * arriving through the binlog, 2,000 sockets taking their snapshots) and keeps it: the bench's
 * fan-out suite measured 424-529 MB resident with V8's defaults, 236 MB with the heap growing by
 * a quarter of what is live. Tighter settings held less (10 % with an 8 MB young generation:
 * 204 MB; --optimize-for-size: 178 MB) but their frequent full collections doubled the fan-out's
 * p99.
 */
export const SERVER_NODE_FLAGS = ['--heap-growing-percent=25'];

/** The newest modification time of any file below `dir`, in epoch ms. */
export function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
	}
	return newest;
}

/**
 * The production build: SvelteKit's (vite build: build/ with adapter-node's handler.js), then
 * server.ts compiled next to it as build/server.js. Production runs plain JavaScript: no
 * TypeScript compiler loaded at runtime: at rest, 93 MB of RSS instead of 133 MB with tsx's
 * loader (median of 3, a sandbox with 3 tenants; measured 2026-12-02).
 */
export async function buildApp(root: string): Promise<void> {
	await runQuietly('npx', ['vite', 'build', '--logLevel', 'warn'], {}, root);
	await esbuild({
		entryPoints: [path.join(root, 'server.ts')],
		outfile: path.join(root, SERVER_ENTRY),
		platform: 'node',
		format: 'esm',
		target: 'node20',
		// server.ts imports node:http and types only; the app itself is in build/ already.
		bundle: false,
		logLevel: 'warning'
	});
}

/** Builds unless build/server.js is newer than every source file. */
export async function ensureBuild(root: string): Promise<boolean> {
	const marker = path.join(root, SERVER_ENTRY);
	const sources = Math.max(
		newestMtime(path.join(root, 'src')),
		statSync(path.join(root, 'server.ts')).mtimeMs,
		statSync(path.join(root, 'package.json')).mtimeMs
	);
	if (existsSync(marker) && statSync(marker).mtimeMs > sources) return false;
	await buildApp(root);
	return true;
}
