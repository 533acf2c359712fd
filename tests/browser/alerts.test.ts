import type { Page } from '@playwright/test';
import { TestRules, waitingRule } from '../support/alert-rules';
import { deleteRows, expect, pbxPool, signIn, tenants, test } from './fixtures';

/**
 * Alerts on /interactions against the real server and MariaDB: a breach written as PBX rows
 * reaches a signed-in supervisor as a toast (announced politely, the focus left where it was)
 * and in the list, and an acknowledgement made on one screen reaches another.
 */

const FIRST_ID = 8_230_000;
const tenant = tenants[0];
// pw.supervisor's one queue (tests/browser/setup.ts).
const queue = tenant.queues[0];

test.describe('alerts on the interactions page', () => {
	let rules: TestRules;
	const db = pbxPool();

	test.beforeAll(async () => {
		await deleteRows(db, FIRST_ID, FIRST_ID + 999);
		rules = new TestRules(JSON.parse(process.env.IL_APP_ENV ?? '{}'));
	});
	test.afterAll(async () => {
		await deleteRows(db, FIRST_ID, FIRST_ID + 999);
		await rules.end();
		await db.end();
	});

	test('a breach shows a toast and the list; an acknowledgement reaches the second screen', async ({
		page,
		browser,
		pbx
	}) => {
		const supervisor = page;
		await signIn(supervisor, 'pw.supervisor');
		const adminContext = await browser.newContext();
		const admin = await adminContext.newPage();
		await signIn(admin, 'pw.admin');
		for (const screen of [supervisor, admin]) {
			await expect(screen.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
		}
		// The focus is in the filters when the alert comes: it must stay there.
		const channel = supervisor.getByLabel('Channel');
		await channel.focus();

		const ruleId = await rules.create(tenant.id, waitingRule(queue.id));
		await pbx.insertNew({ id: FIRST_ID, tenantId: tenant.id, queueId: queue.id });

		const toast = supervisor.getByTestId('alert-toast');
		await expect(toast).toHaveCount(1, { timeout: 20_000 });
		await expect(toast).toContainText(`Critical alert · ${queue.name}`);
		await expect(toast).toContainText('waiting');
		// Announced by a polite live region that was on the page before, not by taking the focus.
		const announcer = supervisor.getByTestId('alert-announcer');
		await expect(announcer).toHaveAttribute('aria-live', 'polite');
		await expect(announcer).toContainText(`Critical alert, ${queue.name}:`);
		await expect(channel).toBeFocused();
		await expect(supervisor.getByTestId('alerts-count')).toHaveText('1');

		// The admin of the tenant sees it too, with the same count.
		await expect(admin.getByTestId('alert-toast')).toHaveCount(1, { timeout: 10_000 });
		await openList(admin);
		const adminItem = admin.getByTestId('alert-item').first();
		await expect(adminItem).toContainText(queue.name);
		await expect(adminItem.getByRole('button', { name: /Acknowledge/ })).toBeVisible();

		// The supervisor acknowledges from the list.
		await openList(supervisor);
		const item = supervisor.getByTestId('alert-item').first();
		await expect(item).toContainText(`Critical · ${queue.name}`);
		await item.getByRole('button', { name: /Acknowledge/ }).click();
		await expect(item.getByTestId('alert-ack')).toContainText('Acknowledged by PW Supervisor at');
		await expect(toast).toHaveCount(0);
		await expect(supervisor.getByTestId('alerts-count')).toHaveCount(0);

		// …and the admin's screen follows without a reload: who, when, toast gone.
		await expect(adminItem.getByTestId('alert-ack')).toContainText(
			/Acknowledged by PW Supervisor at \d\d:\d\d/,
			{ timeout: 10_000 }
		);
		await expect(adminItem.getByRole('button', { name: /Acknowledge/ })).toHaveCount(0);
		await expect(admin.getByTestId('alert-toast')).toHaveCount(0);
		expect((await rules.alerts(ruleId)).map((a) => a.acknowledged)).toEqual([true]);

		// The breach ends: the alert clears by itself and the list says when.
		await deleteRows(db, FIRST_ID, FIRST_ID);
		await expect(item).toContainText(/cleared \d\d:\d\d/, { timeout: 20_000 });
		await expect(supervisor.getByTestId('alerts-panel').getByRole('heading')).toHaveText(
			'No open alerts'
		);
		await adminContext.close();
	});

	test('sound and notifications are off by default and remembered per browser', async ({
		page
	}) => {
		await signIn(page, 'pw.supervisor');
		await openList(page);
		const sound = page.getByLabel('Play a sound');
		await expect(sound).not.toBeChecked();
		await expect(page.getByLabel(/Show a notification/)).not.toBeChecked();
		await sound.check();
		await page.reload();
		await openList(page);
		await expect(page.getByLabel('Play a sound')).toBeChecked();
		await page.getByLabel('Play a sound').uncheck();
	});
});

async function openList(page: Page): Promise<void> {
	const toggle = page.getByTestId('alerts-toggle');
	if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
	await expect(page.getByTestId('alerts-panel')).toBeVisible();
}
