import type mysql from 'mysql2/promise';
import { newRow } from '../support/pbx';
import { expect, pbxPool, signIn, tenants, test } from './fixtures';

/**
 * The live grid from the keyboard alone: a skip link to the rows, Enter on a row for its client
 * history, Escape back to what opened the window, and a focused row that stays focused while
 * live rows arrive above it. Rows written here (ids 7_3xx_xxx) are deleted after each test.
 */

const tenant = tenants[0];
const queue = tenant.queues[0].id;
let db: mysql.Pool;

test.beforeAll(() => {
	db = pbxPool();
});

test.afterEach(async () => {
	await db.query('DELETE FROM active_interactions WHERE id BETWEEN 7300000 AND 7399999');
});

test.afterAll(async () => {
	await db.end();
});

const history = (page: import('@playwright/test').Page) => page.getByTestId('history-window');

test('the first Tab reaches a skip link that lands on the current row', async ({ page, pbx }) => {
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await pbx.insertNew({ id: 7_300_001, tenantId: tenant.id, queueId: queue });
	await expect(page.locator('tr[data-id="7300001"]')).toBeVisible();
	// A fresh load, as a wall display starts: the focus at the top of the document.
	await page.goto('/interactions');
	await page.locator('body[data-hydrated]').waitFor();
	await expect(page.locator('tr[data-id="7300001"]')).toBeVisible();
	await page.keyboard.press('Tab');
	const skip = page.getByRole('link', { name: 'Skip to interactions' });
	await expect(skip).toBeFocused();
	await expect(skip).toBeInViewport();
	await page.keyboard.press('Enter');
	await expect(page.locator('tbody tr[tabindex="0"]')).toBeFocused();
});

test('Enter on a row opens its client history; Escape gives the focus back', async ({
	page,
	pbx
}) => {
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await pbx.insertNew({
		id: 7_300_101,
		tenantId: tenant.id,
		queueId: queue,
		phone: '+15557770101'
	});
	const row = page.locator('tr[data-id="7300101"]');
	await row.focus();
	await page.keyboard.press('Enter');
	await expect(history(page)).toBeVisible();
	await expect(history(page).getByRole('heading')).toHaveText(/Client history: \+15557770101/);
	await page.keyboard.press('Escape');
	await expect(history(page)).toHaveCount(0);
	await expect(row).toBeFocused();

	// Opened from a badge, Escape returns to that badge.
	for (const kind of ['client', 'agent'] as const) {
		if (kind === 'agent') await pbx.answer(7_300_101, tenant.agents[0].id);
		const badge = row.locator(`.badge.${kind}`);
		await badge.focus();
		await page.keyboard.press('Enter');
		await expect(history(page)).toBeVisible();
		await page.keyboard.press('Escape');
		await expect(history(page)).toHaveCount(0);
		await expect(badge).toBeFocused();
	}
});

test('the focused row keeps the focus while newer rows arrive above it', async ({ page, pbx }) => {
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const now = Date.now();
	// Newest first (the default sort): the later rows land above the first two.
	await pbx.insertNew({
		id: 7_300_201,
		tenantId: tenant.id,
		queueId: queue,
		createdAt: new Date(now - 2000)
	});
	await pbx.insertNew({
		id: 7_300_202,
		tenantId: tenant.id,
		queueId: queue,
		createdAt: new Date(now - 3000)
	});
	// Older rows below it: a row near the end of the list is where the grid can scroll no
	// further, which this test is not about.
	await pbx.insertActive(
		Array.from({ length: 20 }, (_, i) =>
			newRow({
				id: 7_300_400 + i,
				tenantId: tenant.id,
				queueId: queue,
				createdAt: new Date(now - 60_000 - i * 1000)
			})
		)
	);
	const focused = page.locator('tr[data-id="7300201"]');
	await expect(page.locator('tr[data-id="7300400"]')).toBeAttached();
	await focused.focus();
	// The live count, "1,234 interactions · live", as a number: the new rows land above the
	// rendered slice once the view scrolls along, so they are counted, not looked for.
	const shown = async () =>
		parseInt((await page.getByTestId('row-count').textContent())?.replace(/,/g, '') ?? '', 10);
	const first = await shown();
	for (let i = 0; i < 5; i++) {
		await pbx.insertNew({ id: 7_300_210 + i, tenantId: tenant.id, queueId: queue });
	}
	await expect.poll(shown).toBeGreaterThanOrEqual(first + 5);
	await expect(focused).toBeFocused();
	await expect(focused).toHaveAttribute('tabindex', '0');
	const before = await shown();
	// More than the rendered slice at once: the view scrolls along, the row stays focused in view.
	await pbx.insertActive(
		Array.from({ length: 60 }, (_, i) =>
			newRow({ id: 7_300_300 + i, tenantId: tenant.id, queueId: queue })
		)
	);
	await expect.poll(shown).toBeGreaterThanOrEqual(before + 60);
	await expect(focused).toBeFocused();
	await expect(focused).toBeInViewport();
	// The next arrow moves from that row, not from the position it had.
	await page.keyboard.press('ArrowDown');
	await expect(page.locator('tr[data-id="7300202"]')).toBeFocused();
});
