import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import type mysql from 'mysql2/promise';
import type { Page } from '@playwright/test';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { addDays, zonedDateOf, zonedMidnight } from '../../src/lib/time/zone';
import { deleteRows, expect, pbxPool, signIn, tenants, test } from './fixtures';

/**
 * The picture of a past range above the grid (issue 24): it follows the grid's filters and says
 * so, it is gone on Today, a bar of its chart narrows the grid and the URL to that interval, and
 * the chart reads as a table and from the keyboard. Rows carry their own DID, so other files'
 * rows of yesterday stay out of the figures.
 */

const tenant = tenants[0]; // America/Chicago
const DID = '+18005552424';
const FIRST = 8_240_001;
const LAST = 8_240_003;
const MINUTE = 60_000;
let db: mysql.Pool;
/** Yesterday's local midnight in the tenant's zone. */
let yesterday: number;

test.beforeAll(async () => {
	db = pbxPool();
	const today = zonedDateOf(Date.now(), tenant.timezone);
	yesterday = zonedMidnight(addDays(today, -1), tenant.timezone);
	const at = (hour: number, minute: number) => yesterday + (hour * 60 + minute) * MINUTE;
	const row = (id: number, createdMs: number, channel: string, wait: number) => [
		id, `rp-${id}`, tenant.id, tenant.queues[0].id, channel, tenant.agents[0].id, null,
		'+15550003333', DID, tenant.dispositions[0].id, msToSqlTime(createdMs),
		msToSqlTime(createdMs + 5 * MINUTE), msToSqlTime(createdMs + wait * 1000), wait, 120, 30
	]; // prettier-ignore
	await deleteRows(db, FIRST, LAST);
	await db.query(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   crm_contact_id, phone_number, did, disposition_id, created_at, closed_at, answered_at,
		   wait_seconds, talk_seconds, acw_seconds) VALUES ?`,
		[
			[
				row(FIRST, at(10, 5), 'voice', 10),
				row(FIRST + 1, at(10, 10), 'chat', 20),
				row(LAST, at(14, 10), 'voice', 30)
			]
		]
	);
});

test.afterAll(async () => {
	await deleteRows(db, FIRST, LAST);
	await db.end();
});

async function openYesterday(page: Page): Promise<void> {
	await signIn(page, 'pw.admin');
	await page.goto(`/interactions?range=yesterday&did=${encodeURIComponent(DID)}`);
	await page.locator('body[data-hydrated]').waitFor();
	await expect(page.getByTestId('range-figures')).toBeVisible();
}

/** Opens the chart's table alternative (it stays open across a navigation of the same page). */
async function openVolumeTable(page: Page) {
	const table = page.getByTestId('volume-table');
	if (!(await table.evaluate((details) => (details as HTMLDetailsElement).open))) {
		await table.getByText('Show the volume chart as a table').click();
	}
	return table;
}

const figure = (page: Page, key: string) =>
	page.getByTestId('range-figures').locator(`[data-figure="${key}"] dd`);

test('the picture appears for Yesterday with the grid’s filters, says which, and is gone on Today', async ({
	page
}) => {
	await openYesterday(page);
	await expect(page.getByTestId('picture-follows')).toContainText(`DID contains “${DID}”`);
	await expect(page.getByTestId('picture-follows')).toContainText(tenant.timezone);
	await expect(figure(page, 'offered')).toHaveText('3');
	await expect(figure(page, 'answered')).toHaveText('3');
	await expect(figure(page, 'avgWait')).toHaveText('0:20');
	await expect(page.getByTestId('volume-chart').locator('canvas')).toBeVisible();
	const queues = page.getByTestId('queue-table');
	await expect(queues.getByRole('row', { name: new RegExp(tenant.queues[0].name) })).toContainText(
		'3'
	);
	await expect(page.getByTestId('agent-table').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByTestId('agent-table')).toContainText(tenant.agents[0].name);

	const audit = await new AxeBuilder({ page }).include('[data-testid="range-picture"]').analyze();
	expect(audit.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

	await page.getByRole('radio', { name: 'Today' }).click();
	await expect(page).not.toHaveURL(/range=/);
	await expect(page.getByTestId('range-picture')).toHaveCount(0);
	await page.getByRole('radio', { name: 'Yesterday' }).click();
	await expect(figure(page, 'offered')).toHaveText('3');
});

test('the queue table exports as CSV with the time zone in its header', async ({ page }) => {
	await openYesterday(page);
	// The queue table as CSV: the zone in the header, raw values, only the scope's queues.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('queue-table').getByRole('button', { name: 'Export queues CSV' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^queues_.*\.csv$/);
	const csv = readFileSync((await download.path())!, 'utf8')
		.replace(/^\uFEFF/, '')
		.split('\r\n');
	expect(csv[0]).toBe(
		`Range (${tenant.timezone}),Queue,Offered,Answered,Abandoned,Service level (%),Abandon rate (%),Avg wait (s),90th pct wait (s),Avg talk (s),Avg ACW (s)`
	);
	const queueLine = csv.find((line) => line.includes(`,${tenant.queues[0].name},`));
	expect(queueLine).toMatch(
		/^\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2},.*,3,3,0,66\.7,0,20,30,120,30$/
	);
	const bad = await page.request.get('/api/insight/export?range=yesterday&table=calls');
	expect(bad.status()).toBe(400);
	expect(((await bad.json()) as { message: string }).message).toContain(
		'table is queues or agents'
	);
});

test('a supervisor’s table CSV lists its own queues only', async ({ page }) => {
	await signIn(page, 'pw.supervisor');
	const response = await page.request.get('/api/insight/export?range=yesterday&table=queues');
	expect(response.status()).toBe(200);
	const names = (await response.text())
		.replace(/^\uFEFF/, '')
		.split('\r\n')
		.slice(1)
		.filter(Boolean)
		.map((line) => line.split(',')[1]);
	expect(names).toEqual([tenant.queues[0].name]);
});

/**
 * Clicks the chart's canvas over one quarter hour of the day (the x axis spans the range), after
 * the readout under the chart confirms the pointer is on that bar.
 */
async function clickQuarter(page: Page, quarter: number, label: RegExp): Promise<void> {
	const over = page.getByTestId('volume-chart').locator('.u-over');
	const box = (await over.boundingBox())!;
	const x = box.x + (box.width * (quarter + 0.5)) / 96;
	const y = box.y + box.height - 5;
	await page.mouse.move(x, y);
	await expect(page.getByTestId('volume-readout')).toHaveText(label);
	await page.mouse.click(x, y);
}

test('a bar click narrows the grid and the URL to its quarter hour', async ({ page }) => {
	await openYesterday(page);
	for (const id of [FIRST, FIRST + 1, LAST]) {
		await expect(page.locator(`tr[data-id="${id}"]`)).toBeVisible();
	}
	await clickQuarter(page, 40, /10:00–10:15: 2 offered/);
	await expect(page).toHaveURL(/range=custom/);
	const url = new URL(page.url());
	expect(url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}T10:00$/);
	expect(url.searchParams.get('to')).toMatch(/^\d{4}-\d{2}-\d{2}T10:15$/);
	expect(url.searchParams.get('did')).toBe(DID);
	await expect(page.locator(`tr[data-id="${LAST}"]`)).toHaveCount(0);
	await expect(page.locator(`tr[data-id="${FIRST}"]`)).toBeVisible();
	await expect(page.locator(`tr[data-id="${FIRST + 1}"]`)).toBeVisible();
	await expect(page.getByTestId('row-count')).toContainText('2 interactions');
	await expect(page.getByTestId('row-count')).toContainText(/\d{4}-\d{2}-\d{2} 10:00 to 10:15/);
	await expect(page.getByTestId('narrowed')).toContainText('Narrowed to 10:00–10:15');
	// The picture follows the narrower range too.
	await expect(figure(page, 'offered')).toHaveText('2');

	// The address is the view: opened afresh, it shows the same quarter hour.
	await page.goto(url.pathname + url.search);
	await page.locator('body[data-hydrated]').waitFor();
	await expect(page.locator(`tr[data-id="${FIRST}"]`)).toBeVisible();
	await expect(page.locator(`tr[data-id="${LAST}"]`)).toHaveCount(0);
});

test('the chart reads as a table, and from the keyboard: arrows move between bars, Enter narrows', async ({
	page
}) => {
	await openYesterday(page);
	const table = await openVolumeTable(page);
	const quarter = table.getByRole('row', { name: /10:00–10:15/ });
	await expect(quarter.getByRole('cell')).toHaveText(['1', '1', '0', '0', '2', '100.0%']);
	await expect(
		table
			.getByRole('row', { name: /14:00–14:15/ })
			.getByRole('cell')
			.nth(4)
	).toHaveText('1');
	await expect(table.locator('tbody tr')).toHaveCount(96);

	const chart = page.getByRole('slider', { name: /Volume chart/ });
	await chart.focus();
	await expect(chart).toHaveAttribute('aria-valuetext', /00:00–00:15: 0 offered/);
	// 10:00 is the 41st quarter of the day.
	for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
	await expect(chart).toHaveAttribute(
		'aria-valuetext',
		/10:00–10:15: 2 offered \(Voice 1, Chat 1\)/
	);
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}T10%3A00/);
	await expect(page.locator(`tr[data-id="${LAST}"]`)).toHaveCount(0);

	// The table's button narrows the same way.
	await page.goBack();
	await expect(page.locator(`tr[data-id="${LAST}"]`)).toBeVisible();
	await openVolumeTable(page);
	await page.getByRole('button', { name: /14:00–14:15/ }).click();
	await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}T14%3A00/);
	await expect(page.locator(`tr[data-id="${FIRST}"]`)).toHaveCount(0);
	await expect(page.locator(`tr[data-id="${LAST}"]`)).toBeVisible();
});
