import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { runQuietly } from './system';

/** The newest modification time of any file below `dir`, in epoch ms. */
export function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
	}
	return newest;
}

/** Builds the production bundle unless build/ is newer than every source file. */
export async function ensureBuild(root: string): Promise<boolean> {
	const marker = path.join(root, 'build', 'handler.js');
	const sources = Math.max(
		newestMtime(path.join(root, 'src')),
		statSync(path.join(root, 'package.json')).mtimeMs
	);
	if (existsSync(marker) && statSync(marker).mtimeMs > sources) return false;
	await runQuietly('npx', ['vite', 'build']);
	return true;
}
