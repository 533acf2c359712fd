import { upsertAccount, withUsers } from '../../scripts/lib/accounts';
import { expect, signIn, tenants, test } from './fixtures';

/**
 * A platform admin moves between tenants: the header names the one on screen, its links keep
 * it, and the thresholds page picks it as the grid does, without scrolling sideways.
 */

test('the header names the tenant on screen, and the wall link opens that tenant', async ({
	page
}) => {
	const [first, second] = tenants;
	await signIn(page, 'pw.platform');
	const header = page.getByTestId('current-tenant');
	await expect(header).toHaveText(first.name);
	// Readable at a glance: well above the 13 px of a form control.
	const size = await header.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
	expect(size).toBeGreaterThanOrEqual(20);

	await page.getByLabel('Tenant').selectOption(String(second.id));
	await page.waitForURL(new RegExp(`tenant=${second.id}`));
	await expect(header).toHaveText(second.name);
	await page.getByRole('link', { name: 'Wall display' }).click();
	await page.waitForURL(new RegExp(`/wall\\?tenant=${second.id}$`));
	await expect(page.getByText(second.name).first()).toBeVisible();
});

test('a Contact Center Admin sees its own tenant named, and plain links', async ({ page }) => {
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('current-tenant')).toHaveText(tenants[0].name);
	await expect(page.getByRole('link', { name: 'Wall display' })).toHaveAttribute('href', '/wall');
});

for (const [width, height] of [
	[1280, 720],
	[1440, 900]
]) {
	test(`thresholds at ${width}×${height}: the tenant picker navigates, nothing is clipped or scrolls sideways`, async ({
		page
	}) => {
		await page.setViewportSize({ width, height });
		await signIn(page, 'pw.platform');
		await page.goto('/admin/thresholds');
		await page.locator('body[data-hydrated]').waitFor();
		await page.getByLabel('Tenant').selectOption(String(tenants[1].id));
		await page.waitForURL(new RegExp(`/admin/thresholds\\?tenant=${tenants[1].id}$`));
		await expect(page.getByTestId('current-tenant')).toHaveText(tenants[1].name);
		await expect(page.locator('form.queue').first()).toBeVisible();

		const layout = await page.evaluate(() => {
			const root = document.documentElement;
			const clipped = [...document.querySelectorAll('form.queue label, form.queue legend')]
				.filter((el) => {
					const box = el.getBoundingClientRect();
					const form = el.closest('form')!.getBoundingClientRect();
					return el.scrollWidth > el.clientWidth + 1 || box.right > form.right + 1;
				})
				.map((el) => el.textContent);
			return { sideways: root.scrollWidth > root.clientWidth, clipped };
		});
		expect(layout).toEqual({ sideways: false, clipped: [] });
	});
}

test('the accounts list narrows to one tenant; the header says it covers them all', async ({
	page
}) => {
	await signIn(page, 'pw.platform');
	await page.goto(`/admin?tenant=${tenants[0].id}`);
	await page.locator('body[data-hydrated]').waitFor();
	await expect(page.getByTestId('current-tenant')).toHaveText('All tenants');
	await expect(page.getByTestId('account-count')).toHaveText(/^(\d+) of \1$/);
	const rows = page.locator('tr[data-username]');
	await page.getByLabel('Show accounts of').selectOption(String(tenants[0].id));
	await expect(page.locator('tr[data-username="pw.admin"]')).toBeVisible();
	await expect(page.locator('tr[data-username="pw.platform"]')).toHaveCount(0);
	for (const tenant of await rows.locator('td:nth-child(3)').allTextContents()) {
		expect(tenant).toBe(tenants[0].name);
	}
	await page.getByLabel('Show accounts of').selectOption('none');
	await expect(page.locator('tr[data-username="pw.platform"]')).toBeVisible();
	await expect(page.locator('tr[data-username="pw.admin"]')).toHaveCount(0);
	await page.getByLabel('Show accounts of').selectOption('');
	await expect(page.getByTestId('account-count')).toHaveText(/^(\d+) of \1$/);
});

