import { expect, signIn, tenants, test } from './fixtures';

test('a row inserted by SQL appears in the grid and changes status without a reload', async ({
	page,
	pbx
}) => {
	const tenant = tenants[0];
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	// A reload would reset this marker: it must survive the whole lifecycle.
	await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

	const id = 7_000_001;
	const row = page.locator(`tr[data-id="${id}"]`);
	await pbx.insertNew({
		id,
		tenantId: tenant.id,
		queueId: tenant.queues[0].id,
		phone: '+15551234567'
	});
	await expect(row).toHaveAttribute('data-status', 'new');
	await expect(row).toContainText(tenant.queues[0].name);
	await pbx.answer(id, tenant.agents[0].id);
	await expect(row).toHaveAttribute('data-status', 'active');
	await expect(row).toContainText(tenant.agents[0].name);
	await pbx.startAcw(id);
	await expect(row).toHaveAttribute('data-status', 'acw');
	await pbx.close(id, { dispositionId: tenant.dispositions[0].id });
	await expect(row).toHaveAttribute('data-status', 'closed');
	await expect(row).toContainText(tenant.dispositions[0].code);

	expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
});

test('a supervisor sees only rows of assigned queues', async ({ page, pbx }) => {
	const tenant = tenants[0];
	await signIn(page, 'pw.supervisor');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await pbx.insertNew({ id: 7_000_101, tenantId: tenant.id, queueId: tenant.queues[1].id });
	await pbx.insertNew({ id: 7_000_102, tenantId: tenant.id, queueId: tenant.queues[0].id });
	await expect(page.locator('tr[data-id="7000102"]')).toBeVisible();
	await expect(page.locator('tr[data-id="7000101"]')).toHaveCount(0);
});
