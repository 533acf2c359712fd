import { expect, signIn, test } from './fixtures';

/** The live grid fits a 1280 px screen: every column, C and A included, without scrolling sideways. */

for (const [width, height] of [
	[1280, 720],
	[1440, 900]
]) {
	test(`at ${width}×${height} every column of the grid is on screen`, async ({ page }) => {
		await page.setViewportSize({ width, height });
		await signIn(page, 'pw.admin');
		await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
		const layout = await page.getByTestId('interactions-grid').evaluate((table) => {
			const scroller = table.parentElement!;
			const headers = [...table.querySelectorAll('thead th')].map((th) => ({
				text: th.textContent?.trim() ?? '',
				right: th.getBoundingClientRect().right
			}));
			return {
				sideways: scroller.scrollWidth > scroller.clientWidth + 1,
				offScreen: headers.filter((h) => h.right > window.innerWidth + 1).map((h) => h.text),
				count: headers.length
			};
		});
		expect(layout).toEqual({ sideways: false, offScreen: [], count: 14 });
	});
}
