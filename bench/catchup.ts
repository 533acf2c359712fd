import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { createApp } from '../src/lib/server/app';
import { lifecycleBurst } from './lib/bulk';
import { targetsOf, type Context } from './lib/context';
import { atOrAfter, binlogEnd, newStack, pbxPool } from './lib/env';
import { rawDecode } from './lib/floor';
import { now, sleep } from './lib/stats';

/**
 * Catch-up: with the in-process app's tailer stopped, commit N single-interaction changes;
 * start it; time until the live state holds everything (its checkpoint reaches the end of the
 * span), then check the state against SQL. The raw zongji decode of the same span, measured
 * twice around it, is the reference.
 */
/** Issue 12: catching up runs at least this fraction of the bare zongji decode rate. */
const MIN_RAW_RATIO = 0.8;

export async function catchupSuite(ctx: Context): Promise<void> {
	const S = 'catch-up';
	const { db, report, options } = ctx;
	const stack = await newStack(db);
	const pool = pbxPool(db, stack.pbxDb, 4);
	const app = await createApp(stack.env);
	try {
		await sleep(500);
		await app.live.supervisor.stop();
		const from = await binlogEnd(pool);
		const interactions = Math.ceil(options.catchupChanges / 4);
		ctx.log(`${S}: tailer stopped; committing ${interactions * 4} changes`);
		const burst = await lifecycleBurst(pool, {
			idBase: 2_000_000_000,
			interactions,
			targets: targetsOf(stack.lookups)
		});
		const to = await binlogEnd(pool);
		report.detail(S, `Wrote ${burst.commits} commits (one interaction change each: 4 per lifecycle, the close = delete + insert in one transaction) in ${burst.seconds.toFixed(1)} s (${Math.round(burst.commits / burst.seconds)} commits/s), binlog ${from.filename}:${from.position} → ${to.position}.`); // prettier-ignore

		const raw1 = await rawDecode(db, stack.pbxDb, from, to);
		let applied = 0;
		let doneAt = 0;
		let firstAt = 0;
		const done = new Promise<void>((resolve) => {
			// Read from the entry itself: a promise per entry would be the bench's cost, not the app's.
			const off = app.live.changeLog.subscribe(({ changes, origin }) => {
				firstAt ||= now();
				applied += changes.length;
				if (!doneAt && origin && atOrAfter(origin.checkpoint, to)) {
					doneAt = now();
					off();
					resolve();
				}
			});
		});
		const profiler = await startProfile();
		const cpu = process.cpuUsage();
		const started = now();
		app.live.supervisor.start();
		await Promise.race([done, sleep(300_000)]);
		await profiler?.stop();
		if (!doneAt) throw new Error(`catch-up did not finish in 300 s (${applied} changes applied)`);
		const seconds = (doneAt - started) / 1000;
		const used = process.cpuUsage(cpu);
		const cpuPercent = ((used.user + used.system) / 1e6 / seconds) * 100;

		let equal = true;
		let compared = 0;
		for (const tenant of stack.lookups.tenants) {
			const want = await stack.databaseView(tenant);
			const have = new Map(app.live.state.rows(tenant.id).map((r) => [r.id, r.status as string]));
			compared += want.size;
			if (want.size !== have.size || [...want].some(([id, s]) => have.get(id) !== s)) equal = false;
		}
		const raw2 = await rawDecode(db, stack.pbxDb, from, to);

		const rate = applied / seconds;
		const rawRates = [raw1, raw2].map((r) => r.commits / r.seconds);
		const rawRate = (rawRates[0] + rawRates[1]) / 2;
		report.add({ suite: S, name: 'catch-up applied (live state = database)', unit: 'changes/s', value: rate, target: '≥ 100,000/s', met: rate >= 100_000 }); // prettier-ignore
		report.add({ suite: S, name: 'raw zongji decode of the same span', unit: 'commits/s', value: rawRate }); // prettier-ignore
		report.add({ suite: S, name: 'catch-up rate / raw decode rate', unit: '', value: rate / rawRate, target: `≥ ${MIN_RAW_RATIO}`, met: rate / rawRate >= MIN_RAW_RATIO }); // prettier-ignore
		report.add({ suite: S, name: 'live state equals SQL after catch-up', unit: '', value: equal ? 1 : 0, target: '1 (yes)', met: equal }); // prettier-ignore
		report.ratio(`catch-up ${Math.round(rate)} changes/s = ${(rate / rawRate).toFixed(2)} × the raw zongji decode rate (${Math.round(rawRate)} commits/s) of the same binlog span`); // prettier-ignore
		report.detail(S, `Applied ${applied} changes in ${seconds.toFixed(2)} s after supervisor.start() (connect included: the first change was applied after ${(firstAt - started).toFixed(0)} ms); bench process CPU ${cpuPercent.toFixed(0)}% of one core meanwhile.`); // prettier-ignore
		report.detail(S, `Raw zongji (bare listener, same includeEvents/includeSchema): ${raw1.commits} commits / ${raw1.rows} rows in ${raw1.seconds.toFixed(2)} s before, ${raw2.seconds.toFixed(2)} s after (${rawRates.map((r) => Math.round(r)).join(' and ')} commits/s; ${Math.round(raw1.rows / raw1.seconds)} rows/s).`); // prettier-ignore
		report.detail(S, `Live state vs SQL (active rows + today's closed, per tenant): ${equal ? 'equal' : 'DIFFERENT'} over ${compared} rows.`); // prettier-ignore
	} finally {
		await app.stop();
		await pool.end();
		await stack.destroy();
	}
}

/**
 * With BENCH_CPU_PROFILE_DIR set, a CPU profile of the catch-up alone (the app runs in this
 * process here), written there as catchup.cpuprofile.
 */
async function startProfile(): Promise<{ stop(): Promise<void> } | null> {
	const dir = process.env.BENCH_CPU_PROFILE_DIR;
	if (!dir) return null;
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.start');
	return {
		async stop() {
			const { profile } = await session.post('Profiler.stop');
			writeFileSync(path.join(dir, 'catchup.cpuprofile'), JSON.stringify(profile));
			session.disconnect();
		}
	};
}
