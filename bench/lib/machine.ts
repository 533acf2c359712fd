import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What the figures were measured on: the machine, the date, and the versions that matter. */

const PACKAGES = [
	'@sveltejs/kit',
	'svelte',
	'vite',
	'socket.io',
	'socket.io-client',
	'@vlasky/zongji',
	'mysql2',
	'@playwright/test',
	'playwright-core'
];

function packageVersion(name: string): string {
	try {
		const file = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
		return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
	} catch {
		return 'not installed';
	}
}

function gitRevision(): string {
	try {
		const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
		const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'server.ts'], {
			encoding: 'utf8'
		}).trim();
		return dirty ? `${rev} + uncommitted changes under src/` : rev;
	} catch {
		return 'unknown';
	}
}

export function machineLines(extra: {
	mariadb: string;
	chromium: string;
	build: string;
}): string[] {
	const cpu = os.cpus();
	const load = os.loadavg().map((l) => l.toFixed(2));
	return [
		`- Date: ${new Date().toISOString()}`,
		`- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ` +
			`${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ` +
			`(load average at the end ${load.join(' ')}; the machine is shared)`,
		`- Node ${process.version}, MariaDB ${extra.mariadb}, Chromium ${extra.chromium}`,
		`- Packages: ${PACKAGES.map((p) => `${p} ${packageVersion(p)}`).join(', ')}`,
		`- Code: ${gitRevision()}; server build: ${extra.build}`
	];
}
