/**
 * Simulated PBX traffic against the pbxlogs database, for the demo and for manual testing:
 *   npm run simulate -- [--rate 2] [--speed 1] [--database pbxlogs]
 *                       [--url mysql://user:pass@127.0.0.1:3407] [--recordings .data/recordings]
 * Stops cleanly on Ctrl-C / SIGTERM: interactions in flight are closed before it exits.
 */
import { parseArgs } from 'node:util';
import { SIMULATOR_ID_FLOOR } from './lib/interaction-plan';
import {
	describe,
	numberFlag,
	openPbx,
	PBX_FLAGS,
	pbxSeed,
	recordingsRootFrom
} from './lib/pbx-cli';
import { PbxWriter } from './lib/pbx-writes';
import { TrafficSimulator } from './lib/simulator';

const usage = `usage: npm run simulate -- [--rate 2] [--speed 1] [--seed N] [--database pbxlogs]
       [--url mysql://user:pass@host:port] [--recordings .data/recordings]`;

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: { rate: { type: 'string' }, speed: { type: 'string' }, ...PBX_FLAGS }
	});
	const seed = pbxSeed(values, usage);
	const rate = numberFlag('rate', values.rate, 2);
	const speed = numberFlag('speed', values.speed, 1);
	const recordingsRoot = recordingsRootFrom(values.recordings);
	const { target, pool, lookups } = await openPbx(values);
	// Rows of an earlier run that was killed mid-call would tick on the dashboard forever.
	const orphans = await new PbxWriter(pool, target.database).closeIdle(SIMULATOR_ID_FLOOR, 15);
	if (orphans > 0) console.log(`closed ${orphans} interactions left open by an earlier run`);

	const simulator = new TrafficSimulator({
		pool,
		database: target.database,
		recordingsRoot,
		lookups,
		ratePerSecond: rate,
		speed,
		seed
	});
	const tenants = lookups.tenants.map((t) => t.name).join(', ');
	console.log(`simulating ${rate}/s at ${speed}x on ${describe(target)} (${tenants})`);
	console.log(`recordings under ${recordingsRoot}`);
	simulator.start();

	const status = setInterval(() => {
		const c = simulator.counters;
		console.log(
			`started ${c.started} · closed ${c.closed} (abandoned ${c.abandoned}) · ` +
				`in progress ${c.inProgress} · transcribed ${c.transcribed}` +
				(c.errors > 0 ? ` · errors ${c.errors}` : '')
		);
	}, 5000);

	await new Promise<void>((resolve) => {
		let stoppingSince = 0;
		const stop = (signal: string) => {
			// One Ctrl-C reaches us twice (from the terminal and relayed by npm/tsx): only a
			// signal that comes well after the first is a user insisting on quitting now.
			if (stoppingSince > 0) {
				if (Date.now() - stoppingSince < 2000) return;
				console.error(`${signal} again: exiting with interactions still open`);
				process.exit(130);
			}
			stoppingSince = Date.now();
			clearInterval(status);
			console.log(`${signal}: closing ${simulator.counters.inProgress} interactions in flight…`);
			void simulator
				.stop()
				.then(() => pool.end())
				.then(resolve, (error: unknown) => {
					console.error(error);
					resolve();
				});
		};
		process.on('SIGINT', () => stop('SIGINT'));
		process.on('SIGTERM', () => stop('SIGTERM'));
	});
	const c = simulator.counters;
	console.log(`stopped: ${c.started} started, ${c.closed} closed, ${c.errors} errors`);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
