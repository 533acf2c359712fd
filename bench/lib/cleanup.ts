/**
 * Everything a run starts (MariaDB, servers, load processes, Chromium) registers its stop here,
 * so an interrupted run (Ctrl-C, an error) still leaves nothing running. Where these handlers
 * never run (SIGKILL, the OOM killer), the run directory's reaper does it (bench/run.ts).
 */

const stops = new Map<number, () => Promise<unknown>>();
let nextId = 1;

/** Registers a stop; returns a function that runs it once and unregisters it. */
export function onCleanup(stop: () => Promise<unknown>): () => Promise<void> {
	const id = nextId++;
	stops.set(id, stop);
	return async () => {
		if (!stops.delete(id)) return;
		await stop();
	};
}

/** Runs every registered stop, newest first; errors are reported, not thrown. */
export async function cleanupAll(): Promise<void> {
	const pending = [...stops.entries()].reverse();
	stops.clear();
	for (const [, stop] of pending) {
		try {
			await stop();
		} catch (error) {
			console.error(`cleanup: ${(error as Error).message}`);
		}
	}
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (interrupted) process.exit(130);
		interrupted = true;
		console.error(`\n${signal}: stopping everything the benchmark started…`);
		void cleanupAll().finally(() => process.exit(130));
	});
}
