import { expect, test } from '../support/wall';

const PERIOD_MS = 10_000;

test.describe('wall display', () => {
	test('rotates queue groups, giving the first page its whole period; the pager counts pages', async ({
		page,
		server,
		token
	}) => {
		await server.start(0);
		await page.goto(`${server.url}/wall?token=${token}&group=2&rotate=10`);
		await expect(page).toHaveURL(/\/wall\?group=2&rotate=10$/);
		const pager = page.getByTestId('group');
		await expect(pager).toHaveText('Page 1 of 3');
		const shownAt = Date.now();
		const tiles = () =>
			page
				.locator('section.tile')
				.evaluateAll((found) => found.map((t) => t.getAttribute('data-queue')).join());
		const first = await tiles();
		expect(first.split(',')).toHaveLength(2);
		// Half a second into the second page as the wall clock counts: a board that rotates from
		// the clock turns to page 2 at the next heartbeat, one that counts from its opening not.
		const cycle = 3 * PERIOD_MS;
		await server.setClock(Math.ceil(server.now() / cycle) * cycle + PERIOD_MS + 500);
		while (Date.now() - shownAt < PERIOD_MS - 1_000) {
			expect(await pager.textContent()).toBe('Page 1 of 3');
			await page.waitForTimeout(200);
		}
		await expect(pager).toHaveText('Page 2 of 3', { timeout: 3_000 });
		expect(await tiles()).not.toBe(first);
		await expect(pager).toHaveText('Page 3 of 3', { timeout: PERIOD_MS + 2_000 });
		await expect(page.locator('section.tile')).toHaveCount(1);
	});

	for (const [query, message] of [
		[
			'queues=sales',
			'queues must be queue numbers separated by commas, e.g. queues=3,5 (not "sales")'
		],
		['queues=', 'queues is empty'],
		['rotate=2', 'rotate must be a whole number of seconds from 5 to 3600 (not "2")'],
		['group=9', 'group must be a whole number of queues a screen from 1 to 6 (not "9")']
	] as const) {
		test(`says what is wrong with a bad address (${query}) instead of showing every queue`, async ({
			page,
			server,
			token
		}) => {
			await server.start(0);
			await page.goto(`${server.url}/wall?token=${token}`);
			await expect(page.locator('section.tile')).not.toHaveCount(0);
			const response = await page.goto(`${server.url}/wall?${query}`);
			expect(response?.status()).toBe(400);
			await expect(page.getByTestId('wall-error')).toContainText(message);
			await expect(page.locator('section.tile')).toHaveCount(0);
			const json = await page.request.get(`${server.url}/wall?${query}`, {
				headers: { accept: 'application/json' }
			});
			expect(json.status()).toBe(400);
		});
	}
});
