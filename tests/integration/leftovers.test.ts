import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { findLeftovers, RUN_DIR_VAR } from '../../scripts/lib/leftovers';
import { startMariaDb } from '../../scripts/lib/mariadb';
import { isProcessAlive } from '../../scripts/lib/system';
import { waitFor } from '../support/stack';

/**
 * Test runs leave no mariadbd, Redis or app server running. A restarted server must still be
 * the one that is stopped, a killed runner must leave nothing behind, and the end of `npm test`
 * must notice and name anything that is.
 */

const workDir = mkdtempSync(path.join(process.env[RUN_DIR_VAR] ?? os.tmpdir(), 'il-leftovers-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('leaving nothing running', () => {
	it('stops a MariaDB that another handle restarted, as a test does with the global one', async () => {
		const dataDir = path.join(workDir, 'data');
		// The global setup's handle, and a test's handle adopting the same server.
		const owner = await startMariaDb({ dataDir, quiet: true });
		const original = owner.pid;
		const adopted = await startMariaDb({ dataDir, quiet: true });
		expect(adopted.pid).toBe(original);

		await adopted.restart();
		const restarted = adopted.pid;
		expect(restarted).not.toBe(original);
		expect(isProcessAlive(original)).toBe(false);
		expect(isProcessAlive(restarted, 'mariadbd')).toBe(true);
		expect(owner.pid).toBe(restarted);

		await owner.stop();
		expect(isProcessAlive(restarted)).toBe(false);
		expect(findLeftovers([dataDir])).toEqual([]);
	}, 60_000);

	it('a runner killed with SIGKILL leaves nothing: its reaper stops the run and removes its dir', async () => {
		const runner = spawn(process.execPath, ['--import', 'tsx', 'tests/support/run-owner.ts'], {
			stdio: ['ignore', 'pipe', 'inherit']
		});
		const lines = createInterface({ input: runner.stdout! });
		const [first] = await Promise.race([
			new Promise<string[]>((resolve) => lines.once('line', (line) => resolve([line]))),
			new Promise<never>((_, reject) => runner.once('exit', () => reject(new Error('exited'))))
		]);
		lines.close();
		const { dir, redisPid, childPid } = JSON.parse(first) as {
			dir: string;
			redisPid: number;
			childPid: number;
		};
		expect(isProcessAlive(redisPid, 'redis-server')).toBe(true);
		expect(isProcessAlive(childPid)).toBe(true);
		const found = findLeftovers([dir]).map(({ pid, via }) => ({ pid, via }));
		expect(found).toContainEqual({ pid: redisPid, via: 'command line' });
		expect(found).toContainEqual({ pid: childPid, via: RUN_DIR_VAR });

		runner.kill('SIGKILL');
		const gone = () => !isProcessAlive(redisPid) && !isProcessAlive(childPid) && !existsSync(dir);
		await waitFor(gone, 30_000, 'the reaper to stop Redis and the child and remove the dir');
	}, 60_000);

	it('the end of npm test names a process the run left, stops it, and fails', () => {
		const runDir = mkdtempSync(path.join(workDir, 'run-'));
		writeFileSync(path.join(runDir, 'log'), '');
		const stray = spawn('tail', ['-f', path.join(runDir, 'log')], {
			detached: true,
			stdio: 'ignore'
		});
		stray.unref();
		const summary = spawnSync(
			process.execPath,
			['--import', 'tsx', 'scripts/test-summary.ts', '--run-dir', runDir],
			{ encoding: 'utf8' }
		);
		expect(summary.status).toBe(1);
		expect(summary.stdout).toContain(`pid ${stray.pid} (command line): tail -f ${runDir}/log`);
		expect(summary.stdout).toMatch(/^tests: 0 passed, 0 failed, 1 process left running$/m);
		expect(isProcessAlive(stray.pid!)).toBe(false);
	}, 30_000);
});
