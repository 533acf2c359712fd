import { expect, test } from '../support/wall';
import { tileGeometry } from '../support/wall-banner';
import { screenshot, settle } from '../support/wall-page';

const SCREENS = [
	[1280, 720],
	[1920, 1080],
	[3840, 2160]
] as const;

test.describe('wall banners', () => {
	test('the stale banner takes the title’s place: no tile moves and service level stays visible, at 720p, 1080p and 4K', async ({
		page,
		server,
		startMorning,
		openWall
	}, testInfo) => {
		await startMorning();
		for (const [width, height] of SCREENS) {
			await page.setViewportSize({ width, height });
			if (width === 1280) await openWall(page);
			await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
			await settle(page);
			const before = await tileGeometry(page);
			expect(before.tiles.length).toBeGreaterThan(0);

			server.freeze();
			try {
				await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: 10_000 });
				await settle(page);
				const during = await tileGeometry(page);
				expect(during.tiles, `${width}×${height}`).toEqual(before.tiles);
				for (const sl of during.serviceLevels) {
					expect(sl, `${width}×${height} queue ${sl.queue}`).toMatchObject({
						inViewport: true,
						onTop: true
					});
				}
				await screenshot(page, testInfo, `wall-stale-banner-${width}x${height}`);
			} finally {
				server.thaw();
			}
			await expect(page.getByTestId('stale-banner')).toBeHidden({ timeout: 15_000 });
		}
	});
});
