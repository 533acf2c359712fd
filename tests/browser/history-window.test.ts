import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import type { Locator, Page } from '@playwright/test';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { writeToneWav } from '../../scripts/lib/wav';
import { expect, pbxPool, signIn, tenants, test } from './fixtures';

/**
 * The client history window as a reader uses it: it fits a laptop screen, live rows
 * wait behind "N new — show", the transcript names its call, seeks and follows the recording,
 * and Escape in its search clears the search before it closes anything.
 */

const tenant = tenants[0];
const PHONE = '+15557770001';
const WINDOW = `/interactions?win=${encodeURIComponent(`phone:${PHONE}`)}`;
const CALL = 8_100_001;
const SEGMENTS = Array.from({ length: 10 }, (_, i) => ({
	speaker: i % 2 === 0 ? 'customer' : 'agent',
	start: i,
	end: i + 1,
	text: `Line ${i}: a long enough sentence about the invoice so that every turn takes some room.`
}));
/** A second voice call with a recording and a transcription: never to be mixed with CALL. */
const OTHER_CALL = CALL + 3;
const AGENT_REPLY = 'I have found your parcel at the depot and booked a redelivery for tomorrow.';
const LAST_WORDS = 'Thank you, that is all I needed today.';
let db: mysql.Pool;

test.beforeAll(async () => {
	db = pbxPool();
	const now = Date.now();
	const row = (id: number, createdMs: number, channel: string, body: string | null, rec: string | null) => [
		id, `h-${id}`, tenant.id, tenant.queues[0].id, channel, tenant.agents[0].id, null, PHONE,
		'+18005550100', tenant.dispositions[0].id, msToSqlTime(createdMs), msToSqlTime(createdMs + 60_000),
		msToSqlTime(createdMs + 30_000), 5, 120, 30, body, rec
	]; // prettier-ignore
	const long = 'Customer: '
		.concat('my parcel never arrived and nobody answers the phone '.repeat(4))
		.concat(`\nAgent: ${AGENT_REPLY}\nCustomer: ${LAST_WORDS}`);
	await db.query(
		`INSERT IGNORE INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   crm_contact_id, phone_number, did, disposition_id, created_at, closed_at, answered_at,
		   wait_seconds, talk_seconds, acw_seconds, message_body, recording_file) VALUES ?`,
		[
			[
				row(CALL, now - 5 * 60_000, 'voice', null, `browser/${CALL}.wav`),
				row(CALL + 1, now - 50 * 60_000, 'chat', long, null),
				row(CALL + 2, now - 70 * 60_000, 'voice', null, null),
				row(OTHER_CALL, now - 30 * 60_000, 'voice', null, `browser/${OTHER_CALL}.wav`)
			]
		]
	);
	await db.query(
		`INSERT IGNORE INTO transcriptions (interaction_id, language, segments, created_at) VALUES (?, 'en', ?, UTC_TIMESTAMP(3))`,
		[CALL, JSON.stringify(SEGMENTS)]
	);
	await db.query(
		`INSERT IGNORE INTO transcriptions (interaction_id, language, segments, created_at) VALUES (?, 'en', ?, UTC_TIMESTAMP(3))`,
		[OTHER_CALL, JSON.stringify([{ speaker: 'agent', start: 0, end: 2, text: 'The other call.' }])]
	);
	const root = process.env.IL_RECORDINGS_ROOT ?? '';
	await writeToneWav(path.join(root, 'browser', `${CALL}.wav`), 10, 7);
	await writeToneWav(path.join(root, 'browser', `${OTHER_CALL}.wav`), 10, 5);
});

test.afterAll(async () => {
	await db.end();
});

async function openWindow(page: Page): Promise<Locator> {
	await signIn(page, 'pw.admin');
	await page.goto(WINDOW);
	await page.locator('body[data-hydrated]').waitFor();
	const dialog = page.getByTestId('history-window');
	await expect(dialog.locator(`tr[data-id="${CALL}"]`)).toBeVisible();
	return dialog;
}

/** Whether the element's box lies inside the box of `within` (default: the viewport). */
async function inside(element: Locator, within?: Locator): Promise<boolean> {
	const box = await element.boundingBox();
	const outer = within
		? await within.boundingBox()
		: { x: 0, y: 0, ...(element.page().viewportSize() ?? { width: 0, height: 0 }) };
	if (!box || !outer) return false;
	return (
		box.x >= outer.x - 1 &&
		box.y >= outer.y - 1 &&
		box.x + box.width <= outer.x + outer.width + 1 &&
		box.y + box.height <= outer.y + outer.height + 1
	);
}

