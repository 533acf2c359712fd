import type { Page } from '@playwright/test';
import { PbxWriter } from '../scripts/lib/pbx-writes';
import { adminPool } from '../scripts/lib/sandbox';
import { AlertRuleStore } from '../src/lib/server/alerts/rules-store';
import { launchChromium, openGrid, pageClockOffset } from './lib/browser';
import { onCleanup } from './lib/cleanup';
import type { Context } from './lib/context';
import { createAccounts, newStack, signIn } from './lib/env';
import { ServerProcess } from './lib/server';
import { fmt, now, sleep, summarize } from './lib/stats';

/**
 * Issue 23: a breach committed in the PBX database → its toast painted on a supervisor's
 * /interactions in Debian's Chromium, through the production server: the binlog, the evaluator
 * (a rule "more than one waiting, for 1 s", channel screens), the alert row, the dashboard
 * binlog, `alerts:changed` on the page's socket, the toast. Each breach is two New interactions
 * in one commit, cleared by answering them before the next. The commit is stamped when MariaDB
 * acknowledges it; the paint at the end of the first frame that shows the toast (a message
 * posted from a requestAnimationFrame callback runs after that frame's paint), in the page's
 * clock corrected to ours. Target: p99 ≤ 1.2 s, the rule's 1 s included.
 */

const S = 'alert toasts';
const MIN_DURATION_MS = 1000;
const TARGET_MS = 1200;

export async function alertToastsSuite(ctx: Context): Promise<void> {
	const { db, options, report } = ctx;
	const breaches = options.quick ? 8 : 30;
	const stack = await newStack(db);
	const dashboard = adminPool(db.port, { database: stack.dashDb, connectionLimit: 2 });
	const pbx = new PbxWriter(stack.admin, stack.pbxDb);
	const tenant = stack.lookups.tenants[0];
	const queue = tenant.queues[0];
	await createAccounts(stack, [{ username: 'bench.toasts', role: 'cc_supervisor', tenantId: tenant.id, queueIds: [queue.id] }]); // prettier-ignore
	const server = new ServerProcess(stack.env, 'alert-toasts');
	const stopServer = onCleanup(() => server.stop());
	const browser = await launchChromium();
	const stopBrowser = onCleanup(() => browser.close());
	try {
		await server.start();
		await new AlertRuleStore(dashboard).create(
			tenant.id,
			{ queueId: queue.id, metric: 'waiting-count', level: 'critical', threshold: 1, minDurationSeconds: MIN_DURATION_MS / 1000, clearThreshold: 0, clearDurationSeconds: 0, channels: ['screens'], enabled: true }, // prettier-ignore
			0
		);
		await sleep(6_000); // the evaluator reads its rules every 5 s
		const page = await openGrid(browser, server.url, await signIn(server.url, 'bench.toasts'));
		ctx.chromiumVersion ??= browser.version();
		await installToastProbe(page);
		const offset = await pageClockOffset(page);
		const latencies: number[] = [];
		for (let i = 0; i < breaches; i++) {
			const ids = [9.8e9 + 2 * i, 9.8e9 + 2 * i + 1];
			const rows = ids.map((id) => ({ id, uniqueid: `toast-bench-${id}`, tenantId: tenant.id, queueId: queue.id, channel: 'voice' as const, phoneNumber: '+15550100', did: '+15550999', createdMs: Date.now() })); // prettier-ignore
			await pbx.insertActive(rows);
			const committed = now();
			const painted = await nextToastPainted(page, i);
			latencies.push(painted - offset - committed);
			for (const id of ids) await pbx.answer(id, tenant.agents[0].id);
			// Cleared: the toast leaves, and the next breach is a new alert.
			await page.locator('[data-testid="alert-toast"]').waitFor({ state: 'detached', timeout: 30_000 }); // prettier-ignore
		}
		const s = summarize(latencies);
		report.dist(S, 'breach committed → toast painted', 'ms', s, `p99 ≤ ${TARGET_MS} ms (1 s rule included)`, s.p99 <= TARGET_MS); // prettier-ignore
		report.detail(S, `${breaches} breaches, one at a time, on a supervisor's /interactions (${browser.version()}); rule: waiting > 1 for ${MIN_DURATION_MS} ms, channel screens only. Beyond the rule's own second: median ${fmt(s.median - MIN_DURATION_MS)} ms, p99 ${fmt(s.p99 - MIN_DURATION_MS)} ms.`); // prettier-ignore
	} finally {
		await stopBrowser();
		await stopServer();
		await dashboard.end();
		await stack.destroy();
	}
}

/** Notes, in the page, the end of the first frame that paints each new toast. */
async function installToastProbe(page: Page): Promise<void> {
	await page.evaluate(() => {
		const painted: number[] = [];
		(window as unknown as { __toasts: number[] }).__toasts = painted;
		const clock = () => performance.timeOrigin + performance.now();
		const channel = new MessageChannel();
		channel.port1.onmessage = () => painted.push(clock());
		const seen = new Set<string>();
		const list = document.querySelector('[data-testid="alert-toasts"]');
		if (!list) throw new Error('no toast region on the page');
		new MutationObserver(() => {
			const fresh = [...list.querySelectorAll<HTMLElement>('[data-alert]')].filter(
				(toast) => !seen.has(toast.dataset.alert ?? '')
			);
			if (fresh.length === 0) return;
			for (const toast of fresh) seen.add(toast.dataset.alert ?? '');
			requestAnimationFrame(() => channel.port2.postMessage(0));
		}).observe(list, { subtree: true, childList: true });
	});
}

/** The page-clock time the `index`-th toast was painted. */
async function nextToastPainted(page: Page, index: number): Promise<number> {
	await page.waitForFunction(
		(i) => (window as unknown as { __toasts: number[] }).__toasts.length > i,
		index,
		{ timeout: 30_000, polling: 50 }
	);
	return page.evaluate((i) => (window as unknown as { __toasts: number[] }).__toasts[i], index);
}
