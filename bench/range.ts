import os from 'node:os';
import type { RowDataPacket } from 'mysql2/promise';
import { generateHistory } from '../scripts/lib/history';
import { msToSqlTime } from '../src/lib/server/db/time';
import { addDays, formatZonedDate, zonedDateOf, zonedMidnight } from '../src/lib/time/zone';
import { onCleanup } from './lib/cleanup';
import type { Context } from './lib/context';
import { createAccounts, newStack, signIn } from './lib/env';
import { launchChromium } from './lib/browser';
import { rangeSwitch } from './range-switch';
import { ServerProcess } from './lib/server';
import { fmt, summarize } from './lib/stats';

/**
 * Issue 24's figures: GET /api/insight (figures, volume chart, queue and agent tables, heat map:
 * the whole picture in one request) over N closed interactions spread over 180 days, as the
 * Contact Center Admin of one tenant, for ranges ending yesterday in its zone, each read from the
 * range rollups (after the server's backfill at start) and from closed_interactions' rows (with
 * the PBX's recommended reporting indexes, pbxlogs.sql) side by side; HTTP round trips on
 * loopback to the production server.
 */

const DAYS = 180;

export async function rangeSuite(ctx: Context): Promise<void> {
	const S = 'range';
	const { db, options, report } = ctx;
	const stack = await newStack(db);
	const tenant = stack.lookups.tenants[0];
	ctx.log(`${S}: loading ${fmt(options.rangeRows)} closed interactions over ${DAYS} days`);
	let lastLog = 0;
	const loaded = await generateHistory({
		pool: stack.admin,
		database: stack.pbxDb,
		lookups: stack.lookups,
		days: DAYS,
		rows: options.rangeRows,
		recordingsRoot: '/tmp/il-bench-range-recordings',
		reset: true,
		onProgress: ({ rows, total, elapsedMs }) => {
			if (rows - lastLog < total / 10 && rows < total) return;
			lastLog = rows;
			ctx.log(`${S}: ${fmt(rows)} rows in ${(elapsedMs / 1000).toFixed(0)} s`);
		},
		onIndexes: ({ phase }) => ctx.log(`${S}: secondary indexes ${phase}`)
	});
	ctx.log(
		`${S}: loaded in ${loaded.seconds.toFixed(0)} s (indexes ${loaded.indexSeconds.toFixed(0)} s)`
	);
	await stack.pbx('ANALYZE TABLE closed_interactions');
	const today = zonedDateOf(Date.now(), tenant.timezone);
	const span = (days: number) => ({
		from: formatZonedDate(addDays(today, -days)),
		to: formatZonedDate(addDays(today, -1)),
		fromMs: zonedMidnight(addDays(today, -days), tenant.timezone),
		toMs: zonedMidnight(today, tenant.timezone)
	});
	const rowsIn = async (days: number) => {
		const { fromMs, toMs } = span(days);
		const [[row]] = await stack.admin.query<RowDataPacket[]>(
			`SELECT COUNT(*) AS n FROM ${stack.pbxDb}.closed_interactions
			  WHERE tenant_id = ? AND created_at >= ? AND created_at < ?`,
			[tenant.id, msToSqlTime(fromMs), msToSqlTime(toMs)]
		);
		return Number(row.n);
	};
	report.detail(S, `Loaded ${fmt(loaded.rows)} closed interactions over ${DAYS} days in ${loaded.seconds.toFixed(0)} s (\`npm run history\`'s loader: rows generated in worker threads, the secondary indexes dropped and rebuilt after, which took ${loaded.indexSeconds.toFixed(0)} s of it; load average ${os.loadavg()[0].toFixed(1)} at its end), 3 tenants; ${tenant.name} (${tenant.timezone}) has ${fmt(await rowsIn(90))} of them in the 90 days and ${fmt(await rowsIn(1))} in the day before today.`); // prettier-ignore
	await createAccounts(stack, [
		{ username: 'range.admin', role: 'cc_admin', tenantId: tenant.id },
		{ username: 'range.super', role: 'cc_supervisor', tenantId: tenant.id, queueIds: tenant.queues.slice(0, 2).map((q) => q.id) } // prettier-ignore
	]);
	const server = new ServerProcess({ ...stack.env, HISTORY_QUERY_TIMEOUT_SECONDS: '120' }, S);
	const stopServer = onCleanup(() => server.stop());
	try {
		await server.start();
		const admin = await signIn(server.url, 'range.admin');
		const supervisor = await signIn(server.url, 'range.super');
		const fetchPicture = async (query: string, cookie: string) => {
			const response = await fetch(`${server.url}/api/insight?${query}`, { headers: { cookie } });
			if (!response.ok) throw new Error(`GET /api/insight?${query}: HTTP ${response.status}`);
			return (await response.json()) as { readFrom: string };
		};
		const get = async (query: string, cookie: string) => {
			const started = performance.now();
			await fetchPicture(query, cookie);
			return performance.now() - started;
		};
		// The server backfills the range rollups at its first start: wait until the 90 days read them.
		const built = performance.now();
		const longest = span(90);
		for (;;) {
			const picture = await fetchPicture(
				`range=custom&from=${longest.from}&to=${longest.to}`,
				admin
			);
			if (picture.readFrom === 'rollups') break;
			if (performance.now() - built > 30 * 60_000)
				throw new Error('range rollups not built in 30 min');
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
		const builtSeconds = (performance.now() - built) / 1000;
		report.detail(S, `Range rollups backfilled by the server at its first start, in the background, until the 90-day picture read them only: ${builtSeconds.toFixed(0)} s (${fmt(options.rangeRows)} rows, 3 tenants, 180 days each).`); // prettier-ignore
		ctx.log(`${S}: rollups built in ${builtSeconds.toFixed(0)} s`);
		const cases: [string, number, string, string, number | null][] = [
			['1 day (yesterday), no filter', 1, '', admin, 50],
			['7 days, no filter', 7, '', admin, null],
			['30 days, no filter', 30, '', admin, null],
			['90 days, no filter', 90, '', admin, 300],
			['90 days, one queue', 90, `&queue=${tenant.queues[0].id}`, admin, null],
			['90 days, supervisor of 2 queues', 90, '', supervisor, null]
		];
		const repeat = options.quick ? 3 : 10;
		// The rows take seconds a request at this scale: fewer of them (the p95 of 5 is their worst).
		// Past 3M rows a 90-day picture from the rows takes a minute or more: one request each, no
		// warm-up, and only the unfiltered 90 days (a bounded run).
		const big = options.rangeRows > 3_000_000;
		const rowsRepeat = options.quick || big ? 1 : 5;
		// Side by side: the rollups, and the same picture from the rows (`status=closed` selects every
		// row of closed_interactions, and the rollups leave a status filter to the rows).
		for (const [name, days, extra, cookie, target] of cases) {
			const { from, to } = span(days);
			for (const [source, suffix] of [
				['rollups', ''],
				['rows', '&status=closed']
			] as const) {
				if (source === 'rows' && big && days === 90 && (extra !== '' || cookie !== admin)) continue;
				const query = `range=custom&from=${from}&to=${to}${extra}${suffix}`;
				const times: number[] = [];
				try {
					const warm = source === 'rows' && big ? null : await fetchPicture(query, cookie);
					if (warm && warm.readFrom !== source) throw new Error(`${query}: read from ${warm.readFrom}`); // prettier-ignore
					const n = source === 'rollups' ? repeat : rowsRepeat;
					for (let i = 0; i < n; i++) times.push(await get(query, cookie));
				} catch (error) {
					if (source === 'rollups') throw error;
					report.detail(S, `${name} from the rows: not measured (${String(error)}).`);
					continue;
				}
				const s = summarize(times);
				const goal = source === 'rollups' ? target : null;
				report.dist(
					S,
					`picture from ${source}, ${name}`,
					'ms',
					s,
					goal === null ? undefined : `p95 ≤ ${goal}`,
					goal === null ? undefined : s.p95 <= goal
				);
				ctx.log(`${S}: ${name} from ${source}: median ${fmt(s.median)} ms, p95 ${fmt(s.p95)} ms`);
			}
		}
		report.detail(S, `Each case and source: 1 warm-up request, then ${repeat} sequential requests of the whole picture from the rollups, ${rowsRepeat} from the rows (one SQL statement, one pass over the range's rows). From the rollups: one statement (the marks, the day rollups for daily intervals or the 15-minute slots, the agents' day rollup summed, as one UNION ALL) beside the goals' read.${big ? ' Past 3M rows the rows answer once each, without a warm-up, and the filtered 90-day cases are not asked of them.' : ''}`); // prettier-ignore
		const [sizes] = await stack.admin.query<RowDataPacket[]>(
			`SELECT (SELECT COUNT(*) FROM ${stack.dashDb}.range_rollup_slots WHERE tenant_id = ?) AS slots,
			        (SELECT COUNT(*) FROM ${stack.dashDb}.range_rollup_days WHERE tenant_id = ?) AS days,
			        (SELECT COUNT(*) FROM ${stack.dashDb}.range_rollup_agents WHERE tenant_id = ?) AS agents`,
			[tenant.id, tenant.id, tenant.id]
		);
		report.detail(S, `${tenant.name}'s rollups over the 180 days: ${fmt(Number(sizes[0].slots))} slot rows, ${fmt(Number(sizes[0].days))} day rows, ${fmt(Number(sizes[0].agents))} agent-day rows.`); // prettier-ignore
		const browser = await launchChromium();
		try {
			await rangeSwitch(ctx, browser, server.url, admin, options.quick ? 3 : 8);
			report.detail(S, `Range switch: ${tenant.name} has ${fmt(await rowsIn(30))} rows in the last 30 days; the grid's first page (limit 200) and the picture are two requests made together.`); // prettier-ignore
		} catch (error) {
			report.detail(S, `Range switch in Chromium not measured: ${String(error)}`);
		} finally {
			await browser.close();
		}
	} finally {
		await stopServer();
		await stack.destroy();
	}
}
