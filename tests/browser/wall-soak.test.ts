import { startOfNextZonedDay, startOfZonedDay } from '../../src/lib/time/zone';
import { expect, test } from '../support/wall';
import { expectBoardEqualsDb } from '../support/wall-board';
import { DayOfTraffic } from '../support/wall-day';
import { heapMb, layoutProblems, screenshot, settle } from '../support/wall-page';

test.describe('wall display', () => {
	test('soak: an accelerated day of 100k+ changes keeps a flat heap and ends equal to the database', async ({
		page,
		browser,
		server,
		stack,
		tenant,
		pbx,
		token,
		openWall
	}, testInfo) => {
		test.setTimeout(600_000);
		const dayStart = startOfZonedDay(Date.now(), tenant.timezone);
		const dayEnd = startOfNextZonedDay(Date.now(), tenant.timezone);
		// 00:00:30 in Chicago. The binlog supervisor takes a clock jump longer than its heartbeat
		// for a silent stream (it measures with Date.now()): keep every step of the day under it.
		await server.start(dayStart + 30_000 - Date.now(), { BINLOG_HEARTBEAT_MS: '600000' });
		await page.setViewportSize({ width: 1920, height: 1080 });
		await openWall(page);
		const heap: Record<string, number> = { baseline: await heapMb(page) };

		const steps = 161;
		const traffic = new DayOfTraffic(tenant, pbx, 190);
		const started = Date.now();
		for (let step = 0; step <= steps; step++) {
			// The day moves on 9 minutes a step: the server's clock, and the PBX's timestamps.
			const now = dayStart + 120_000 + (step / (steps + 1)) * (dayEnd - dayStart - 300_000);
			await server.setClock(now);
			await traffic.step(step, now, steps - 2);
			if (step === Math.round(steps / 2)) heap.midday = await heapMb(page);
		}
		const writeSeconds = (Date.now() - started) / 1000;
		expect(traffic.changes).toBeGreaterThanOrEqual(100_000);

		await expectBoardEqualsDb(page, stack, tenant, dayStart, 180_000);
		const caughtUpSeconds = (Date.now() - started) / 1000;
		const [{ n: inProgress }] = await stack.pbxRows<{ n: string }>(
			'SELECT COUNT(*) AS n FROM active_interactions'
		);
		await expect(page.locator('section.list')).toHaveAttribute('data-total', String(inProgress));
		heap.endOfDay = await heapMb(page);
		// A whole day's volumes (thousands a queue) still fit their tiles.
		await settle(page);
		expect(await layoutProblems(page, 1080 * 0.019)).toEqual([]);
		await screenshot(page, testInfo, 'wall-soak-end-of-day');

		// The same board opened fresh on the final state: what the day's rows alone weigh.
		const fresh = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
		await fresh.goto(`${server.url}/wall?token=${token}`);
		await expectBoardEqualsDb(fresh, stack, tenant, dayStart, 60_000);
		heap.freshBoard = await heapMb(fresh);
		await fresh.close();

		// Midnight: the day's closed rows go, and with them the memory they held.
		await server.setClock(dayEnd + 2_000);
		await expectBoardEqualsDb(page, stack, tenant, dayEnd, 30_000);
		heap.nextMorning = await heapMb(page);

		const figures = {
			changes: traffic.changes,
			writeSeconds,
			changesPerSecondWritten: Math.round(traffic.changes / writeSeconds),
			boardCaughtUpSeconds: caughtUpSeconds,
			inProgressAtEnd: Number(inProgress),
			heapMb: heap
		};
		console.log('wall soak', JSON.stringify(figures));
		await testInfo.attach('soak-figures.json', {
			body: JSON.stringify(figures, null, 2),
			contentType: 'application/json'
		});
		// Flat: after a day the board holds no more than a fresh board of the same rows...
		expect(heap.endOfDay).toBeLessThan(heap.freshBoard * 1.15 + 2);
		// ...and once the day's rows are gone it is back near where it started: 4 MB over 100k
		// changes would be 40 bytes a change, and a leak of anything per change is more than that.
		expect(heap.nextMorning).toBeLessThan(heap.baseline + 4);
	});
});
