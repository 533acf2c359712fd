import type { BrowserContext } from '@playwright/test';
import { formatCount } from '../../src/lib/format';
import { startOfZonedDay } from '../../src/lib/time/zone';
import {
	alarms,
	maxLagMs,
	msUntil,
	openGrid,
	recordAlarms,
	recordLag,
	watchCatchUps,
	type CatchUps
} from '../support/hung-link';
import { pacedTraffic } from '../support/paced-traffic';
import { TestPbx } from '../support/pbx';
import { StallProxy } from '../support/stall-proxy';
import { expect, test } from '../support/wall';
import { expectBoardEqualsDb } from '../support/wall-board';
import { morningTraffic } from '../support/wall-pbx';

/**
 * A link that hangs without closing (Wi-Fi dropped, a NAT that forgot the connection, a hung
 * proxy), played by a TCP proxy between Chromium and the server that stops forwarding both ways.
 * Both live screens, /wall and /interactions, are open through it at once.
 */

const banner = () => document.querySelector('[data-testid="stale-banner"]') !== null;
const gridStale = () =>
	document.querySelector('[data-testid="connection-status"]')?.getAttribute('data-state') ===
	'stale';

test.describe('a hung link', () => {
	let proxy: StallProxy | null = null;
	let gridContext: BrowserContext | null = null;
	test.afterEach(async () => {
		await gridContext?.close();
		gridContext = null;
		await proxy?.close();
		proxy = null;
	});

	test('is admitted within 5 s on /wall and /interactions, dropped, and caught up by replay when it answers again', async ({
		page,
		browser,
		server,
		stack,
		tenant,
		pbx,
		token
	}, testInfo) => {
		proxy = await StallProxy.start(server.port);
		await server.start(0, { ORIGIN: proxy.url });
		const dayStart = startOfZonedDay(server.now(), tenant.timezone);
		await pbx.write(morningTraffic(tenant, server.now(), dayStart));

		// A context of its own, as another screen would be: Chromium lets one WebSocket handshake
		// at a time per endpoint and network context, and a held one would block the other page.
		gridContext = await browser.newContext();
		const grid = await gridContext.newPage();
		const wallSeen = watchCatchUps(page);
		const gridSeen = watchCatchUps(grid);
		await page.goto(`${proxy.url}/wall?token=${token}`);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
		await openGrid(grid, proxy.url, stack, tenant);
		// A reload would lose these: the recovery must happen in the same pages.
		for (const p of [page, grid]) await p.evaluate(() => ((window as { marker?: number }).marker = 42)); // prettier-ignore

		const stalledAt = Date.now();
		proxy.stall();
		const [wallMs, gridMs] = await Promise.all([
			msUntil(page, stalledAt, banner, 6_000),
			msUntil(grid, stalledAt, gridStale, 6_000)
		]);
		expect(wallMs).toBeLessThanOrEqual(5_000);
		expect(gridMs).toBeLessThanOrEqual(5_000);
		await expect(grid.getByTestId('connection-status')).toHaveText(
			/Stale — not updated since \d\d:\d\d:\d\d/
		);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'stale');

		// The PBX goes on meanwhile, and both pages give up the dead socket and dial again by
		// themselves (the new connection is held by the stalled proxy, like the old one).
		const sql = new TestPbx(stack.admin, stack.pbxDb);
		const ids = pbx.nextIds(3);
		for (const id of ids) await sql.insertNew({ id, tenantId: tenant.id, queueId: tenant.queues[1].id }); // prettier-ignore
		await sql.answer(ids[0], tenant.agents[0].id);
		await stack.pbx("DELETE FROM active_interactions WHERE status = 'acw' ORDER BY id LIMIT 2");
		// Stale at 4 s of silence, then 2 s for the probe: a new socket by 6 s after the last word.
		const redial = (seen: CatchUps) =>
			expect.poll(() => seen.sockets, { timeout: 8_000, intervals: [100] }).toBe(2);
		await Promise.all([redial(wallSeen), redial(gridSeen)]);
		const redialMs = Date.now() - stalledAt;
		expect(redialMs).toBeLessThan(7_000);
		await page.waitForTimeout(Math.max(0, stalledAt + 7_000 - Date.now()));

		const resumedAt = Date.now();
		proxy.resume();
		const [wallBackMs, gridBackMs] = await Promise.all([
			msUntil(page, resumedAt, () => !document.querySelector('[data-testid="stale-banner"]'), 15_000), // prettier-ignore
			msUntil(grid, resumedAt, () => document.querySelector('[data-testid="connection-status"]')?.getAttribute('data-state') === 'live', 15_000) // prettier-ignore
		]);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
		await expectBoardEqualsDb(page, stack, tenant, dayStart);
		const expected = await stack.databaseView(tenant);
		await expect(grid.getByTestId('row-count')).toHaveText(
			`${formatCount(expected.size)} interactions · live`
		);
		await expect(grid.locator(`tr[data-id="${ids[0]}"]`)).toHaveAttribute('data-status', 'active');
		await expect(grid.locator(`tr[data-id="${ids[2]}"]`)).toHaveAttribute('data-status', 'new');
		// Short gap, kept changes: each page resumed by replay, with no second snapshot.
		for (const seen of [wallSeen, gridSeen]) {
			expect(seen).toMatchObject({ snapshots: 1, replays: 1 });
		}
		for (const p of [page, grid]) {
			expect(await p.evaluate(() => (window as { marker?: number }).marker)).toBe(42);
		}
		const figures = { wallMs, gridMs, redialMs, wallBackMs, gridBackMs, wallSeen, gridSeen };
		console.log('hung link', JSON.stringify(figures));
		await testInfo.attach('hung-link.json', { body: JSON.stringify(figures, null, 2), contentType: 'application/json' }); // prettier-ignore
	});

	test('on a healthy link, 60 s at 200 commits/s raise no alarm on either screen', async ({
		page,
		browser,
		server,
		stack,
		tenant,
		pbx,
		token
	}, testInfo) => {
		test.setTimeout(180_000);
		proxy = await StallProxy.start(server.port);
		await server.start(0, { ORIGIN: proxy.url });
		const dayStart = startOfZonedDay(server.now(), tenant.timezone);
		// A context of its own, as another screen would be: Chromium lets one WebSocket handshake
		// at a time per endpoint and network context, and a held one would block the other page.
		gridContext = await browser.newContext();
		const grid = await gridContext.newPage();
		const wallSeen = watchCatchUps(page);
		const gridSeen = watchCatchUps(grid);
		await recordLag(page);
		await recordLag(grid);
		await page.goto(`${proxy.url}/wall?token=${token}`);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
		await openGrid(grid, proxy.url, stack, tenant);
		await recordAlarms(page);
		await recordAlarms(grid);

		const traffic = await pacedTraffic(stack, tenant, pbx, { rate: 200, seconds: 60 });
		expect(traffic.commits).toBe(12_000);
		const lag = { wall: await maxLagMs(page), grid: await maxLagMs(grid) };
		const found = { wall: await alarms(page), grid: await alarms(grid) };
		console.log('healthy link', JSON.stringify({ ...traffic, maxLagMs: lag, wallSeen, gridSeen }));
		// Behind by more than the deadline means a starved browser (see recordLag), not this code.
		expect(found, `pages behind the server by up to ${JSON.stringify(lag)} ms`).toEqual({
			wall: [],
			grid: []
		});
		// Not even a silent redial: one socket each, all along.
		expect([wallSeen.sockets, gridSeen.sockets]).toEqual([1, 1]);
		await expectBoardEqualsDb(page, stack, tenant, dayStart, 30_000);
		const expected = await stack.databaseView(tenant);
		await expect(grid.getByTestId('row-count')).toHaveText(
			`${formatCount(expected.size)} interactions · live`,
			{
				timeout: 30_000
			}
		);
		const figures = { ...traffic, maxLagMs: lag, wallSeen, gridSeen };
		await testInfo.attach('healthy-link.json', { body: JSON.stringify(figures, null, 2), contentType: 'application/json' }); // prettier-ignore
	});
});
