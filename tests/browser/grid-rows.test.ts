import type { Page } from '@playwright/test';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { newRow } from '../support/pbx';
import { expect, ownRows, signIn, tenants, test } from './fixtures';

/**
 * What the live grid's rows say beyond their columns: the wait of a waiting row coloured by the
 * queue's thresholds (the wall's), the "Live" badge on Today only, an emptied grid once the
 * session ends, counts formatted alike live and in history, whole text for truncated cells.
 * Every row a test writes (ids 7_2xx_xxx) is deleted after it, so other files see none.
 */

const tenant = tenants[0];
const db = ownRows(7_200_000, 7_299_999);

/** Sets (or with null, resets) the Waiting thresholds of a queue on the admin page. */
async function waitThresholds(page: Page, queueId: number, limits: [number, number] | null) {
	await page.goto('/admin/thresholds');
	await page.locator('body[data-hydrated]').waitFor();
	const form = page.locator(`form[data-queue="${queueId}"]`);
	if (!limits) {
		await form.getByRole('button', { name: /^Reset to defaults/ }).click();
		await expect(form.getByText('Custom')).toHaveCount(0);
		return;
	}
	const waiting = form.getByRole('group', { name: 'Waiting' });
	await waiting.getByLabel('Amber after (s)').fill(String(limits[0]));
	await waiting.getByLabel('Red after (s)').fill(String(limits[1]));
	await form.getByRole('button', { name: /^Save/ }).click();
	await expect(form.getByText('Custom')).toBeVisible();
}

test("a waiting row's wait ticks and turns amber, then red, by its own queue's thresholds", async ({
	page,
	pbx
}) => {
	const [strict, relaxed] = tenant.queues;
	await signIn(page, 'pw.admin');
	await waitThresholds(page, strict.id, [2, 4]);
	try {
		await page.goto('/interactions');
		await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
		await pbx.insertNew({ id: 7_200_001, tenantId: tenant.id, queueId: strict.id });
		await pbx.insertNew({ id: 7_200_002, tenantId: tenant.id, queueId: relaxed.id });
		const tight = page.locator('tr[data-id="7200001"]');
		const loose = page.locator('tr[data-id="7200002"]');
		await expect(tight).toHaveAttribute('data-level', 'ok');
		const wait = tight.getByTestId('wait');
		await expect(wait).toHaveText(/^0:0\d$/);
		const first = await wait.textContent();
		await expect(wait).not.toHaveText(first ?? '', { timeout: 3000 });
		await expect(tight).toHaveAttribute('data-level', 'amber', { timeout: 5000 });
		await expect(tight).toHaveAttribute('data-level', 'red', { timeout: 5000 });
		await expect(wait).toHaveClass(/red/);
		await expect(tight.getByText('over the red limit')).toHaveCount(1);
		// The same wait under the default thresholds (60 s, 120 s) is still fine.
		await expect(loose).toHaveAttribute('data-level', 'ok');
		await expect(loose.getByTestId('wait')).toHaveText(/^0:0\d$/);
		// Answered: no longer waiting, so the wait stops and is no longer coloured.
		await pbx.answer(7_200_001, tenant.agents[0].id);
		await expect(tight).toHaveAttribute('data-status', 'active');
		await expect(wait).not.toHaveClass(/red|amber/);
		const answered = await wait.textContent();
		await page.waitForTimeout(1_500);
		await expect(wait).toHaveText(answered ?? '');
	} finally {
		await waitThresholds(page, strict.id, null);
	}
});

