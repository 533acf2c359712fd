import { expect, signIn, tenants, test } from './fixtures';

/**
 * Wall-display tokens on the Administrators page: the one-time address can be copied, each
 * token says when it was made and last used, and revoking one (which turns a screen off) asks
 * first.
 */

test('a wall token: chime chosen, copy its address once, see when it was last used, revoke after a confirmation', async ({
	page,
	context
}) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	await signIn(page, 'pw.admin');
	await page.goto('/admin');
	await page.locator('body[data-hydrated]').waitFor();
	const label = `Lobby TV ${Date.now()}`;
	await page.getByLabel('Screen name').fill(label);
	// An admin of one tenant has nothing to pick.
	await expect(page.getByLabel('Tenant')).toHaveValue(String(tenants[0].id));
	await page.getByLabel('Chime when an alert fires').check();
	await page.getByRole('button', { name: 'Create token' }).click();
	const address = (await page.getByTestId('wall-url').textContent()) ?? '';
	expect(address).toMatch(/\/wall\?token=/);

	await page.getByRole('button', { name: 'Copy address' }).click();
	await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(address);

	const row = page.getByRole('row').filter({ hasText: label });
	// On the tenant's clock, 24-hour, to the minute (the column says whose time).
	await expect(page.getByRole('columnheader', { name: "Created (tenant's time)" })).toBeVisible();
	const created = (await row.getByRole('cell').nth(3).textContent()) ?? '';
	expect(created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
	const onTenantClock = (ms: number) =>
		new Intl.DateTimeFormat('sv-SE', {
			timeZone: tenants[0].timezone,
			dateStyle: 'short',
			timeStyle: 'short',
			hourCycle: 'h23'
		}).format(ms);
	expect([onTenantClock(Date.now()), onTenantClock(Date.now() - 60_000)]).toContain(created);
	await expect(row.getByRole('cell').nth(4)).toHaveText('Never');
	await expect(row.getByRole('cell').nth(6)).toHaveText('On');

	// The board opens: the token's last use is recorded and shown.
	const board = await context.newPage();
	await board.goto(address);
	await board.locator('body[data-hydrated]').waitFor();
	await board.close();
	await expect
		.poll(
			async () => {
				await page.reload();
				return page
					.getByRole('row')
					.filter({ hasText: label })
					.getByRole('cell')
					.nth(4)
					.textContent();
			},
			{ timeout: 10_000 }
		)
		.toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

	// Revoke asks; Keep leaves the token active.
	await row.getByRole('button', { name: `Revoke ${label}` }).click();
	await expect(row.getByText(`Turn “${label}” off now?`)).toBeVisible();
	await row.getByRole('button', { name: 'Keep' }).click();
	await expect(row.getByRole('cell').nth(5)).toHaveText('Active');
	await row.getByRole('button', { name: `Revoke ${label}` }).click();
	await row.getByRole('button', { name: 'Revoke', exact: true }).click();
	await expect(row.getByRole('cell').nth(5)).toHaveText('Revoked');
});

test("a wall token offers the board's rotation and grouping, and puts them in its address", async ({
	page,
	context
}) => {
	await signIn(page, 'pw.admin');
	await page.goto('/admin');
	await page.locator('body[data-hydrated]').waitFor();
	await page.getByLabel('Screen name').fill(`Rotating TV ${Date.now()}`);
	await page.getByLabel('Queues on a screen').selectOption('2');
	await page.getByLabel('Show each group for (seconds)').fill('30');
	await page.getByRole('button', { name: 'Create token' }).click();
	const address = (await page.getByTestId('wall-url').textContent()) ?? '';
	expect(address).toMatch(/\/wall\?token=[^&]+&group=2&rotate=30$/);

	const board = await context.newPage();
	await board.goto(address);
	await board.waitForURL(/\/wall\?group=2&rotate=30$/);
	await board.locator('body[data-hydrated]').waitFor();
	await board.close();

	// A period the wall would refuse is refused here, with the wall's own words.
	await page.getByLabel('Screen name').fill('Too fast');
	await page.getByLabel('Show each group for (seconds)').evaluate((input) => {
		input.removeAttribute('min');
		(input as HTMLInputElement).value = '2';
	});
	await page.getByRole('button', { name: 'Create token' }).click();
	await expect(
		page.getByText('rotate must be a whole number of seconds from 5 to 3600')
	).toBeVisible();
});

test('revoking a token keeps the focus in the list, on the next token', async ({ page }) => {
	await signIn(page, 'pw.admin');
	await page.goto('/admin');
	await page.locator('body[data-hydrated]').waitFor();
	const stamp = Date.now();
	const labels = [`Focus A ${stamp}`, `Focus B ${stamp}`];
	for (const label of labels) {
		await page.getByLabel('Screen name').fill(label);
		await page.getByRole('button', { name: 'Create token' }).click();
		await expect(page.getByRole('row').filter({ hasText: label })).toBeVisible();
	}
	// Newest first: B's row, then A's.
	const [second, first] = labels;
	const row = page.getByRole('row').filter({ hasText: first });
	await row.getByRole('button', { name: `Revoke ${first}` }).click();
	// The question's Revoke has the focus; Enter confirms it.
	await expect(row.getByRole('button', { name: 'Revoke', exact: true })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(row.getByRole('cell').nth(5)).toHaveText('Revoked');
	await expect(page.getByRole('status').filter({ hasText: `Revoked “${first}”` })).toBeVisible();
	await expect(page.getByRole('button', { name: `Revoke ${second}` })).toBeFocused();
});

test('the permissions say what they grant where they are granted', async ({ page }) => {
	await signIn(page, 'pw.admin');
	await page.goto('/admin');
	await page.locator('body[data-hydrated]').waitFor();
	await page.getByRole('button', { name: 'New account' }).click();
	await expect(page.getByRole('checkbox', { name: /^interactions/ })).toHaveAccessibleDescription(
		/live and historical interactions/
	);
	await expect(page.getByRole('checkbox', { name: /^cdr/ })).toHaveAccessibleDescription(
		/call detail records/
	);
	await expect(page.getByRole('group', { name: 'Permissions' })).toContainText(
		'Either one opens the Interactions screen'
	);
	// One tenant: a new supervisor's queues are listed without picking it.
	await page.getByLabel('Role').selectOption('cc_supervisor');
	await expect(page.locator('.user-form').getByLabel('Tenant')).toHaveValue(String(tenants[0].id));
	await expect(
		page.locator('.user-form').getByRole('checkbox', { name: tenants[0].queues[0].name })
	).toBeVisible();
});
