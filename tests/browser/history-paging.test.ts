import type mysql from 'mysql2/promise';
import type { Page } from '@playwright/test';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { localTimeInstant, parseLocalTime } from '../../src/lib/time/local-time';
import { deleteRows, expect, pbxPool, signIn, tenants, test } from './fixtures';

/**
 * A past range read as a supervisor reads a month (issue 26, item 9): every column but Status
 * sorts on the server, pages grow instead of coming 200 at a time, a jump goes to a date and
 * time, and a screen reader hears the true number of rows and each row's place among them.
 */

const tenant = tenants[0];
const FIRST_ID = 8_260_001;
const ROWS = 2400;
const DID = '+18885550177';
const VIEW = '/interactions?range=custom&from=2026-10-05&to=2026-10-06&did=8885550177';
let db: mysql.Pool;

/** Row n was created at minute n of 2026-10-05 in the tenant's clock. */
const createdMs = (n: number) =>
	localTimeInstant(parseLocalTime('2026-10-05T00:00')!, tenant.timezone)! + n * 60_000;

test.beforeAll(async () => {
	db = pbxPool();
	await deleteRows(db, FIRST_ID, FIRST_ID + ROWS);
	const values = Array.from({ length: ROWS }, (_, n) => {
		const at = createdMs(n);
		return [
			FIRST_ID + n, `p-${n}`, tenant.id, tenant.queues[n % tenant.queues.length].id,
			['voice', 'chat', 'sms', 'whatsapp'][n % 4], tenant.agents[n % tenant.agents.length].id,
			`+1555${String(n).padStart(6, '0')}`, DID, tenant.dispositions[n % tenant.dispositions.length].id,
			msToSqlTime(at), msToSqlTime(at + 90_000), 10, n % 600, n % 50
		];
	}); // prettier-ignore
	await db.query(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   phone_number, did, disposition_id, created_at, closed_at, wait_seconds, talk_seconds,
		   acw_seconds) VALUES ?`,
		[values]
	);
});

test.afterAll(async () => {
	await deleteRows(db, FIRST_ID, FIRST_ID + ROWS);
	await db.end();
});

async function openView(page: Page, query = ''): Promise<void> {
	await signIn(page, 'pw.admin');
	await page.goto(VIEW + query);
	await page.locator('body[data-hydrated]').waitFor();
	await expect(page.getByTestId('row-count')).toContainText('2,400 interactions');
}

const firstRow = (page: Page) => page.locator('#interactions-grid tbody tr[data-id]').first();

test('every column but Status sorts a past range on the server; Status is plain text', async ({
	page
}) => {
	await openView(page);
	const grid = page.getByTestId('interactions-grid');
	for (const name of ['Created', 'Closed', 'Channel', 'Queue', 'Agent', 'Client', 'DID', 'Disposition', 'Duration', 'ACW']) {
		await expect(grid.getByRole('columnheader', { name }).getByRole('button'), name).toHaveCount(1);
	} // prettier-ignore
	const status = grid.getByRole('columnheader', { name: 'Status' });
	await expect(status.getByRole('button')).toHaveCount(0);
	// No tooltip that reads like an action, and no sort state on a column that cannot sort.
	await expect(status.locator('[title]')).toHaveCount(0);
	await expect(status).not.toHaveAttribute('aria-sort', /.*/);

	const used = [...new Set(tenant.agents.map((a) => a.name))].sort((a, b) =>
		a.localeCompare(b, 'en', { sensitivity: 'base' })
	);
	await grid.getByRole('columnheader', { name: 'Agent' }).getByRole('button').click();
	await expect(page).toHaveURL(/sort=agent/);
	await expect(grid.getByRole('columnheader', { name: 'Agent' })).toHaveAttribute(
		'aria-sort',
		'descending'
	);
	await expect(firstRow(page).locator('td').nth(4)).toHaveText(used[used.length - 1]);
	await grid.getByRole('columnheader', { name: 'Agent' }).getByRole('button').click();
	await expect(page).toHaveURL(/sort=agent&dir=asc|dir=asc.*sort=agent/);
	await expect(firstRow(page).locator('td').nth(4)).toHaveText(used[0]);
	await expect(page.getByTestId('sort-notice')).toHaveCount(0);
});

test('pages grow as the reader scrolls: the range is read in 4 loads, not 12', async ({ page }) => {
	const limits: number[] = [];
	page.on('request', (request) => {
		const url = new URL(request.url());
		if (url.pathname === '/api/interactions') limits.push(Number(url.searchParams.get('limit')));
	});
	await openView(page);
	const viewport = page.getByTestId('grid-viewport');
	const rows = page.locator('#interactions-grid tbody tr[data-id]');
	for (let i = 0; i < 12; i++) {
		await viewport.evaluate((element) => (element.scrollTop = element.scrollHeight));
		const last = await rows.last().getAttribute('aria-rowindex');
		if (last === String(ROWS + 1)) break;
		await page.waitForTimeout(500);
	}
	await expect(rows.last()).toHaveAttribute('aria-rowindex', String(ROWS + 1));
	expect(limits).toEqual([200, 500, 1000, 2000]);
});

test('a screen reader hears the true total, and each row its place in it', async ({ page }) => {
	await openView(page);
	const grid = page.getByTestId('interactions-grid');
	// 200 rows are loaded; the grid is 2,400 rows and a header.
	await expect(grid).toHaveAttribute('aria-rowcount', String(ROWS + 1));
	await expect(firstRow(page)).toHaveAttribute('aria-rowindex', '2');
	await expect(firstRow(page)).toHaveAttribute('data-id', String(FIRST_ID + ROWS - 1));
});

test('Go to a date and time reads the range from that minute, numbered within the whole', async ({
	page
}) => {
	await openView(page);
	const jump = page.getByTestId('history-jump');
	await jump.getByLabel('Go to').fill('2026-10-05T12:30');
	await jump.getByRole('button', { name: 'Go' }).click();
	await expect(jump.getByTestId('jumped-to')).toContainText('2026-10-05 12:30');
	// Newest first: the 12:30 row leads, after the 1,649 rows newer than it.
	const minute = 12 * 60 + 30;
	await expect(firstRow(page)).toHaveAttribute('data-id', String(FIRST_ID + minute));
	await expect(firstRow(page)).toContainText('2026-10-05 12:30');
	await expect(firstRow(page)).toHaveAttribute('aria-rowindex', String(ROWS - 1 - minute + 2));
	await expect(page.getByTestId('interactions-grid')).toHaveAttribute(
		'aria-rowcount',
		String(ROWS + 1)
	);
	await jump.getByRole('button', { name: 'Back to the start' }).click();
	await expect(firstRow(page)).toHaveAttribute('data-id', String(FIRST_ID + ROWS - 1));
	await expect(firstRow(page)).toHaveAttribute('aria-rowindex', '2');

	// Oldest first, the jump reads from the minute's start.
	await page.goto(`${VIEW}&dir=asc`);
	await page.locator('body[data-hydrated]').waitFor();
	await jump.getByLabel('Go to').fill('2026-10-06T01:00');
	await jump.getByRole('button', { name: 'Go' }).click();
	await expect(firstRow(page)).toHaveAttribute('data-id', String(FIRST_ID + 25 * 60));
	await expect(firstRow(page)).toHaveAttribute('aria-rowindex', String(25 * 60 + 2));
});
