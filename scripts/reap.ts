import { rmSync } from 'node:fs';
import { describeLeftovers, findLeftovers, REAPER_VAR, stopLeftovers } from './lib/leftovers';
import { sleep } from './lib/system';

/**
 * Run by a reaper (scripts/lib/reaper.ts) whose owner died without stopping its run: stops the
 * run's processes and removes its directory. Never started by hand.
 */

// The owner's terminal may be gone along with it: a failed message must not stop the cleanup.
process.stderr.on('error', () => {});
const dir = process.env[REAPER_VAR];
if (!dir) throw new Error(`${REAPER_VAR} is not set: this script is run by a reaper`);

// A few rounds: the owner may have died while starting something, or an orphaned worker of
// it may still be starting a server when the first round runs.
for (let round = 1; round <= 5; round++) {
	const found = findLeftovers([dir]);
	if (found.length === 0) break;
	console.error(
		`il-reaper: the process that ran ${dir} is gone; stopping what it left:\n` +
			describeLeftovers(found)
	);
	await stopLeftovers(found);
	await sleep(500);
}
rmSync(dir, { recursive: true, force: true });
