import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUN_DIR_VAR } from './leftovers';
import { startMariaDb, type MariaDbHandle } from './mariadb';
import { ensureCommands } from './system';

/** A throw-away MariaDB with binlog ROW/FULL on a free port, and an all-privileges test user. */
export async function startTestMariaDb(): Promise<{
	handle: MariaDbHandle;
	stop(): Promise<void>;
}> {
	await ensureCommands([
		{ command: 'mariadbd', aptPackage: 'mariadb-server' },
		{ command: 'mariadb-install-db', aptPackage: 'mariadb-server' }
	]);
	// In the run's directory when there is one (RunDir), so the run's checks and reaper see it.
	const parent = process.env[RUN_DIR_VAR] ?? os.tmpdir();
	const dir = mkdtempSync(path.join(parent, 'il-test-db-'));
	const handle = await startMariaDb({ dataDir: path.join(dir, 'data'), quiet: true });
	await handle.rootQuery(
		"CREATE USER IF NOT EXISTS 'il_test'@'127.0.0.1' IDENTIFIED BY 'il_test';" +
			"GRANT ALL PRIVILEGES ON *.* TO 'il_test'@'127.0.0.1' WITH GRANT OPTION"
	);
	return {
		handle,
		async stop() {
			// Stops by data dir: a test may have restarted this server through its own handle.
			await handle.stop();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
