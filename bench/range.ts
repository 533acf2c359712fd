import type { RowDataPacket } from 'mysql2/promise';
import { generateHistory } from '../scripts/lib/history';
import { msToSqlTime } from '../src/lib/server/db/time';
import { addDays, formatZonedDate, zonedDateOf, zonedMidnight } from '../src/lib/time/zone';
import { onCleanup } from './lib/cleanup';
import type { Context } from './lib/context';
import { createAccounts, newStack, signIn } from './lib/env';
import { ServerProcess } from './lib/server';
import { fmt, summarize } from './lib/stats';

/**
 * Issue 24's figures: GET /api/insight (figures, volume chart, queue and agent tables, heat map:
 * the whole picture in one request) over N closed interactions spread over 180 days, as the
 * Contact Center Admin of one tenant, for ranges ending yesterday in its zone. Plain SQL over
 * closed_interactions with the PBX's recommended reporting indexes (pbxlogs.sql); HTTP round
 * trips on loopback to the production server.
 */

const DAYS = 180;

export async function rangeSuite(ctx: Context): Promise<void> {
	const S = 'range';
	const { db, options, report } = ctx;
	const stack = await newStack(db);
	const tenant = stack.lookups.tenants[0];
	ctx.log(`${S}: loading ${fmt(options.rangeRows)} closed interactions over ${DAYS} days`);
	const loaded = await generateHistory({
		pool: stack.admin,
		database: stack.pbxDb,
		lookups: stack.lookups,
		days: DAYS,
		rows: options.rangeRows,
		recordingsRoot: '/tmp/il-bench-range-recordings',
		reset: true
	});
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
	report.detail(S, `Loaded ${fmt(loaded.rows)} closed interactions over ${DAYS} days in ${loaded.seconds.toFixed(0)} s, 3 tenants; ${tenant.name} (${tenant.timezone}) has ${fmt(await rowsIn(90))} of them in the 90 days and ${fmt(await rowsIn(1))} in the day before today.`); // prettier-ignore
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
		const get = async (query: string, cookie: string) => {
			const started = performance.now();
			const response = await fetch(`${server.url}/api/insight?${query}`, { headers: { cookie } });
			await response.arrayBuffer();
			if (!response.ok) throw new Error(`GET /api/insight?${query}: HTTP ${response.status}`);
			return performance.now() - started;
		};
		const cases: [string, number, string, string, number | null][] = [
			['1 day (yesterday), no filter', 1, '', admin, 50],
			['7 days, no filter', 7, '', admin, null],
			['30 days, no filter', 30, '', admin, null],
			['90 days, no filter', 90, '', admin, 300],
			['90 days, one queue', 90, `&queue=${tenant.queues[0].id}`, admin, null],
			['90 days, supervisor of 2 queues', 90, '', supervisor, null]
		];
		const repeat = options.quick ? 3 : 10;
		for (const [name, days, extra, cookie, target] of cases) {
			const { from, to } = span(days);
			const query = `range=custom&from=${from}&to=${to}${extra}`;
			await get(query, cookie);
			const times: number[] = [];
			for (let i = 0; i < repeat; i++) times.push(await get(query, cookie));
			const s = summarize(times);
			report.dist(
				S,
				`picture, ${name}`,
				'ms',
				s,
				target === null ? undefined : `p95 ≤ ${target}`,
				target === null ? undefined : s.p95 <= target
			);
			ctx.log(`${S}: ${name}: median ${fmt(s.median)} ms, p95 ${fmt(s.p95)} ms`);
		}
		report.detail(S, `Each case: 1 warm-up request, then ${repeat} sequential requests of the whole picture (one SQL statement, one pass over the range's rows).`); // prettier-ignore
	} finally {
		await stopServer();
		await stack.destroy();
	}
}
