import { expect, test } from '../support/wall';

/**
 * Issue 26: a wall on a TV stick at 50 changes a second. The board follows the rows at its
 * list's pace (every 100 ms at most; its room is sent changes every 150 ms), not at every animation frame a change comes in: each such
 * frame woke the stick for the board's effects, its tally and a frame of rendering.
 */
test.describe('wall on a TV stick', () => {
	test('a stream of changes is followed at the list’s pace, asking for no animation frame, and every contact is shown', async ({
		page,
		server,
		tenant,
		pbx,
		openWall
	}) => {
		await server.start(0);
		await page.addInitScript(() => {
			const counted = window as unknown as { __frames: number };
			const native = window.requestAnimationFrame.bind(window);
			counted.__frames = 0;
			window.requestAnimationFrame = (callback) => {
				counted.__frames++;
				return native(callback);
			};
		});
		await openWall(page);
		const queue = tenant.queues[0].id;
		const start = server.now();
		await page.evaluate(() => ((window as unknown as { __frames: number }).__frames = 0));
		for (let i = 0; i < 20; i++) {
			await pbx.write([{ queue, createdMs: start - 60_000 + i * 1000 }]);
			await page.waitForTimeout(40);
		}
		await expect(page.locator('section.list')).toHaveAttribute('data-total', '20');
		const tile = page.locator(`section.tile[data-queue="${queue}"]`);
		await expect(tile.getByTestId('count-new')).toHaveText('20');
		expect(await page.evaluate(() => (window as unknown as { __frames: number }).__frames)).toBe(0);
	});
});
