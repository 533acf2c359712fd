import type { TestProject } from 'vitest/node';
import { RunDir } from '../../scripts/lib/run-dir';
import { startTestMariaDb } from '../../scripts/lib/test-mariadb';

/**
 * One throw-away MariaDB (binlog ROW/FULL) for the whole integration run, on a free loopback
 * port, removed afterwards. Each test file creates its own databases and users in it. All of it
 * lives in a run directory: the teardown fails the run if anything the run started (the server,
 * or an app server a test file spawned) is still running, and a reaper stops it all if this
 * process is killed before it gets there.
 */

declare module 'vitest' {
	export interface ProvidedContext {
		mariadb: { port: number; socketPath: string; dataDir: string };
	}
}

let run: RunDir | null = null;
let stopMariaDb: (() => Promise<void>) | null = null;

// Vitest calls teardown also when setup failed part way: it copes with either unset.
export async function setup(project: TestProject): Promise<void> {
	run = RunDir.open('il-vitest-');
	const mariadb = await startTestMariaDb();
	stopMariaDb = mariadb.stop;
	const { port, socketPath, dataDir } = mariadb.handle;
	project.provide('mariadb', { port, socketPath, dataDir });
}

export async function teardown(): Promise<void> {
	try {
		await stopMariaDb?.();
	} finally {
		stopMariaDb = null;
		// Vitest tears this down before it stops its workers: they are not leftovers.
		const finishing = run?.finish({ spareChildren: true });
		run = null;
		// Vitest logs a teardown error ("error during close") but would still exit 0.
		await finishing?.catch((error: unknown) => {
			process.exitCode = 1;
			throw error;
		});
	}
}