for (const size of [
	{ width: 1440, height: 900 },
	{ width: 1280, height: 720 }
]) {
	test(`the window fits ${size.width}×${size.height} without sideways scrolling`, async ({
		page
	}) => {
		await page.setViewportSize(size);
		const dialog = await openWindow(page);
		const overflow = await dialog.evaluate((element) =>
			[element, ...element.querySelectorAll('*')]
				.filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
				.map((e) => `${e.tagName}.${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)
		); // prettier-ignore
		expect(overflow).toEqual([]);
		const first = dialog.locator('tbody tr').first();
		await expect(first).toHaveAttribute('data-id', String(CALL));
		for (const name of ['Play', 'View']) {
			const control = first.getByRole('button', { name, exact: true });
			await expect(control).toBeVisible();
			expect(await inside(control), `${name} inside the viewport`).toBe(true);
		}
		const header = dialog.getByRole('columnheader', { name: 'Transcription' });
		expect(await inside(header), 'Transcription header inside the viewport').toBe(true);
	});
}

test('live rows for the person wait behind "N new — show"', async ({ page, pbx }) => {
	const dialog = await openWindow(page);
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const id = 8_100_050;
	await pbx.insertNew({ id, tenantId: tenant.id, queueId: tenant.queues[0].id, phone: PHONE });
	const show = dialog.getByRole('button', { name: /1 new — show/ });
	await expect(show).toBeVisible();
	await expect(dialog.locator(`tr[data-id="${id}"]`)).toHaveCount(0);
	await expect(dialog.locator('tbody tr').first()).toHaveAttribute('data-id', String(CALL));
	await show.click();
	await expect(dialog.locator('tbody tr').first()).toHaveAttribute('data-id', String(id));
	await expect(show).toBeHidden();
	// A change to a row already on screen is no insertion: it still applies in place.
	await pbx.answer(id, tenant.agents[0].id);
	await expect(dialog.locator(`tr[data-id="${id}"]`)).toHaveAttribute('data-status', 'active');
});

test('the transcript names its call, seeks the recording and follows it', async ({ page }) => {
	const dialog = await openWindow(page);
	await dialog
		.locator(`tr[data-id="${CALL}"]`)
		.getByRole('button', { name: 'View', exact: true })
		.click();
	const pane = dialog.getByTestId('call-pane');
	const panel = pane.getByRole('region', { name: /^Transcription of/ });
	const heading = pane.getByRole('heading');
	await expect(heading).toContainText('Voice');
	await expect(heading).toContainText(tenant.queues[0].name);
	await expect(heading).toContainText(tenant.agents[0].name);
	await expect(heading).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

	const lines = panel.getByRole('listitem');
	const list = panel.getByRole('list');
	// A timestamp is a button: it opens the player at that moment.
	await lines
		.nth(6)
		.getByRole('button', { name: /Play from 00:06/ })
		.click();
	const time = dialog.getByTestId('player-time');
	await expect(time).toHaveText(/^0:0[6-9] \//, { timeout: 10_000 });
	// Line 6 or, on a slow machine that already played on, a later one: never an earlier one.
	await expect(panel.locator('li[aria-current="true"]')).toContainText(/Line [6-9]:/);

	// Playback moves the current line and keeps it in view, whatever moved the audio.
	const player = dialog.getByRole('group', { name: /Recording of/ });
	const play = player.getByRole('button', { name: /^(Play|Pause)$/ });
	if ((await play.textContent())?.includes('Pause')) await play.click();
	await player.getByLabel('Seek').focus();
	await page.keyboard.press('Home');
	await expect(lines.nth(0)).toHaveAttribute('aria-current', 'true');
	await expect.poll(() => inside(lines.nth(0), list)).toBe(true);
	await page.keyboard.press('End');
	await expect(lines.nth(9)).toHaveAttribute('aria-current', 'true');
	await expect.poll(() => inside(lines.nth(9), list)).toBe(true);
	expect(await inside(lines.nth(0), list)).toBe(false);

	// Player and transcript open together stay axe-clean.
	const result = await new AxeBuilder({ page }).analyze();
	const serious = result.violations.filter(
		(v) => v.impact === 'serious' || v.impact === 'critical'
	);
	expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

test('Escape in the transcript search clears the search, not the window', async ({ page }) => {
	const dialog = await openWindow(page);
	await dialog
		.locator(`tr[data-id="${CALL}"]`)
		.getByRole('button', { name: 'View', exact: true })
		.click();
	const search = dialog.getByLabel('Search in transcript');
	await search.fill('Line 3');
	await expect(dialog.getByTestId('transcript-matches')).toContainText('1 match');
	await search.press('Escape');
	await expect(search).toHaveValue('');
	await expect(dialog.getByTestId('transcript-matches')).toBeHidden();
	await expect(dialog).toBeVisible();
	await expect(page).toHaveURL(/win=/);
	// With nothing left to clear, Escape closes the window as anywhere else in it.
	await search.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(page).not.toHaveURL(/win=/);
});

/** The opened call's pane, with what its player says it holds. */
const paneOf = (dialog: Locator) => dialog.getByTestId('call-pane');

test('a chat conversation reads in full, turn by turn (issue 26, item 5)', async ({ page }) => {
	const dialog = await openWindow(page);
	const row = dialog.locator(`tr[data-id="${CALL + 1}"]`);
	// The list keeps its 80-character preview; the whole text is one click away.
	await expect(row).not.toContainText(LAST_WORDS);
	await row.getByRole('button', { name: 'Read the whole conversation' }).click();
	const pane = paneOf(dialog);
	await expect(pane).toHaveAttribute('data-id', String(CALL + 1));
	await expect(pane.getByRole('heading')).toContainText('Chat');
	const conversation = pane.getByRole('region', { name: /^Conversation of Chat/ });
	const turns = conversation.getByRole('listitem');
	await expect(turns).toHaveCount(3);
	await expect(turns.nth(0)).toContainText('Customer');
	await expect(turns.nth(0)).toContainText(
		'my parcel never arrived and nobody answers the phone '.repeat(4).trim()
	);
	await expect(turns.nth(1)).toContainText('Agent');
	await expect(turns.nth(1)).toContainText(AGENT_REPLY);
	await expect(turns.nth(2)).toContainText(LAST_WORDS);
	await conversation.getByLabel('Search in conversation').fill('redelivery');
	await expect(conversation.getByTestId('transcript-matches')).toContainText('1 match');
});

test('at 1366×768 a playing call leaves the history its height, and one click plays (item 7)', async ({
	page
}) => {
	await page.setViewportSize({ width: 1366, height: 768 });
	const dialog = await openWindow(page);
	const scroll = dialog.locator('.scroll');
	const before = (await scroll.boundingBox())?.height ?? 0;
	await dialog
		.locator(`tr[data-id="${CALL}"]`)
		.getByRole('button', { name: 'Play', exact: true })
		.click();
	const pane = paneOf(dialog);
	// One click: the recording plays, no second Play in the player.
	const player = pane.getByRole('group', { name: /^Recording of Voice/ });
	await expect(player.getByRole('button', { name: /Pause/ })).toBeVisible({ timeout: 10_000 });
	await expect(dialog.getByTestId('player-time')).toHaveText(/^0:0[1-9] \//, { timeout: 10_000 });
	// The transcript of the same call is open beside it.
	await expect(pane.getByRole('region', { name: /^Transcription of Voice/ })).toBeVisible();
	const box = await scroll.boundingBox();
	const dialogBox = await dialog.boundingBox();
	expect(box && dialogBox).toBeTruthy();
	// The list keeps most of the window: rows, not two of them (a row is about 40 px).
	expect(box!.height).toBeGreaterThanOrEqual(Math.min(before, 0.6 * dialogBox!.height));
	expect(box!.height).toBeGreaterThan(400);
	expect(await inside(dialog.locator(`tr[data-id="${CALL}"]`), scroll)).toBe(true);
});

test('the player names its call, and player and transcript are always the same call (item 7)', async ({
	page
}) => {
	const dialog = await openWindow(page);
	await dialog
		.locator(`tr[data-id="${CALL}"]`)
		.getByRole('button', { name: 'Play', exact: true })
		.click();
	const pane = paneOf(dialog);
	const said = pane.getByTestId('player-call');
	await expect(said).toContainText('Voice');
	await expect(said).toContainText(tenant.queues[0].name);
	await expect(said).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
	const first = await said.textContent();
	// Another call's transcript: the player follows, it never keeps playing the first call.
	await dialog
		.locator(`tr[data-id="${OTHER_CALL}"]`)
		.getByRole('button', { name: 'View', exact: true })
		.click();
	await expect(pane).toHaveAttribute('data-id', String(OTHER_CALL));
	await expect(pane.getByRole('listitem')).toHaveText(/The other call\./);
	await expect(said).not.toHaveText(first ?? '');
	const heading = await pane.getByRole('heading').textContent();
	await expect(said).toHaveText(`Recording of ${heading}`);
	const sources = await dialog
		.locator('audio')
		.evaluateAll((audios) =>
			audios.map((a) => (a as HTMLAudioElement).currentSrc || a.getAttribute('src'))
		);
	expect(sources).toHaveLength(1);
	expect(sources[0]).toContain(`/api/recordings/${OTHER_CALL}`);
	// Nothing plays that the reader did not ask for.
	expect(await dialog.locator('audio').evaluate((a) => (a as HTMLAudioElement).paused)).toBe(true);
});
