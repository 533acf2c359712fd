/**
 * Simulated PBX traffic against the pbxlogs database, for the demo and for manual testing:
 *   npm run simulate -- [--rate 2] [--speed 1] [--database pbxlogs]
 *                       [--url mysql://user:pass@127.0.0.1:3407] [--recordings .data/recordings]
 * Stops cleanly on Ctrl-C / SIGTERM: interactions in flight are closed before it exits.
 */
import { parseArgs } from 'node:util';
import type { RowDataPacket } from 'mysql2/promise';
import { seedLookups } from './lib/demo-data';
import { SIMULATOR_ID_FLOOR } from './lib/interaction-plan';
import {
	createAdminPool,
	describe,
	ensurePbxSchema,
	numberFlag,
	recordingsRootFrom,
	resolveTarget
} from './lib/pbx-cli';
import { TrafficSimulator } from './lib/simulator';
import { tableRef } from './lib/sql';

const usage = `usage: npm run simulate -- [--rate 2] [--speed 1] [--seed N] [--database pbxlogs]
       [--url mysql://user:pass@host:port] [--recordings .data/recordings]`;

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			rate: { type: 'string' },
			speed: { type: 'string' },
			seed: { type: 'string' },
			database: { type: 'string' },
			url: { type: 'string' },
			recordings: { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		console.log(usage);
		return;
	}
	const rate = numberFlag('rate', values.rate, 2);
	const speed = numberFlag('speed', values.speed, 1);
	const seed = values.seed === undefined ? undefined : numberFlag('seed', values.seed, 1);
	const target = resolveTarget(values);
	const recordingsRoot = recordingsRootFrom(values.recordings);
	await ensurePbxSchema(target);
	const pool = createAdminPool(target);
	const lookups = await seedLookups(pool, target.database);
	await warnAboutLeftovers(pool, target.database);

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
		let stopping = false;
		const stop = (signal: string) => {
			if (stopping) return;
			stopping = true;
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
		process.once('SIGINT', () => stop('SIGINT'));
		process.once('SIGTERM', () => stop('SIGTERM'));
	});
	const c = simulator.counters;
	console.log(`stopped: ${c.started} started, ${c.closed} closed, ${c.errors} errors`);
}

/**
 * A simulator killed with SIGKILL leaves its rows in active_interactions, where they tick forever
 * on the dashboard. Say so, rather than guess whether another simulator still owns them.
 */
async function warnAboutLeftovers(
	pool: ReturnType<typeof createAdminPool>,
	database: string
): Promise<void> {
	const [rows] = await pool.query<RowDataPacket[]>(
		`SELECT COUNT(*) AS n FROM ${tableRef(database, 'active_interactions')}
		WHERE id >= ? AND updated_at < UTC_TIMESTAMP() - INTERVAL 1 HOUR`,
		[SIMULATOR_ID_FLOOR]
	);
	const stale = Number(rows[0].n);
	if (stale > 0) {
		console.warn(
			`note: ${stale} simulated interactions untouched for over an hour are still in ` +
				`active_interactions (an earlier run was killed?)`
		);
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