test('the Live badge shows on Today only, never on a history range', async ({ page }) => {
	await signIn(page, 'pw.admin');
	const status = page.getByTestId('connection-status');
	await expect(status).toHaveText(/Live/);
	for (const name of ['Yesterday', 'Last 7 days']) {
		await page.getByRole('radio', { name }).click();
		await expect(page.getByRole('radio', { name })).toHaveAttribute('aria-checked', 'true');
		await expect(page.getByTestId('row-count')).toContainText(' to ');
		await expect(status).toHaveCount(0);
		await expect(page.getByText('Live', { exact: true })).toHaveCount(0);
	}
	await page.goto('/interactions?range=custom&from=2026-01-01&to=2026-01-02');
	await expect(page.getByTestId('row-count')).toContainText('2026-01-01 to 2026-01-02');
	await expect(status).toHaveCount(0);
	await page.getByRole('radio', { name: 'Today' }).click();
	await expect(status).toHaveText(/Live/);
});

test('signed out elsewhere: the grid empties and says why', async ({ page, pbx }) => {
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await pbx.insertNew({ id: 7_200_101, tenantId: tenant.id, queueId: tenant.queues[0].id });
	await expect(page.locator('tr[data-id="7200101"]')).toBeVisible();

	const other = await page.context().newPage();
	await other.goto('/interactions');
	await other.getByRole('button', { name: 'Sign out' }).click();
	// Closed only once the sign-out went through: closing at once can cancel its request.
	await other.waitForURL(/\/login/);
	await other.close();

	await expect(page.getByTestId('connection-status')).toHaveText(/Disconnected: Signed out/);
	await expect(page.locator('tbody tr[data-id]')).toHaveCount(0);
	await expect(page.getByTestId('grid-empty')).toHaveText(/Signed out: rows are hidden/);
	await expect(page.getByTestId('row-count')).toHaveText('No interactions shown');
});

test('counts read the same live and in history: 1,050, never 1050', async ({ page, pbx }) => {
	const other = tenants[1];
	const queue = other.queues[0].id;
	const total = 1_050;
	const ids = Array.from({ length: total }, (_, i) => 7_210_000 + i);
	await pbx.insertActive(ids.map((id) => newRow({ id, tenantId: other.id, queueId: queue })));
	// Closed a week ago, and (all but the page's first minute of a day) in no other test's range.
	const weekAgo = Date.now() - 6 * 24 * 3_600_000;
	const closed = ids.map((id) => [id + 10_000, `c-${id}`, other.id, queue, 'chat', msToSqlTime(weekAgo), msToSqlTime(weekAgo + 60_000)]); // prettier-ignore
	await db().query(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, created_at, closed_at) VALUES ?`,
		[closed]
	);

	await signIn(page, 'pw.platform');
	await page.goto(`/interactions?tenant=${other.id}&queue=${queue}`);
	const count = page.getByTestId('row-count');
	await expect(count).toHaveText(/^\d{1,3}(,\d{3})+ interactions · live$/);
	await expect(count).toContainText('1,050');
	await page.getByRole('radio', { name: 'Last 7 days' }).click();
	await expect(count).toHaveText(/^\s*\d{1,3}(,\d{3})+ interactions/);
});

test('a cell cut short gives its whole text on hover, and on the row the keyboard is on', async ({
	page,
	pbx
}) => {
	const did = '+18005550100123456789012345678'; // 30 characters: wider than the DID column
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await pbx.insertNew({ id: 7_200_201, tenantId: tenant.id, queueId: tenant.queues[0].id, did });
	const cell = page.locator('tr[data-id="7200201"] td').nth(6);
	await expect(cell).toHaveText(did);
	expect(await cell.evaluate((td) => td.scrollWidth > td.clientWidth)).toBe(true);
	await expect(cell).toHaveAttribute('title', did);
	await expect(page.locator('tr[data-id="7200201"] td').nth(3)).toHaveAttribute(
		'title',
		tenant.queues[0].name
	);
	// From the keyboard: the focused row wraps its cells instead of cutting them.
	await page.keyboard.press('Shift');
	await page.locator('tr[data-id="7200201"]').evaluate((row: HTMLElement) => row.focus());
	await expect(page.locator('tr[data-id="7200201"]')).toBeFocused();
	await expect.poll(() => cell.evaluate((td) => td.scrollWidth <= td.clientWidth)).toBe(true);
});
