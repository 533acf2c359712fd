import AxeBuilder from '@axe-core/playwright';
import { expect, signIn, tenants, test } from './fixtures';

/**
 * The status page updates by itself: a platform admin watching it sees the change-log sequence
 * move when the PBX writes, without reloading. Everyone else does not find it.
 */

test('a platform admin watches the node status update without a reload', async ({ page, pbx }) => {
	await signIn(page, 'pw.platform');
	await page.getByRole('link', { name: 'Status' }).click();
	await page.waitForURL(/\/admin\/status$/);
	await page.locator('body[data-hydrated]').waitFor();
	await expect(page.getByRole('heading', { name: 'Status', level: 1 })).toBeVisible();
	await expect(page.locator('[data-field="ready"]')).toHaveText('Yes');
	await expect(page.locator('[data-field="tailer"]')).toHaveText('streaming');
	await expect(page.locator('[data-field="lag"]')).toContainText(/^\s*\d+\.\d s, /);
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

test('the status page is not there for a Contact Center Admin', async ({ page }) => {
	await signIn(page, 'pw.admin');
	await expect(page.getByRole('link', { name: 'Status' })).toHaveCount(0);
	const response = await page.goto('/admin/status');
	expect(response?.status()).toBe(404);
});
