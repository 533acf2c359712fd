import AxeBuilder from '@axe-core/playwright';
import { expect, signIn, tenants, test } from './fixtures';

/**
 * The status page updates by itself: a platform admin watching it sees the change-log sequence
 * move when the PBX writes, without reloading. Everyone else does not find it.
 */

test('a platform admin watches the node status update without a reload', async ({ page, pbx }) => {
	await signIn(page, 'pw.platform');
	await page.getByRole('link', { name: 'Status' }).click();
	await page.waitForURL(/\/admin\/status(\?|$)/);
	await page.locator('body[data-hydrated]').waitFor();
	await expect(page.getByRole('heading', { name: 'Status', level: 1 })).toBeVisible();
	await expect(page.locator('[data-field="ready"]')).toHaveText('Yes');
	await expect(page.locator('[data-field="tailer"]')).toHaveText('streaming');
	await expect(page.locator('[data-field="lag"]')).toContainText(/^\s*\d+\.\d s, /);
	// The app's one time format, 24-hour, on the servers' clock (UTC, as their logs), said so.
	const updated = (await page.getByTestId('status-updated').textContent()) ?? '';
	expect(updated).toMatch(/^\d{2}:\d{2}:\d{2}$/);
	const utcNow = new Date().toISOString().slice(11, 13);
	const utcBefore = new Date(Date.now() - 60_000).toISOString().slice(11, 13);
	expect([utcNow, utcBefore]).toContain(updated.slice(0, 2));
	await expect(page.locator('main .hint').first()).toContainText('UTC');
	// A reload would reset this marker.
	await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

	const seq = async () =>
		Number(
			(await page.locator('[data-field="change-log"]').textContent())?.match(/seq (\d+)/)?.[1]
		);
	const before = await seq();
	const tenant = tenants[0];
	await pbx.insertNew({ id: 7_300_001, tenantId: tenant.id, queueId: tenant.queues[0].id });
	await expect.poll(seq, { timeout: 10_000 }).toBeGreaterThan(before);
	expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);

	const axe = await new AxeBuilder({ page }).include('main').analyze();
	expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);
});

test('a Contact Center Admin is told why Status is not for it, with a way back', async ({
	page
}) => {
	await signIn(page, 'pw.admin');
	await expect(page.getByRole('link', { name: 'Status' })).toHaveCount(0);
	const response = await page.goto('/admin/status');
	expect(response?.status()).toBe(403);
	await expect(page.getByRole('heading', { name: 'Status', level: 1 })).toBeVisible();
	await expect(page.getByTestId('status-refused')).toHaveText(/for platform admins only/);
	// Inside the app's frame, with its own tenant named, and a link back to its screen.
	await expect(page.getByTestId('current-tenant')).toHaveText(tenants[0].name);
	await page.getByRole('link', { name: 'Back to Interactions' }).click();
	await page.waitForURL(/\/interactions/);
});
