import type { Browser } from '@playwright/test';
import { drainProbe, installProbe, launchChromium, openGrid, pageClockOffset } from './lib/browser';
import { tenantCrowd } from './lib/audience';
import { onCleanup } from './lib/cleanup';
import { startBenchCluster } from './lib/cluster';
import { targetsOf, type Context } from './lib/context';
import { insertActive } from './lib/bulk';
import { createAccounts, newStack, pbxPool, signIn } from './lib/env';
import { keyOf } from './lib/keys';
import { LoadProcess, settleFleet } from './lib/load';
import { fmt, now, sleep, summarize } from './lib/stats';
import { PacedWriter } from './lib/writer';
import type { FleetResult } from './live';

/**
 * Failover gap: 3 nodes behind HAProxy, Chromium on /interactions through HAProxy and a fleet
 * of Socket.IO clients spread over the nodes, a writer at 50 commits/s; the leader gets SIGKILL
 * mid-stream. The gap is from the kill to the first change committed after it reaching the
 * screen: painted in Chromium, received by each socket client. It includes the lease (the
 * killed leader's lease has to expire before another node may take it). Then the killed node
 * is started again and the next run kills whichever node leads.
 */

const RATE = 50;
const BEFORE_KILL_MS = 4_000;
const AFTER_KILL_S = 10;

