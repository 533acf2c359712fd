import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REAPER_VAR, RUN_DIR_VAR } from './leftovers';

/**
 * A watchdog for a run's directory that outlives the process owning the run. A detached shell
 * (its own session, so Ctrl-C in the terminal does not reach it; under 2 MB) waits on a pipe
 * from the owner. After a clean stop the owner writes "done" and it exits. If the owner dies
 * first — Ctrl-C, a crash, SIGKILL — the kernel closes the pipe, and the shell runs
 * scripts/reap.ts: it stops every process of the run (see leftovers.ts) and removes the
 * directory. Nothing to poll, and a recycled pid cannot fool it.
 */

export interface Reaper {
	/** The owner has stopped everything itself: the reaper exits without sweeping. */
	release(): void;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// read fails at end of file, leaving line empty: anything but "done" means the owner is gone.
const waiter = `IFS= read -r line; [ "$line" = done ] && exit 0
exec "$IL_REAPER_NODE" --import tsx scripts/reap.ts`;

export function startReaper(dir: string): Reaper {
	// Not marked as part of the run (RUN_DIR_VAR): the sweep and the checks must not count it.
	const env: NodeJS.ProcessEnv = { ...process.env };
	delete env[RUN_DIR_VAR];
	delete env.NODE_OPTIONS;
	Object.assign(env, { [REAPER_VAR]: dir, IL_REAPER_NODE: process.execPath });
	const child = spawn('/bin/sh', ['-c', waiter, 'il-reaper'], {
		cwd: repoRoot,
		env,
		detached: true,
		// stderr stays the owner's terminal, so a sweep after Ctrl-C says what it stopped.
		stdio: ['pipe', 'ignore', 'inherit']
	});
	const pipe = child.stdin as Socket;
	// EPIPE if the reaper itself was killed: then there is nobody left to tell.
	pipe.on('error', () => {});
	// The owner's event loop must not wait for the reaper, nor the reaper keep it alive.
	pipe.unref();
	child.unref();
	let released = false;
	return {
		release() {
			if (released) return;
			released = true;
			pipe.end('done\n');
		}
	};
}
