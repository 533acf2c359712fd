/**
 * Fills closed_interactions with months of realistic history, for reports and history windows:
 *   npm run history -- [--rows 200000] [--days 90] [--reset] [--database pbxlogs]
 *                      [--url mysql://user:pass@127.0.0.1:3407] [--recordings .data/recordings]
 * Without --reset it does nothing when history rows already exist.
 */
import { parseArgs } from 'node:util';
import { generateHistory, type HistoryProgress } from './lib/history';
import {
	describe,
	numberFlag,
	openPbx,
	PBX_FLAGS,
	pbxSeed,
	recordingsRootFrom
} from './lib/pbx-cli';

const usage = `usage: npm run history -- [--rows 200000] [--days 90] [--reset] [--seed N]
       [--database pbxlogs] [--url mysql://user:pass@host:port] [--recordings .data/recordings]
       [--allow-binlog]   (write through the binlog if the account may not turn it off)`;

const count = new Intl.NumberFormat('en-US');

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			rows: { type: 'string' },
			days: { type: 'string' },
			reset: { type: 'boolean' },
			'allow-binlog': { type: 'boolean' },
			...PBX_FLAGS
		}
	});
	const seed = pbxSeed(values, usage);
	const rows = Math.floor(numberFlag('rows', values.rows, 200_000));
	const days = numberFlag('days', values.days, 90);
	const { target, pool, lookups } = await openPbx(values);
	try {
		console.error(`history: ${count.format(rows)} rows over ${days} days into ${describe(target)}`);
		const result = await generateHistory({
			pool,
			database: target.database,
			lookups,
			days,
			rows,
			recordingsRoot: recordingsRootFrom(values.recordings),
			reset: values.reset ?? false,
			allowBinlog: values['allow-binlog'] ?? false,
			seed,
			onProgress: progressBar(),
			onIndexes: ({ phase, restoreSql }) => {
				if (phase === 'dropped') {
					console.error(
						'history: secondary indexes dropped for the load, rebuilt at its end; ' +
							`should it be killed, restore them with:\n  ${restoreSql}`
					);
				} else console.error('history: rebuilding the secondary indexes');
			}
		});
		if (result.skipped) {
			console.error(
				`history: ${count.format(result.existing)} history rows already exist; ` +
					'nothing written (use --reset to replace them)'
			);
			return;
		}
		if (result.existing > 0) {
			console.error(
				`history: removed ${count.format(result.existing)} earlier history rows in ` +
					`${result.resetSeconds.toFixed(1)} s`
			);
		}
		const rate = Math.round(result.rows / Math.max(result.seconds, 0.001));
		const indexes =
			result.indexSeconds > 0
				? `, of which ${result.indexSeconds.toFixed(1)} s rebuilding indexes`
				: '';
		console.error(
			`history: ${count.format(result.rows)} rows and ${count.format(result.transcriptions)} ` +
				`transcriptions in ${result.seconds.toFixed(1)} s (${count.format(rate)} rows/s${indexes})`
		);
	} finally {
		await pool.end();
	}
}

/** A redrawn bar on a terminal; on a pipe or log file, one plain line per tenth instead. */
function progressBar(): (progress: HistoryProgress) => void {
	const tty = process.stderr.isTTY;
	let lastDraw = 0;
	let lastTenth = -1;
	return ({ rows, total, elapsedMs }) => {
		const done = rows >= total;
		const fraction = total > 0 ? rows / total : 1;
		const tenth = Math.floor(fraction * 10);
		if (tty ? !done && Date.now() - lastDraw < 100 : tenth === lastTenth) return;
		lastDraw = Date.now();
		lastTenth = tenth;
		const width = 30;
		const filled = Math.round(fraction * width);
		const perSecond = rows / Math.max(elapsedMs / 1000, 0.001);
		const line =
			`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ` +
			`${count.format(rows)}/${count.format(total)} rows ${Math.round(perSecond / 1000)}k rows/s`;
		if (tty) process.stderr.write(`\r${line}${done ? '\n' : ''}`);
		else process.stderr.write(`${line}\n`);
	};
}

main().catch((error: unknown) => {
	console.error(`\n${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
