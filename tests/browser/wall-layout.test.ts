import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '../support/wall';
import { expectBoardEqualsDb } from '../support/wall-board';
import { startOfZonedDay } from '../../src/lib/time/zone';
import { abandonedBarHeights, keyFigureSizes, tileTextOverlaps } from '../support/wall-fit';
import { layoutProblems, screenshot, settle } from '../support/wall-page';
import { widestThresholds, widestTraffic } from '../support/wall-widest';

test.describe('wall display', () => {
	// Three screen sizes, a 4K one rendered in software, then axe: past a minute on a loaded machine.
	test.describe.configure({ timeout: 120_000 });

	test('fills a 720p, a 1080p and a 4K screen legibly, nothing clipped, nothing scrolling', async ({
		page,
		stack,
		tenant,
		startMorning,
		openWall
	}, testInfo) => {
		const dayStart = await startMorning();
		for (const [width, height, name] of [
			[1280, 720, 'wall-1280x720'],
			[1920, 1080, 'wall-1920x1080'],
			[3840, 2160, 'wall-3840x2160']
		] as const) {
			await page.setViewportSize({ width, height });
			if (width === 1280) await openWall(page);
			await expectBoardEqualsDb(page, stack, tenant, dayStart);
			await expect(page.getByTestId('more')).toBeVisible();
			await expect(page.locator('li.row.red').first()).toBeVisible();
			await settle(page);
			// 2.2% of the height (24 px on a 1080p screen) is the smallest text that reads from 3
			// metres; the "+N more" line must not be clipped either. Polled:
			// a row entering or leaving (a 300 ms transition) may start right after settling.
			await expect
				.poll(async () => {
					await settle(page);
					return layoutProblems(page, height * 0.022);
				})
				.toEqual([]);
			await screenshot(page, testInfo, name);
		}
		const axe = await new AxeBuilder({ page })
			.include('.wall')
			.withTags(['wcag2a', 'wcag2aa'])
			.analyze();
		expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);
	});

	test('the widest figures fit every tile at 720p, 1080p and 4K: nothing overlaps, nothing is cut off', async ({
		page,
		server,
		stack,
		tenant,
		pbx,
		openWall
	}, testInfo) => {
		// The server at 15:00 in the tenant's day, so the day holds hours of waits over an hour.
		const dayStart = startOfZonedDay(Date.now(), tenant.timezone);
		const offset = dayStart + 15 * 3_600_000 - Date.now();
		await widestThresholds(stack, tenant);
		await pbx.write(widestTraffic(tenant, Date.now() + offset, dayStart));
		await server.start(offset);
		for (const [width, height] of [
			[1280, 720],
			[1920, 1080],
			[3840, 2160]
		] as const) {
			const name = `wall-widest-${width}x${height}`;
			await page.setViewportSize({ width, height });
			if (width === 1280) {
				await openWall(page);
				await expect(page.locator('section.tile')).toHaveCount(tenant.queues.length);
			}
			await expect(page.getByTestId('count-active').first()).toHaveText('1,000', {
				timeout: 20_000
			});
			await expect(page.getByTestId('longest-wait').first()).toHaveText(/^1:0[6-9]:\d\d$/);
			await expect(page.getByTestId('avg-handle').first()).toHaveText(/^\d:\d\d:\d\d$/);
			await expect(page.getByTestId('avg-wait').first()).toHaveText(/^\d:\d\d:\d\d$/);
			await expect(page.getByTestId('more')).toHaveText(/^\+\d{5} more$/);
			await settle(page);
			await screenshot(page, testInfo, name);
			expect(await tileTextOverlaps(page), name).toEqual([]);
			// Legible at 3 m: key figures 6% of the screen's height, every other text 2.2%.
			const small = (await keyFigureSizes(page)).filter(({ px }) => px < height * 0.06);
			expect(small, name).toEqual([]);
			expect(await layoutProblems(page, height * 0.022), name).toEqual([]);
			// Abandoned calls show in every hour that had them, however few beside the answered.
			const bars = await abandonedBarHeights(page);
			expect(bars.length, name).toBeGreaterThan(0);
			expect(
				bars.filter((px) => px < height * 0.004),
				name
			).toEqual([]);
			await expect(page.getByTestId('scale-top').first()).toHaveText(/^\d[\d,]*$/);
		}
	});
});
