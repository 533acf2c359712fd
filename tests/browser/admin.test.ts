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
	await page.getByLabel('Tenant').selectOption(String(tenants[0].id));
	await page.getByLabel('Chime when an alert fires').check();
	await page.getByRole('button', { name: 'Create token' }).click();
	const address = (await page.getByTestId('wall-url').textContent()) ?? '';
	expect(address).toMatch(/\/wall\?token=/);

	await page.getByRole('button', { name: 'Copy address' }).click();
	await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(address);

	const row = page.getByRole('row').filter({ hasText: label });
	await expect(row.getByRole('cell').nth(3)).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
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
		.toMatch(/UTC$/);

	// Revoke asks; Keep leaves the token active.
	await row.getByRole('button', { name: `Revoke ${label}` }).click();
	await expect(row.getByText(`Turn “${label}” off now?`)).toBeVisible();
	await row.getByRole('button', { name: 'Keep' }).click();
	await expect(row.getByRole('cell').nth(5)).toHaveText('Active');
	await row.getByRole('button', { name: `Revoke ${label}` }).click();
	await row.getByRole('button', { name: 'Revoke', exact: true }).click();
	await expect(row.getByRole('cell').nth(5)).toHaveText('Revoked');
});
