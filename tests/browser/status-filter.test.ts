import type { Page } from '@playwright/test';
import { expect, ownRows, signIn, tenants, test } from './fixtures';

/**
 * The Status filter of the grid: it narrows the live rows to one status, follows a row that
 * changes status, lives in the URL (so a reload keeps it), and a bad value in the URL is a
 * field error next to the Status field, like the other filters'. Rows are ids 7_400_xxx in a
 * queue no other file writes to, deleted after each test.
 */

const tenant = tenants[0];
const queue = tenant.queues[4];
ownRows(7_400_000, 7_499_999);

/** Ids of this file's rows on screen, sorted. */
async function shown(page: Page): Promise<string[]> {
	const ids = await page
		.locator('tbody tr[data-id^="74"]')
		.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));
	return ids.sort();
}

test('the Status filter narrows the live rows, follows status changes and survives a reload', async ({
	page,
	pbx
}) => {
	await signIn(page, 'pw.admin');
	await page.goto(`/interactions?queue=${queue.id}`);
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	for (const id of [7_400_001, 7_400_002, 7_400_003]) {
		await pbx.insertNew({ id, tenantId: tenant.id, queueId: queue.id });
	}
	await pbx.answer(7_400_002, tenant.agents[0].id);
	await pbx.close(7_400_003);
	await expect.poll(() => shown(page)).toEqual(['7400001', '7400002', '7400003']);

	const status = page.getByRole('combobox', { name: 'Status' });
	await status.selectOption('Active');
	await expect(page).toHaveURL(/[?&]status=active(&|$)/);
	await expect.poll(() => shown(page)).toEqual(['7400002']);

	await status.selectOption('New');
	await expect(page).toHaveURL(/[?&]status=new(&|$)/);
	await expect.poll(() => shown(page)).toEqual(['7400001']);
	// Answered while the filter is on: the row leaves the New view live, without a reload.
	await pbx.answer(7_400_001, tenant.agents[1].id);
	await expect.poll(() => shown(page)).toEqual([]);

	await status.selectOption('Closed');
	await expect.poll(() => shown(page)).toEqual(['7400003']);
	await page.reload();
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('closed');
	await expect.poll(() => shown(page)).toEqual(['7400003']);

	await page.getByRole('combobox', { name: 'Status' }).selectOption('All');
	await expect(page).not.toHaveURL(/status=/);
	await expect.poll(() => shown(page)).toEqual(['7400001', '7400002', '7400003']);
});

test('a status the grid does not know is a field error next to Status', async ({ page }) => {
	await signIn(page, 'pw.admin');
	await page.goto('/interactions?status=lost');
	const status = page.getByRole('combobox', { name: 'Status' });
	await expect(status).toHaveAttribute('aria-invalid', 'true');
	await expect(status).toHaveAccessibleDescription('Choose New, Active, ACW or Closed');
	await expect(page.getByRole('alert')).toContainText('highlighted field is fixed');
	// The API says the same, as a 400 naming the field.
	const api = await page.request.get('/api/interactions?status=lost');
	expect(api.status()).toBe(400);
	expect(await api.text()).toContain('status: Choose New, Active, ACW or Closed');
});

test('on a history range only Closed rows exist: New finds none', async ({ page, pbx }) => {
	const weekAgo = Date.now() - 5 * 24 * 3_600_000;
	await pbx.insertNew({
		id: 7_400_101,
		tenantId: tenant.id,
		queueId: queue.id,
		createdAt: new Date(weekAgo)
	});
	await pbx.close(7_400_101, { atMs: weekAgo + 60_000 });
	await signIn(page, 'pw.admin');
	await page.goto(`/interactions?queue=${queue.id}&range=last7&status=closed`);
	await expect.poll(() => shown(page)).toEqual(['7400101']);
	await page.getByRole('combobox', { name: 'Status' }).selectOption('New');
	await expect(page).toHaveURL(/[?&]status=new(&|$)/);
	await expect(page.getByTestId('row-count')).toContainText('0 interactions');
	await expect.poll(() => shown(page)).toEqual([]);
});
