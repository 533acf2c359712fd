import { upsertAccount, withUsers } from '../../scripts/lib/accounts';
import { expect, signIn, tenants, test } from './fixtures';

/**
 * A supervisor whose queues an administrator changes while its screen is open is told so, and
 * the screen follows without a reload: the Queue filter and the summary strip list the new
 * queues, and the rows are those of the new scope.
 */

const tenant = tenants[0];
const [q0, q1] = tenant.queues;

/** As `npm run user` would; a password only when the account is made (a new one ends sessions). */
async function assign(queueIds: number[], password?: string): Promise<void> {
	const env = JSON.parse(process.env.IL_APP_ENV ?? '{}') as Record<string, string>;
	await withUsers(env, (users) =>
		upsertAccount(users, {
			username: 'pw.reassigned',
			displayName: 'PW Reassigned',
			role: 'cc_supervisor',
			tenantId: tenant.id,
			queueIds,
			permissions: ['interactions'],
			password
		})
	);
}

test('queues re-assigned while the screen is open: a notice, and the filter follows without a reload', async ({
	page,
	pbx
}) => {
	await assign([q0.id], process.env.IL_PASSWORD ?? '');
	await signIn(page, 'pw.reassigned');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const queueOptions = () =>
		page.getByRole('combobox', { name: 'Queue' }).locator('option').allTextContents();
	expect(await queueOptions()).not.toContain(q1.name);
	// A reload would reset this marker.
	await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

	await assign([q0.id, q1.id]);
	await expect(page.getByTestId('access-notice')).toBeVisible({ timeout: 10_000 });
	await expect.poll(queueOptions).toContain(q1.name);
	await expect(page.locator(`[data-testid="summary-strip"] [data-queue="${q1.id}"]`)).toBeVisible();
	await pbx.insertNew({ id: 7_650_001, tenantId: tenant.id, queueId: q1.id });
	await expect(page.locator('tr[data-id="7650001"]')).toBeVisible();
	expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
});
