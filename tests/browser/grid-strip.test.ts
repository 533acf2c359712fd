import { expect, ownRows, signIn, tenants, test } from './fixtures';

/**
 * The live page's strip and messages agree with its grid (issue 26): the strip changes in the
 * same frame as the rows, follows the DID filter and says which filters it does not follow,
 * shows that more queue cards lie to the right; counts say "1 interaction"; an empty range
 * explains itself and offers to clear the filters; a queue out of scope in a link shows no rows
 * under "Nothing is shown". Rows are ids 7_610_xxx, deleted after each test.
 */

const tenant = tenants[0];
const queue = tenant.queues[0];
ownRows(7_610_000, 7_619_999);

test('the strip changes in the same frame as the grid, never a sample out of step', async ({
	page,
	pbx
}) => {
	await signIn(page, 'pw.admin');
	await page.goto(`/interactions?queue=${queue.id}`);
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const waiting = page.getByTestId('summary-strip').getByTestId('summary-waiting');
	await expect(waiting).toHaveText(/^\d+$/);
	// Every animation frame, the strip's Waiting against the grid's waiting rows.
	await page.evaluate(() => {
		const w = window as unknown as { samples: [string, number][]; sampling: boolean };
		w.samples = [];
		w.sampling = true;
		const sample = () => {
			const strip = document.querySelector('[data-testid="summary-waiting"]')?.textContent ?? '';
			const rows = document.querySelectorAll('#interactions-grid tbody tr[data-status="new"]');
			w.samples.push([strip.trim(), rows.length]);
			if (w.sampling) requestAnimationFrame(sample);
		};
		requestAnimationFrame(sample);
	});
	for (let i = 0; i < 12; i++) {
		await pbx.insertNew({ id: 7_610_001 + i, tenantId: tenant.id, queueId: queue.id });
		if (i % 3 === 2) await pbx.answer(7_610_001 + i - 1, tenant.agents[0].id);
		await page.waitForTimeout(120);
	}
	await expect(page.locator('tr[data-id="7610012"]')).toBeVisible();
	await page.waitForTimeout(500);
	const samples = await page.evaluate(() => {
		const w = window as unknown as { samples: [string, number][]; sampling: boolean };
		w.sampling = false;
		return w.samples;
	});
	const apart = samples.filter(([strip, rows]) => strip !== String(rows));
	expect(samples.length).toBeGreaterThan(20);
	expect(apart).toEqual([]);
});

test('the strip follows the DID filter, and says it does not follow Agent or Status', async ({
	page,
	pbx
}) => {
	await pbx.insertNew({ id: 7_610_101, tenantId: tenant.id, queueId: queue.id, did: '+15557610101' }); // prettier-ignore
	await pbx.insertNew({ id: 7_610_102, tenantId: tenant.id, queueId: queue.id, did: '+15557610102' }); // prettier-ignore
	await pbx.insertNew({ id: 7_610_103, tenantId: tenant.id, queueId: queue.id, did: '+15557610102' }); // prettier-ignore
	await signIn(page, 'pw.admin');
	await page.goto(`/interactions?queue=${queue.id}&did=7610102`);
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await expect(page.getByTestId('row-count')).toHaveText(/^2 interactions · live$/);
	await expect(page.getByTestId('summary-waiting')).toHaveText('2');
	await expect(page.getByTestId('summary-unfollowed')).toHaveCount(0);

	await page.goto(`/interactions?queue=${queue.id}&did=7610101`);
	await expect(page.getByTestId('row-count')).toHaveText(/^1 interaction · live$/);
	await expect(page.getByTestId('summary-waiting')).toHaveText('1');

	await page.goto(`/interactions?queue=${queue.id}&did=76101&status=active`);
	await expect(page.getByTestId('summary-waiting')).toHaveText('3');
	await expect(page.getByTestId('summary-unfollowed')).toHaveText(/not Status/);
});

test('a strip wider than the screen shows how many queue cards lie to the right', async ({
	page
}) => {
	await page.setViewportSize({ width: 1280, height: 720 });
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const strip = page.getByTestId('summary-strip');
	await expect(strip.locator('li').first()).toBeVisible();
	const wide = await strip.evaluate((ul) => ul.scrollWidth > ul.clientWidth + 1);
	test.skip(!wide, 'the tenant has too few queues to overflow 1280 px');
	const more = page.getByTestId('summary-more');
	await expect(more).toHaveText(/^\d+ more/);
	await more.click();
	await expect.poll(() => strip.evaluate((ul) => ul.scrollLeft)).toBeGreaterThan(0);
});

test('an empty past range says why and clears its filters in one click', async ({ page }) => {
	await signIn(page, 'pw.admin');
	await page.goto('/interactions?range=custom&from=2001-01-01&to=2001-01-02&channel=sms');
	const nothing = page.getByTestId('grid-nothing');
	await expect(nothing).toContainText('No interactions from 2001-01-01 to 2001-01-02');
	await expect(nothing).toContainText('kept');
	await nothing.getByRole('button', { name: 'Clear filters' }).click();
	await expect(page).not.toHaveURL(/channel=/);
	await expect(page).toHaveURL(/from=2001-01-01/);
	await expect(nothing.getByRole('button', { name: 'Clear filters' })).toHaveCount(0);
	await expect(nothing).toContainText('No interactions from 2001-01-01 to 2001-01-02');
});

test('a link to a queue out of scope shows no rows under "Nothing is shown"', async ({
	page,
	pbx
}) => {
	await pbx.insertNew({ id: 7_610_201, tenantId: tenant.id, queueId: queue.id });
	await signIn(page, 'pw.supervisor');
	await expect(page.locator('tr[data-id="7610201"]')).toBeVisible();
	await page.goto(`/interactions?queue=${tenant.queues[1].id}`);
	await page.locator('body[data-hydrated]').waitFor();
	await expect(page.getByRole('alert').filter({ hasText: 'Nothing is shown' })).toBeVisible();
	await page.waitForTimeout(1_000);
	await expect(page.locator('#interactions-grid tbody tr[data-id]')).toHaveCount(0);
});
