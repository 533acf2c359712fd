import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startMariaDb, type MariaDbHandle } from '../../scripts/lib/mariadb';
import { ensureCommands } from '../../scripts/lib/system';

/**
 * One throw-away MariaDB (binlog ROW/FULL) for the whole integration run, on a free loopback
 * port, removed afterwards. Each test file creates its own databases and users in it.
 */

declare module 'vitest' {
	export interface ProvidedContext {
		mariadb: { port: number; socketPath: string; dataDir: string };
	}
}

let handle: MariaDbHandle | null = null;
let dir = '';

export async function setup(project: TestProject): Promise<void> {
	await ensureCommands([
		{ command: 'mariadbd', aptPackage: 'mariadb-server' },
		{ command: 'mariadb-install-db', aptPackage: 'mariadb-server' }
	]);
	dir = mkdtempSync(path.join(os.tmpdir(), 'il-test-db-'));
	handle = await startMariaDb({ dataDir: path.join(dir, 'data') });
	await handle.rootQuery(
		"CREATE USER IF NOT EXISTS 'il_test'@'127.0.0.1' IDENTIFIED BY 'il_test';" +
			"GRANT ALL PRIVILEGES ON *.* TO 'il_test'@'127.0.0.1' WITH GRANT OPTION"
	);
	project.provide('mariadb', {
		port: handle.port,
		socketPath: handle.socketPath,
		dataDir: handle.dataDir
	});
}

export async function teardown(): Promise<void> {
	await handle?.stop();
	if (dir) rmSync(dir, { recursive: true, force: true });
}