test('the tenant picked stays through Administrators, Status and back, and in a typed address', async ({
	page
}) => {
	const [, second] = tenants;
	await signIn(page, 'pw.platform');
	await page.getByLabel('Tenant').selectOption(String(second.id));
	await page.waitForURL(new RegExp(`tenant=${second.id}`));
	const header = page.getByTestId('current-tenant');
	await expect(header).toHaveText(second.name);

	// Administrators and Status cover every tenant, and say so.
	await page.getByRole('link', { name: 'Administrators' }).click();
	await page.waitForURL(/\/admin(\?|$)/);
	await expect(header).toHaveText('All tenants');
	await page.getByRole('link', { name: 'Wall-display thresholds per queue' }).click();
	await page.waitForURL(/\/admin\/thresholds/);
	await expect(header).toHaveText(second.name);
	await expect(page.getByLabel('Tenant')).toHaveValue(String(second.id));
	await page.getByRole('link', { name: 'Status' }).click();
	await page.waitForURL(/\/admin\/status/);
	await expect(header).toHaveText('All tenants');

	// Back on the screen: the same tenant, by the link and by an address that names none.
	await page.getByRole('link', { name: 'Interactions', exact: true }).click();
	await page.waitForURL(new RegExp(`/interactions\\?tenant=${second.id}`));
	await expect(header).toHaveText(second.name);
	await expect(page.getByLabel('Tenant')).toHaveValue(String(second.id));
	for (const path of ['/interactions', '/admin/thresholds', '/admin/alerts']) {
		await page.goto(path);
		await expect(header, path).toHaveText(second.name);
	}
	await page.goto('/interactions');
	expect(new URL(page.url()).searchParams.get('tenant')).toBe(String(second.id));
	await page.goto('/wall');
	await expect(page.getByText(second.name).first()).toBeVisible();
});

test('a platform admin made a Contact Center Admin does not open the tenant it last picked', async ({
	page
}) => {
	const [first, second] = tenants;
	const account = (role: 'platform_admin' | 'cc_admin', password?: string) =>
		withUsers(JSON.parse(process.env.IL_APP_ENV ?? '{}'), (users) =>
			upsertAccount(users, {
				username: 'pw.demoted',
				displayName: 'PW Demoted',
				role,
				tenantId: role === 'cc_admin' ? first.id : null,
				queueIds: [],
				permissions: ['interactions'],
				password
			})
		);
	await account('platform_admin', process.env.IL_PASSWORD ?? '');
	await signIn(page, 'pw.demoted');
	await page.goto(`/interactions?tenant=${second.id}`);
	await expect(page.getByTestId('current-tenant')).toHaveText(second.name);

	// Same session, no longer a platform admin: its last pick is no tenant of its own.
	await account('cc_admin');
	for (const path of ['/interactions', '/wall', '/admin/thresholds']) {
		const response = await page.goto(path);
		expect(response?.status(), path).toBe(200);
		await expect(page.getByTestId('current-tenant'), path).toHaveText(first.name);
	}
	await expect(page.getByText(second.name)).toHaveCount(0);
});

test('switching tenant keeps the range and channel, and says which filters of the tenant left it cleared', async ({
	page
}) => {
	const [first, second] = tenants;
	await signIn(page, 'pw.platform');
	const agent = first.agents[0].name;
	const view = `range=last7&channel=voice&did=%2B1800&agent=${encodeURIComponent(agent)}&queue=${first.queues[0].id}`;
	await page.goto(`/interactions?tenant=${first.id}&${view}`);
	await page.locator('body[data-hydrated]').waitFor();
	await page.getByLabel('Tenant').selectOption(String(second.id));
	await page.waitForURL(new RegExp(`tenant=${second.id}`));
	const params = new URL(page.url()).searchParams;
	expect(Object.fromEntries(params)).toEqual({
		tenant: String(second.id),
		range: 'last7',
		channel: 'voice'
	});
	await expect(page.getByTestId('tenant-notice')).toHaveText(
		new RegExp(
			`Cleared the filters of ${first.name}: queue “${first.queues[0].name}”, agent “${agent}”, DID “\\+1800”\\.`
		)
	);
	await expect(page.getByRole('searchbox', { name: 'Agent' })).toHaveValue('');
	await expect(page.getByText('Nothing is shown until')).toHaveCount(0);
});
