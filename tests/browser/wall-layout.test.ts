import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '../support/wall';
import { expectBoardEqualsDb } from '../support/wall-board';
import { layoutProblems, screenshot, settle } from '../support/wall-page';

test.describe('wall display', () => {
	test('fills a 1080p and a 4K screen legibly, nothing clipped, nothing scrolling', async ({
		page,
		stack,
		tenant,
		startMorning,
		openWall
	}, testInfo) => {
		const dayStart = await startMorning();
		for (const [width, height, name] of [
			[1920, 1080, 'wall-1920x1080'],
			[3840, 2160, 'wall-3840x2160']
		] as const) {
			await page.setViewportSize({ width, height });
			if (width === 1920) await openWall(page);
			await expectBoardEqualsDb(page, stack, tenant, dayStart);
			await expect(page.getByTestId('more')).toBeVisible();
			await expect(page.locator('li.row.red').first()).toBeVisible();
			await settle(page);
			// About 22 px on a 1080p screen is the smallest text that reads from 3 metres. Polled:
			// a row entering or leaving (a 300 ms transition) may start right after settling.
			await expect
				.poll(async () => {
					await settle(page);
					return layoutProblems(page, height * 0.019);
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
});
