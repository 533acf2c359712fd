import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import type { Page } from '@playwright/test';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { writeToneWav } from '../../scripts/lib/wav';
import { expect, pbxPool, signIn, tenants, test } from './fixtures';

/**
 * The Interactions screen against real MariaDB data: filters, date shortcuts, a custom range
 * across a DST change in America/Chicago, the URL as the whole view, both history windows, a
 * recording played and seeked (206), a transcription, the export compared with SQL, and axe.
 */

const tenant = tenants[0]; // Acme Health, America/Chicago
const HOUR = 3_600_000;
let db: mysql.Pool;

test.beforeAll(async () => {
	db = pbxPool();
	const [q0, q1] = tenant.queues;
	const [a0, a1] = tenant.agents;
	const [d0, d1] = tenant.dispositions;
	const now = Date.now();
	const closed = (
		id: number,
		createdMs: number,
		o: { queue?: number; agent?: number; channel?: string; did?: string; disp?: number; phone?: string; rec?: string; body?: string }
	) => [
		id, `b-${id}`, tenant.id, o.queue ?? q0.id, o.channel ?? 'voice', o.agent ?? a0.id, null,
		o.phone ?? '+15550001111', o.did ?? '+18005550100', o.disp ?? d0.id, msToSqlTime(createdMs),
		msToSqlTime(createdMs + 60_000), msToSqlTime(createdMs + 30_000), 5, 120, 30, o.body ?? null, o.rec ?? null
	]; // prettier-ignore
	const rows = [
		// Today (created within the last hour, so "today" in Chicago for all but a minute a day).
		closed(8_000_001, now - 10 * 60_000, {
			channel: 'chat',
			body: 'Customer: my bill is wrong\nAgent: let me check'
		}),
		closed(8_000_002, now - 20 * 60_000, {
			queue: q1.id,
			agent: a1.id,
			did: '+18005550777',
			disp: d1.id
		}),
		closed(8_000_003, now - 30 * 60_000, { channel: 'sms', phone: '+15559990000' }),
		closed(8_000_004, now - 40 * 60_000, { rec: 'browser/8000004.wav' }),
		// Yesterday and last week.
		closed(8_000_010, now - 30 * HOUR, {}),
		closed(8_000_011, now - 5 * 24 * HOUR, { channel: 'whatsapp' }),
		// Around the fall-back of 2026-11-01 in Chicago (CDT → CST at 07:00Z).
		closed(8_000_020, Date.UTC(2026, 10, 1, 4, 30), {}), // Oct 31 23:30 CDT: outside
		closed(8_000_021, Date.UTC(2026, 10, 1, 5, 30), {}), // Nov 1 00:30 CDT: inside
		closed(8_000_022, Date.UTC(2026, 10, 2, 5, 30), {}), // Nov 1 23:30 CST: inside (25 h day)
		closed(8_000_023, Date.UTC(2026, 10, 2, 6, 30), {}) // Nov 2 00:30 CST: outside
	];
	await db.query(
		`INSERT IGNORE INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   crm_contact_id, phone_number, did, disposition_id, created_at, closed_at, answered_at,
		   wait_seconds, talk_seconds, acw_seconds, message_body, recording_file) VALUES ?`,
		[rows]
	);
	await db.query(
		`INSERT IGNORE INTO transcriptions (interaction_id, language, segments, created_at) VALUES (?, 'en', ?, UTC_TIMESTAMP(3))`,
		[8_000_004, JSON.stringify([
			{ speaker: 'customer', start: 0.5, end: 2, text: 'Hello, my invoice is wrong' },
			{ speaker: 'agent', start: 2.5, end: 4, text: 'Let me look at your invoice' }
		])] // prettier-ignore
	);
	const root = process.env.IL_RECORDINGS_ROOT ?? '';
	mkdirSync(path.join(root, 'browser'), { recursive: true });
	await writeToneWav(path.join(root, 'browser', '8000004.wav'), 8, 4);
});

test.afterAll(async () => {
	await db.end();
});

