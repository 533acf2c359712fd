import { mintWallToken } from '../../scripts/lib/accounts';
import { startOfZonedDay } from '../../src/lib/time/zone';
import { expect, test } from '../support/wall';
import { expectBoardEqualsDb } from '../support/wall-board';
import { screenshot } from '../support/wall-page';
import { morningTraffic } from '../support/wall-pbx';

test.describe('wall display', () => {
	test('stopping the server shows the stale banner within 5 s; restarting it recovers by itself', async ({
		page,
		server,
		stack,
		tenant,
		pbx,
		startMorning,
		openWall
	}, testInfo) => {
		const dayStart = await startMorning();
		await page.setViewportSize({ width: 1920, height: 1080 });
		await openWall(page);
		await expectBoardEqualsDb(page, stack, tenant, dayStart);
		const clients = page.locator('li.row[data-id] [data-testid="client"]');
		const named = async () => (await clients.allTextContents()).filter((c) => c !== '—');
		expect((await named()).length).toBeGreaterThan(0);
		// A reload would lose this: the recovery must happen in the same page.
		await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

		const stoppedAt = Date.now();
		await server.stop();
		await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: 5_000 });
		expect(Date.now() - stoppedAt).toBeLessThan(5_000);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'stale');
		// Disconnected, the board no longer shows who is calling (the rows stay, dimmed).
		expect(await named()).toEqual([]);
		// Timers stop pretending: the longest wait does not tick on while nothing is known. They
		// stop at the last message from the first stale frame on (dataTime), so the value read
		// as soon as the banner shows is final: no race with the board's next clock tick.
		const timer = page.getByTestId('time-in-status').first();
		const frozen = await timer.textContent();
		await page.waitForTimeout(2_200);
		expect(await timer.textContent()).toBe(frozen);
		await screenshot(page, testInfo, 'wall-stale-1920x1080');

		// The PBX goes on while the server is down: answers, closes, new calls.
		const now = Date.now();
		const waiting = await stack.pbxRows<{ id: string }>(
			"SELECT id FROM active_interactions WHERE status = 'new' ORDER BY id LIMIT 3"
		);
		const agentId = tenant.agents[0].id;
		await pbx.run(pbx.sql.answer(waiting.map((r) => ({ id: Number(r.id), agentId, atMs: now }))));
		await stack.pbx("DELETE FROM active_interactions WHERE status = 'acw' ORDER BY id LIMIT 2");
		await pbx.write([
			{ queue: tenant.queues[2].id, createdMs: now - 5_000 },
			{
				queue: tenant.queues[3].id,
				createdMs: now - 90_000,
				answeredMs: now - 80_000,
				acwMs: now - 20_000,
				closedMs: now - 1_000
			}
		]);

		await server.start();
		await expect(page.getByTestId('stale-banner')).toBeHidden({ timeout: 20_000 });
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
		await expectBoardEqualsDb(page, stack, tenant, dayStart);
		expect((await named()).length).toBeGreaterThan(0);
		expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
	});

	test('a server that hangs with its socket open is called stale; live again when it speaks', async ({
		page,
		server,
		openWall
	}) => {
		await server.start(0);
		await openWall(page);
		server.freeze();
		const frozenAt = Date.now();
		await page.waitForFunction(
			() => document.querySelector('[data-testid="stale-banner"]') !== null,
			null,
			{ polling: 50, timeout: 8_000 }
		);
		// The feed's deadline (4 s of silence), not Socket.IO's ping timeout (18 s).
		expect(Date.now() - frozenAt).toBeLessThanOrEqual(5_000);
		server.thaw();
		await expect(page.getByTestId('stale-banner')).toBeHidden({ timeout: 10_000 });
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
	});

	test('a frozen background tab comes back current when it is shown again', async ({
		page,
		server,
		stack,
		tenant,
		pbx,
		openWall
	}) => {
		await server.start(0);
		const dayStart = startOfZonedDay(server.now(), tenant.timezone);
		await openWall(page);
		const cdp = await page.context().newCDPSession(page);
		// What Chrome does to a tab in the background for long: no timers, no frames, no JS.
		await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
		await pbx.write(morningTraffic(tenant, server.now(), dayStart));
		await new Promise((resolve) => setTimeout(resolve, 6_000));
		await cdp.send('Page.setWebLifecycleState', { state: 'active' });
		await expectBoardEqualsDb(page, stack, tenant, dayStart, 5_000);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
	});

	test('a revoked token stops the board, says so and takes callers off the screen', async ({
		page,
		server,
		stack,
		tenant,
		pbx
	}) => {
		await server.start(0);
		const now = server.now();
		// Three in progress: one named from the CRM, one by its number alone (id % 3 === 0).
		await pbx.write(
			[0, 1, 2].map((i) => ({ queue: tenant.queues[i].id, createdMs: now - (i + 1) * 5_000 }))
		);
		const label = 'Revoked TV';
		const revoked = await mintWallToken(stack.env, { label, tenantId: tenant.id, queueIds: 'all' });
		await page.goto(`${server.url}/wall?token=${revoked}`);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
		// The three are in the list (in the sixth slot beside five tiles), named.
		const list = page.locator('section.list');
		await expect(list).toHaveAttribute('data-total', '3');
		const clients = await page
			.locator('li.row[data-id] [data-testid="client"]')
			.evaluateAll((cells) => cells.map((cell) => cell.textContent?.trim() ?? ''));
		expect(clients.length).toBeGreaterThan(0);
		expect(clients.filter((client) => client.length <= 3)).toEqual([]);
		await stack.admin.query(
			`UPDATE \`${stack.dashDb}\`.wall_tokens SET revoked_at = NOW(3) WHERE label = ?`,
			[label]
		);
		await expect(page.getByTestId('stale-banner')).toContainText('This board has stopped', {
			timeout: 10_000
		});
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'ended');
		// No longer allowed to watch: no caller's name or number stays up on the wall.
		await expect(list).toHaveAttribute('data-total', '0');
		await expect(page.locator('li.row[data-id]')).toHaveCount(0);
		await expect(page.getByTestId('list-ended')).toBeVisible();
		const text = await page.locator('body').innerText();
		expect(clients.filter((client) => text.includes(client))).toEqual([]);
	});
});
