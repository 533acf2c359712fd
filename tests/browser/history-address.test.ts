import type mysql from 'mysql2/promise';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { expect, pbxPool, signIn, tenants, test } from './fixtures';

/**
 * History never blanks the grid for something the user can fix in one step: a sort history does
 * not offer, dates in the wrong order, or a date typed while another filter changes.
 */

const tenant = tenants[0];
let db: mysql.Pool;

test.beforeAll(async () => {
	db = pbxPool();
	const created = Date.now() - 3 * 24 * 3_600_000;
	const rows = [8_120_001, 8_120_002].map((id, i) => [
		id, `h-${id}`, tenant.id, tenant.queues[0].id, 'voice', tenant.agents[i].id, null,
		'+15550002222', '+18005550100', tenant.dispositions[0].id, msToSqlTime(created + i * 60_000),
		msToSqlTime(created + i * 60_000 + 90_000), 5, 60, 20
	]); // prettier-ignore
	await db.query(
		`INSERT IGNORE INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   crm_contact_id, phone_number, did, disposition_id, created_at, closed_at, wait_seconds,
		   talk_seconds, acw_seconds) VALUES ?`,
		[rows]
	);
});

test.afterAll(async () => {
	await db.end();
});

test('a sort history does not offer shows the range by Created, says so, and fixes the address in one click', async ({
	page
}) => {
	await signIn(page, 'pw.admin');
	await page.goto('/interactions?range=last7&sort=status');
	await page.locator('body[data-hydrated]').waitFor();
	const notice = page.getByTestId('sort-notice');
	await expect(notice).toContainText('History is all Closed: sort it by any other column');
	await expect(page.locator('tr[data-id="8120001"]')).toBeVisible();
	await expect(page.getByText('Nothing is shown until')).toHaveCount(0);
	await notice.getByRole('button', { name: 'Sort by Created' }).click();
	await expect(page).not.toHaveURL(/sort=status/);
	await expect(notice).toHaveCount(0);
	await expect(page.locator('tr[data-id="8120001"]')).toBeVisible();
});

test('From after To keeps the results on screen with the error at the field; a typed date survives another filter', async ({
	page
}) => {
	await signIn(page, 'pw.admin');
	await page.goto('/interactions?range=last7');
	await page.locator('body[data-hydrated]').waitFor();
	await expect(page.locator('tr[data-id="8120001"]')).toBeVisible();
	const url = page.url();

	await page.getByLabel('From', { exact: true }).fill('2026-11-20');
	await page.getByLabel('To', { exact: true }).fill('2026-11-10');
	await page.getByRole('button', { name: 'Apply dates' }).click();
	await expect(
		page.getByRole('alert').filter({ hasText: 'To must be on or after From' })
	).toBeVisible();
	await expect(page.getByLabel('To', { exact: true })).toHaveAttribute('aria-invalid', 'true');
	expect(page.url()).toBe(url);
	await expect(page.locator('tr[data-id="8120001"]')).toBeVisible();

	// Typed, not applied: changing the channel keeps what was typed.
	await page.getByLabel('From', { exact: true }).fill('2026-10-01');
	await page.getByRole('combobox', { name: 'Channel' }).selectOption('voice');
	await expect(page).toHaveURL(/channel=voice/);
	await expect(page.getByLabel('From', { exact: true })).toHaveValue('2026-10-01');
});