const ids = async (page: Page) =>
	page.locator('tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

async function open(page: Page, query = '') {
	await signIn(page, 'pw.admin');
	if (query) await page.goto(`/interactions?${query}`);
	await page.locator('body[data-hydrated]').waitFor();
	// The connection badge shows on Today only: a history range is not live.
	if (!query.includes('range=')) {
		await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	}
}

test('each filter narrows the live rows, and the URL holds it', async ({ page }) => {
	await open(page);
	await expect(page.locator('tr[data-id="8000001"]')).toBeVisible();
	await page.getByRole('combobox', { name: 'Channel' }).selectOption('chat');
	await expect(page).toHaveURL(/channel=chat/);
	expect(await ids(page)).toContain('8000001');
	expect(await ids(page)).not.toContain('8000003');
	await page.getByRole('combobox', { name: 'Channel' }).selectOption('');
	await page.getByRole('combobox', { name: 'Queue' }).selectOption(String(tenant.queues[1].id));
	await expect(page).toHaveURL(new RegExp(`queue=${tenant.queues[1].id}`));
	await expect.poll(() => ids(page)).toContain('8000002');
	expect(await ids(page)).not.toContain('8000001');
	await page.getByRole('combobox', { name: 'Queue' }).selectOption('');
	await page.getByRole('searchbox', { name: 'DID' }).fill('0777');
	await expect(page).toHaveURL(/did=0777/);
	await expect.poll(() => ids(page)).toEqual(['8000002']);
	await page.getByRole('searchbox', { name: 'DID' }).fill('');
	await page.getByRole('searchbox', { name: 'Agent' }).fill(tenant.agents[1].name.slice(0, 4));
	await expect.poll(() => ids(page)).toContain('8000002');
	await page.getByRole('searchbox', { name: 'Agent' }).fill('');
	await page
		.getByRole('combobox', { name: 'Disposition' })
		.selectOption(tenant.dispositions[1].code);
	await expect.poll(() => ids(page)).toEqual(['8000002']);
});

test('date shortcuts switch to history without reloading, and Back returns to live', async ({
	page
}) => {
	await open(page);
	await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
	await page.getByRole('radio', { name: 'Yesterday' }).click();
	await expect(page).toHaveURL(/range=yesterday/);
	// "1 interaction" or "N interactions": just after midnight yesterday may hold one row.
	await expect(page.getByTestId('row-count')).toContainText(/\d+ interactions? · /);
	for (const name of ['Last 7 days', 'Last 30 days', 'This month', 'Last month']) {
		await page.getByRole('radio', { name }).click();
		await expect(page.getByRole('radio', { name })).toHaveAttribute('aria-checked', 'true');
	}
	await page.getByRole('radio', { name: 'Last 7 days' }).click();
	await expect.poll(() => ids(page)).toContain('8000011');
	await page.goBack();
	await expect(page).toHaveURL(/range=lastMonth/);
	await page.goBack();
	await page.goBack();
	await page.goBack();
	await page.goBack();
	await page.goBack();
	await expect(page).not.toHaveURL(/range=/);
	await expect(page.getByText(/interactions · live/)).toBeVisible();
	expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
});

test('a custom range is the tenant day, 25 hours on the DST change', async ({ page }) => {
	await open(page, 'range=custom&from=2026-11-01&to=2026-11-01');
	await expect
		.poll(async () => (await ids(page)).filter((id) => id?.startsWith('800002')).sort())
		.toEqual(['8000021', '8000022']);
	// The URL round-trips: a fresh load of the same address shows the same view.
	await page.reload();
	await expect(page.getByLabel('From')).toHaveValue('2026-11-01');
	await expect
		.poll(async () => (await ids(page)).filter((id) => id?.startsWith('800002')).sort())
		.toEqual(['8000021', '8000022']);
});

test('bad input in the URL is shown next to the field, never as an empty "no data" grid', async ({
	page
}) => {
	await open(
		page,
		'range=custom&from=2026-11-05&to=2026-11-01&queue=999999&agent=' + 'x'.repeat(80)
	);
	await expect(page.getByText('To must be on or after From')).toBeVisible();
	await expect(page.getByText('Unknown queue')).toBeVisible();
	await expect(page.getByText('At most 64 characters')).toBeVisible();
	await expect(page.getByRole('alert').first()).toContainText('Nothing is shown until');
});

test('client and agent history windows, a recording and a transcription', async ({ page }) => {
	await open(page);
	const responses: number[] = [];
	page.on('response', (r) => {
		if (r.url().includes('/api/recordings/8000004')) responses.push(r.status());
	});
	await page
		.locator('tr[data-id="8000004"]')
		.getByRole('button', { name: /Client history/ })
		.click();
	const dialog = page.getByTestId('history-window');
	await expect(dialog).toBeVisible();
	await expect(page).toHaveURL(/win=phone/);
	await expect(dialog.locator('tr[data-id="8000004"]')).toBeVisible();
	await expect(dialog.locator('tr[data-id="8000001"]')).toBeVisible(); // same caller, chat
	await expect(dialog.locator('tr[data-id="8000001"]')).toContainText('my bill is wrong');

	await dialog.locator('tr[data-id="8000004"]').getByRole('button', { name: 'Play' }).click();
	// The player's own button ("Play" exactly: "Close player" must not match).
	await dialog
		.getByRole('group', { name: /Recording of/ })
		.getByRole('button', { name: 'Play', exact: true })
		.click();
	const time = dialog.getByTestId('player-time');
	await expect(time).not.toHaveText(/^0:00 \//, { timeout: 10_000 });
	await dialog.getByLabel('Seek').focus();
	await page.keyboard.press('ArrowRight');
	await expect.poll(() => responses.includes(206), { timeout: 10_000 }).toBe(true);

	await dialog.locator('tr[data-id="8000004"]').getByRole('button', { name: 'View' }).click();
	await expect(dialog.getByText('Let me look at your invoice')).toBeVisible();
	await dialog.getByLabel('Search in transcript').fill('invoice');
	await expect(dialog.getByTestId('transcript-matches')).toContainText('2');

	// Escape in the transcript search first clears it (TranscriptView); the next one closes.
	await page.keyboard.press('Escape');
	await expect(dialog.getByLabel('Search in transcript')).toHaveValue('');
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(page).not.toHaveURL(/win=/);

	await page
		.locator('tr[data-id="8000002"]')
		.getByRole('button', { name: /Agent history/ })
		.click();
	await expect(page).toHaveURL(new RegExp(`win=agent(:|%3A)${tenant.agents[1].id}`));
	await expect(page.getByTestId('history-window').locator('tr[data-id="8000002"]')).toBeVisible();
});

test('export downloads exactly the rows a SQL query of the view gives', async ({ page }) => {
	await open(page, 'range=last7&channel=voice');
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Export CSV' }).click();
	const file = await (await download).path();
	const lines = readFileSync(file, 'utf8')
		.replace(/^\uFEFF/, '')
		.trim()
		.split(/\r?\n/);
	const header = lines[0].split(',');
	const idColumn = header.indexOf('Interaction ID');
	const exported = lines
		.slice(1)
		.map((line) => line.split(',')[idColumn])
		.sort();
	const [rows] = await db.query<mysql.RowDataPacket[]>(
		`SELECT id FROM closed_interactions WHERE tenant_id = ? AND channel = 'voice'
		   AND created_at >= ? ORDER BY id`,
		[tenant.id, msToSqlTime(startOfChicagoDay(Date.now() - 6 * 24 * HOUR))]
	);
	expect(exported).toEqual(rows.map((r) => String(r.id)).sort());
});

test('axe: live grid, a history range and an open history window', async ({ page }) => {
	const audit = async (what: string) => {
		const result = await new AxeBuilder({ page }).analyze();
		const serious = result.violations.filter(
			(v) => v.impact === 'serious' || v.impact === 'critical'
		);
		expect(
			serious.map((v) => `${v.id}: ${v.help}`),
			what
		).toEqual([]);
	};
	await open(page);
	await audit('live grid');
	await page.getByRole('radio', { name: 'Last 7 days' }).click();
	await expect.poll(() => ids(page)).toContain('8000011');
	await audit('history range');
	await page
		.locator('tr[data-id="8000011"]')
		.getByRole('button', { name: /Agent history/ })
		.click();
	await expect(page.getByTestId('history-window')).toBeVisible();
	await audit('history window');
});

test('on a phone-sized screen the header wraps inside its bar: axe finds no text on the wrong ground', async ({
	page
}) => {
	// Lighthouse's mobile width: unwrapped, the links and Sign out ran past the dark bar.
	await page.setViewportSize({ width: 412, height: 823 });
	await open(page);
	const result = await new AxeBuilder({ page }).include('header.top').analyze();
	expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
	const overflow = await page
		.locator('header.top')
		.evaluate((header) => header.scrollWidth - header.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
});

test('the grid works from the keyboard', async ({ page }) => {
	await open(page);
	const first = page.locator('tbody tr[data-id]').first();
	await first.focus();
	await page.keyboard.press('ArrowDown');
	await expect(page.locator('tbody tr[data-id]').nth(1)).toBeFocused();
	await page.keyboard.press('ArrowUp');
	await expect(first).toBeFocused();
});

function startOfChicagoDay(ms: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: 'America/Chicago',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric'
	}).formatToParts(new Date(ms));
	const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
	// Chicago is UTC-5 or UTC-6: find the UTC instant whose Chicago date starts then.
	for (const offset of [5, 6]) {
		const guess = Date.UTC(get('year'), get('month') - 1, get('day'), offset);
		const check = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', hourCycle: 'h23' }).format(new Date(guess));
		if (Number(check) === 0) return guess;
	} // prettier-ignore
	throw new Error('no Chicago midnight');
}