export async function failoverSuite(ctx: Context): Promise<void> {
	const S = 'failover';
	const { db, options, report } = ctx;
	const stack = await newStack(db);
	const pool = pbxPool(db, stack.pbxDb, 8);
	const tenant = stack.lookups.tenants[0];
	const targets = targetsOf(stack.lookups, [tenant.id]);
	await insertActive(pool, { idBase: 9e9, count: 150, targets });
	await createAccounts(stack, [{ username: 'failover.admin', role: 'cc_admin', tenantId: tenant.id }]); // prettier-ignore
	let browser: Browser | null = null;
	const stopBrowser = onCleanup(async () => browser?.close());
	const sockets = new LoadProcess('failover-sockets');
	const stopSockets = onCleanup(() => sockets.stop());
	const bench = await startBenchCluster(stack, 'failover');
	const { cluster } = bench;
	try {
		const cookie = await signIn(cluster.url, 'failover.admin');
		browser = await launchChromium();
		ctx.chromiumVersion = browser.version();
		const page = await openGrid(browser, cluster.url, cookie);
		const count = Math.max(30, Math.round(options.clusterSockets / 2));
		const specs = await tenantCrowd(stack, 'failover.admin', tenant.id, count);
		await sockets.call('openSockets', { url: cluster.url, clients: specs, concurrency: 10 });

		// A leader that has run for a while: the first seconds of a fresh node (cold code, sockets
		// still subscribing) are slower and would count against the first failover.
		await new PacedWriter(pool, { idBase: 9.05e9, rate: RATE, seconds: 5, targets }).run();
		await sleep(1_000);
		const toLeader: number[] = [];
		const catchUpRates: number[] = [];
		const toPainted: number[] = [];
		const toPageSocket: number[] = [];
		const toClientMedian: number[] = [];
		const toClientMax: number[] = [];
		let expected = 0;
		let delivered = 0;
		let duplicates = 0;
		for (let run = 1; run <= options.failoverRuns; run++) {
			const leader = await cluster.settled(60_000);
			const appendedBefore = (await leader.health())?.seq ?? NaN;
			const writer = new PacedWriter(pool, {
				idBase: 9.1e9 + run * 1e7,
				rate: RATE,
				seconds: BEFORE_KILL_MS / 1000 + AFTER_KILL_S,
				targets
			});
			await installProbe(page);
			await drainProbe(page);
			const opened = await page.evaluate(() => (globalThis as unknown as { __benchWsOpened: number }).__benchWsOpened); // prettier-ignore
			const pageOffset = await pageClockOffset(page);
			const loadOffset = await sockets.clockOffset();
			await sockets.call('record', { space: writer.table.space });
			const writing = writer.run();
			await sleep(BEFORE_KILL_MS);
			ctx.log(`${S} ${run}/${options.failoverRuns}: SIGKILL ${leader.id} (the leader) at ${RATE} commits/s`); // prettier-ignore
			// How far the leader had come: what the new one must append before anything newer.
			const committed = writer.commits;
			const appended = (await leader.health())?.seq ?? NaN;
			const killedAt = now();
			await leader.kill();
			let newLeader: (typeof cluster.nodes)[number] | null = null;
			let seqAtLead = NaN;
			while (!newLeader && now() - killedAt < 30_000) {
				const health = await cluster.health();
				const index = health.findIndex((h, i) => h?.role === 'leader' && cluster.nodes[i] !== leader); // prettier-ignore
				if (index >= 0) {
					newLeader = cluster.nodes[index];
					seqAtLead = health[index]?.seq ?? NaN;
					toLeader.push(now() - killedAt);
				} else await sleep(25);
			}
			// The backlog the new leader found (what the old one had not appended, and what was
			// committed while the lease ran out), and how fast it appended it.
			const ledAt = now();
			const target = appendedBefore + writer.commits;
			let caughtUp = NaN;
			while (newLeader && now() - ledAt < 30_000) {
				const seq = (await newLeader.health())?.seq ?? 0;
				if (seq >= target) {
					caughtUp = now() - ledAt;
					break;
				}
				await sleep(20);
			}
			const backlog = target - seqAtLead;
			catchUpRates.push(backlog / (caughtUp / 1000));
			await writing;
			await settleFleet(sockets, 60_000);
			await sleep(1_000);
			const { paints, received } = await drainProbe(page);
			const reopened = await page.evaluate(() => (globalThis as unknown as { __benchWsOpened: number }).__benchWsOpened); // prettier-ignore
			await sockets.call('stopRecording');
			const { table } = writer;
			const fleet = await sockets.call<FleetResult>('fleetResults', { table, offsetMs: loadOffset }); // prettier-ignore
			const firsts = await sockets.call<number[]>('firstReceiptsAfter', { table, offsetMs: loadOffset, since: killedAt }); // prettier-ignore

			const after = (id: string, status: string) => table.acks[keyOf(table.space, id, status)] >= killedAt; // prettier-ignore
			let painted = NaN;
			for (const [id, status, dom, paint] of paints) {
				if (!after(id, status)) continue;
				const at = (paint || dom) - pageOffset;
				if (!(at >= painted)) painted = at;
			}
			let pageSocket = NaN;
			for (const [id, status, t] of received) {
				if (after(id, status) && !(t - pageOffset >= pageSocket)) pageSocket = t - pageOffset;
			}
			const clientGaps = summarize(firsts.filter((t) => !Number.isNaN(t)).map((t) => t - killedAt));
			toPainted.push(painted - killedAt);
			toPageSocket.push(pageSocket - killedAt);
			toClientMedian.push(clientGaps.median);
			toClientMax.push(clientGaps.max);
			expected += fleet.expected;
			delivered += fleet.delivered;
			duplicates += fleet.duplicates;
			report.detail(S, `run ${run}: killed ${leader.id}; ${newLeader?.id ?? 'no node'} led ${fmt(toLeader.at(-1))} ms later; first change committed after the kill painted in Chromium at +${fmt(painted - killedAt)} ms (page's WebSocket +${fmt(pageSocket - killedAt)} ms; the page ${reopened > opened ? 'was on the killed node and reconnected through HAProxy' : "kept its socket (its node survived)"}); socket clients got their first such change at +${fmt(clientGaps.median)} ms (median client), +${fmt(clientGaps.max)} ms (slowest of ${clientGaps.count}); ${fleet.delivered} of ${fleet.expected} deliveries, ${fleet.duplicates} duplicates, ${fleet.disconnects} disconnects, ${fleet.resnapshots} resumed by snapshot instead of replay; writer ${writer.commits} commits (${writer.failures} failed); at the kill ${committed} commits were acknowledged and the leader's log was at seq ${appended} (${fmt(appendedBefore)} before the run); the new leader found ${fmt(backlog)} commits to append and had them in ${fmt(caughtUp)} ms (${fmt(catchUpRates.at(-1))} commits/s).`); // prettier-ignore
			ctx.log(`${S} ${run}: gap ${fmt(painted - killedAt)} ms painted, ${fmt(clientGaps.median)} ms median client`); // prettier-ignore
			await leader.start();
		}
		const painted = summarize(toPainted);
		report.add({ suite: S, name: 'leader SIGKILL → new leader holds the lease (median of runs)', unit: 'ms', value: summarize(toLeader).median }); // prettier-ignore
		report.add({ suite: S, name: 'leader SIGKILL → first later change painted in Chromium (median of runs)', unit: 'ms', value: painted.median, target: '≤ 5,000 ms', met: painted.max <= 5_000 }); // prettier-ignore
		report.add({ suite: S, name: "leader SIGKILL → … reached the page's WebSocket (median of runs)", unit: 'ms', value: summarize(toPageSocket).median }); // prettier-ignore
		report.add({ suite: S, name: 'leader SIGKILL → … received by socket clients (median client, median of runs)', unit: 'ms', value: summarize(toClientMedian).median, target: '≤ 5,000 ms', met: Math.max(...toClientMax) <= 5_000 }); // prettier-ignore
		report.add({ suite: S, name: "new leader's catch-up: backlog appended per second (median of runs)", unit: '/s', value: summarize(catchUpRates).median }); // prettier-ignore
		report.add({ suite: S, name: 'socket deliveries across the failovers', unit: '%', value: (delivered / Math.max(1, expected)) * 100, target: '100%, 0 duplicates', met: delivered === expected && duplicates === 0 }); // prettier-ignore
		report.ratio(`failover: ${options.failoverRuns} leader SIGKILLs at ${RATE} commits/s with LEADER_LEASE_MS 3000; the first change committed after the kill was painted ${toPainted.map((v) => fmt(v)).join(', ')} ms after it (worst ${fmt(painted.max)} ms; target ≤ 5 s, lease included); a new leader held the lease after ${toLeader.map((v) => fmt(v)).join(', ')} ms; slowest socket client ${fmt(Math.max(...toClientMax))} ms`); // prettier-ignore
		report.detail(S, `Chromium and ${count} socket clients of one tenant through HAProxy (round robin over 3 nodes); met means every run within 5 s (the painted figure for Chromium, the slowest client for the sockets).`); // prettier-ignore
	} finally {
		await stopSockets();
		await stopBrowser();
		await bench.stop();
		await pool.end();
		await stack.destroy();
	}
}
