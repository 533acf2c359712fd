import type { TestProject } from 'vitest/node';
import { startTestMariaDb } from './mariadb';

/**
 * One throw-away MariaDB (binlog ROW/FULL) for the whole integration run, on a free loopback
 * port, removed afterwards. Each test file creates its own databases and users in it.
 */

declare module 'vitest' {
	export interface ProvidedContext {
		mariadb: { port: number; socketPath: string; dataDir: string };
	}
}

let stop: (() => Promise<void>) | null = null;

export async function setup(project: TestProject): Promise<void> {
	const mariadb = await startTestMariaDb();
	stop = mariadb.stop;
	const { port, socketPath, dataDir } = mariadb.handle;
	project.provide('mariadb', { port, socketPath, dataDir });
}

export async function teardown(): Promise<void> {
	await stop?.();
}
