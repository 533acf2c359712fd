import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeLeftovers, findLeftovers, RUN_DIR_VAR, stopLeftovers } from './leftovers';
import { startReaper, type Reaper } from './reaper';

/** In an enclosing run's directory: what the checks of the runs inside it found and stopped. */
export const LEFTOVERS_FILE = 'leftovers.txt';

/**
 * The directory a test or benchmark run keeps its services in, and its promise to leave nothing
 * running. While it is open, RUN_DIR_VAR names it in this process's environment, so everything
 * the run starts from here on (workers, app servers, Chromium) carries it, wherever it was
 * spawned from. finish() checks that, and a reaper does the stopping if this process dies first.
 */
export class RunDir {
	readonly path: string;
	#previous: string | undefined;
	#reaper: Reaper;
	#finished = false;

	private constructor(prefix: string) {
		// Inside an enclosing run (npm test sets one for the whole suite), so its check sees ours;
		// not inside one that is gone (a stale variable in a shell).
		const enclosing = process.env[RUN_DIR_VAR];
		const parent = enclosing && existsSync(enclosing) ? enclosing : os.tmpdir();
		this.path = mkdtempSync(path.join(parent, prefix));
		this.#previous = process.env[RUN_DIR_VAR];
		process.env[RUN_DIR_VAR] = this.path;
		this.#reaper = startReaper(this.path);
	}

	/** A new run directory, under the enclosing run's if there is one, else under the tmpdir. */
	static open(prefix: string): RunDir {
		return new RunDir(prefix);
	}

	/**
	 * Call after stopping the run's services. Anything of the run still running is a bug in
	 * how it was stopped: it is stopped now, and the error names it. spareChildren: see
	 * findLeftovers.
	 */
	async finish(opts: { spareChildren?: boolean } = {}): Promise<void> {
		if (this.#finished) return;
		this.#finished = true;
		if (this.#previous === undefined) delete process.env[RUN_DIR_VAR];
		else process.env[RUN_DIR_VAR] = this.#previous;
		const found = findLeftovers([this.path], { spareChildren: opts.spareChildren });
		try {
			await stopLeftovers(found);
		} finally {
			rmSync(this.path, { recursive: true, force: true });
			this.#reaper.release();
		}
		if (found.length === 0) return;
		const named = describeLeftovers(found);
		// A runner may log this error and still exit 0 (vitest does): npm test's summary reads it.
		if (this.#previous !== undefined) {
			try {
				appendFileSync(path.join(this.#previous, LEFTOVERS_FILE), named + '\n');
			} catch {
				// the enclosing run is gone already: the error below still says it
			}
		}
		throw new Error(
			`${found.length} process(es) of the run in ${this.path} were still running after ` +
				`its services were stopped (now stopped):\n${named}`
		);
	}
}
