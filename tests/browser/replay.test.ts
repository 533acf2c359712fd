import type mysql from 'mysql2/promise';
import type { Page } from '@playwright/test';
import { clockInZone } from '../../src/lib/format';
import { formatAt } from '../../src/lib/replay/at';
import { startOfZonedDay } from '../../src/lib/time/zone';
import { adminPool } from '../../scripts/lib/sandbox';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { deleteRows, expect, pbxPool, signIn, tenants, test } from './fixtures';

/**
 * Replay (issue 25), end to end in Chromium: the screen at `?at=T` is the screen the live grid
 * showed at T. During a run of interactions written with the PBX's own statements, the live
 * grid's rows (every cell) and the strip's figures are recorded at several instants; then
 * `?at=` for each instant must show exactly the same. Rows are ids 7_600_xxx in a queue no other
 * file writes to alone, deleted after each test.
 */

const tenant = tenants[0]; // Acme Health, America/Chicago
const queue = tenant.queues[5] ?? tenant.queues[tenant.queues.length - 1];
const [agentA, agentB] = tenant.agents;
const dispositionId = tenant.dispositions[0]?.id ?? null;
const BASE = 7_600_000;
/** A cleared alert of this file (no screen lists one cleared on a day of 2025). */
const BREACH_ID = 7_600_001;
let db: mysql.Pool;
let dashboard: mysql.Pool;

test.beforeAll(() => {
	db = pbxPool();
	const env = JSON.parse(process.env.IL_APP_ENV ?? '{}') as Record<string, string>;
	const database = new URL(env.DASHBOARD_DATABASE_URL).pathname.slice(1);
	dashboard = adminPool(Number(process.env.IL_MARIADB_PORT), { database, connectionLimit: 1 });
});
test.afterEach(async () => {
	await deleteRows(db, BASE, BASE + 99_999);
	await dashboard.query('DELETE FROM alerts WHERE id = ?', [BREACH_ID]);
});
test.afterAll(async () => {
	await db.end();
	await dashboard.end();
});

interface Screen {
	rows: [string, string][];
	figures: string;
	longest: string;
}

/** The grid's rows (every cell) and the queue's strip figures, read in one turn of the page. */
function readScreen(page: Page): Promise<Screen> {
	return page.evaluate((queueId) => {
		const rows = [...document.querySelectorAll<HTMLElement>('#interactions-grid tbody tr[data-id]')]
			.map((tr): [string, string] => [
				tr.dataset.id ?? '',
				[...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '').join(' | ')
			])
			.sort((a, b) => a[0].localeCompare(b[0]));
		const tile = document.querySelector<HTMLElement>(
			`[data-testid="summary-strip"] li[data-queue="${queueId}"]`
		);
		const longest = tile?.querySelector('[data-testid="summary-longest"]')?.textContent ?? '';
		return {
			rows,
			figures: `${tile?.dataset.level ?? ''} ${tile?.innerText ?? 'no tile'}`,
			longest: longest.trim()
		};
	}, queue.id);
}

const seconds = (text: string) =>
	text
		.split(/\s/)[0]
		.split(':')
		.reduce((total, part) => total * 60 + Number(part), 0);

test('the screen at ?at=T is the screen the live grid showed at T, rows, statuses and figures', async ({
	browser,
	page,
	pbx
}) => {
	test.setTimeout(150_000);
	await page.setViewportSize({ width: 1500, height: 2200 });
	await signIn(page, 'pw.admin');
	await page.goto(`/interactions?queue=${queue.id}`);
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);

	// Every moment the PBX writes is a whole second, as DATETIME(3) holds them: a screen's clock
	// then reads the same whole seconds of wait and talk at T and at any instant of T's second.
	const second = () => Math.floor(Date.now() / 1000) * 1000;
	const created = new Map<number, number>();
	const enter = async (n: number) => {
		const at = second();
		created.set(BASE + n, at);
		await pbx.insertNew({ id: BASE + n, tenantId: tenant.id, queueId: queue.id, createdAt: new Date(at) }); // prettier-ignore
	};
	const answer = (n: number, agent = agentA) => pbx.answer(BASE + n, agent.id, second());
	const wrapUp = (n: number) => pbx.startAcw(BASE + n, second());
	const close = (n: number) => pbx.close(BASE + n, { atMs: second(), dispositionId });
	const abandon = (n: number) => pbx.close(BASE + n, { atMs: second() });
	const phases: (() => Promise<unknown>)[] = [
		async () => Promise.all([enter(1), enter(2), enter(3)]),
		async () => Promise.all([answer(1), enter(4), enter(5)]),
		async () => Promise.all([wrapUp(1), answer(2, agentB), abandon(3), enter(6)]),
		async () => Promise.all([close(1), wrapUp(2), answer(4), enter(7)]),
		async () => Promise.all([close(2), answer(5, agentB), abandon(6), enter(8)])
	];

	const recorded: { atMs: number; screen: Screen }[] = [];
	for (const phase of phases) {
		await phase();
		// The screen catches up (a quiet second and more), then is read as it stands.
		await page.waitForTimeout(1600);
		const screen = await readScreen(page);
		// The instant the page's clock last ticked, to the second: the oldest waiting contact's
		// creation plus the longest wait the strip shows (both whole seconds).
		const waiting = screen.rows
			.filter(([, cells]) => / \| New/.test(cells))
			.map(([id]) => created.get(Number(id)) ?? Infinity);
		const oldest = Math.min(...waiting);
		expect(Number.isFinite(oldest), 'a contact is waiting at every instant').toBe(true);
		recorded.push({ atMs: oldest + seconds(screen.longest) * 1000, screen });
		await page.waitForTimeout(1200);
	}
	const ours = (screen: Screen) => screen.rows.filter(([id]) => created.has(Number(id))).length;
	expect(recorded.map((r) => ours(r.screen))).toEqual([3, 5, 6, 7, 8]);

	const replay = await browser.newPage({
		storageState: await page.context().storageState(),
		viewport: { width: 1500, height: 2200 }
	});
	try {
		for (const { atMs, screen } of recorded) {
			const at = formatAt(atMs, tenant.timezone);
			await replay.goto(`/interactions?queue=${queue.id}&at=${encodeURIComponent(at)}`);
			await expect(replay.getByTestId('row-count')).toContainText('as at');
			await expect(replay.getByTestId('replay-time')).toHaveText(
				clockInZone(atMs, tenant.timezone)
			);
			// Not live in any way: no Live badge, no freshness.
			await expect(replay.getByTestId('connection-status')).toHaveCount(0);
			await expect(replay.locator('#interactions-grid tbody tr[data-id]')).toHaveCount(
				screen.rows.length
			);
			expect(await readScreen(replay), `the screen at ${at}`).toEqual(screen);
		}
	} finally {
		await replay.close();
	}
});

test('Chicago’s repeated November hour: the offset in the address and the slider tell the two apart', async ({
	page,
	pbx
}) => {
	// 01:20 CDT (06:20Z) and 01:20 CST (07:20Z) on 2025-11-02, each closed ten minutes later.
	const first = Date.parse('2025-11-02T06:20:00Z');
	const second = Date.parse('2025-11-02T07:20:00Z');
	const closedRow = (id: number, createdMs: number) => ({
		id,
		uniqueid: `u-${id}`,
		tenantId: tenant.id,
		queueId: queue.id,
		channel: 'voice' as const,
		phoneNumber: '+15550100',
		did: '+15550999',
		createdMs,
		answeredMs: createdMs + 5000,
		acwMs: createdMs + 60_000,
		closedMs: createdMs + 600_000
	});
	await pbx.insertClosed([closedRow(BASE + 11, first), closedRow(BASE + 12, second)]);
	// A breach of that day at 01:10 CST (07:10Z), cleared five minutes later: a mark on the slider.
	const firedMs = Date.parse('2025-11-02T07:10:00Z');
	await dashboard.query(
		`INSERT INTO alerts (id, tenant_id, queue_id, rule_id, open, metric, level, channels, summary,
		   value, threshold, fired_at, fired_fence, cleared_at)
		 VALUES (?, ?, ?, ?, NULL, 'waiting-count', 'critical', 'screens,walls', ?, 5, 3, ?, 1, ?)`,
		[BREACH_ID, tenant.id, queue.id, BREACH_ID, 'Waiting 5 (over 3)', msToSqlTime(firedMs), msToSqlTime(firedMs + 300_000)] // prettier-ignore
	);
	await signIn(page, 'pw.admin');

	await page.goto(`/interactions?queue=${queue.id}&at=2025-11-02T01:40-05:00`);
	await expect(page.getByTestId('replay-time')).toHaveText('01:40:00 (UTC-05:00)');
	const rows = page.locator('#interactions-grid tbody tr[data-id]');
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toHaveAttribute('data-id', String(BASE + 11));

	// An hour later on the slider is the same wall-clock time, the second time round.
	const slider = page.getByTestId('replay-slider');
	await slider.focus();
	await page.keyboard.press('PageUp');
	await expect(page.getByTestId('replay-time')).toHaveText('01:40:00 (UTC-06:00)');
	await expect(rows).toHaveCount(2);
	await expect(page).toHaveURL(/at=2025-11-02T01%3A40-06%3A00|at=2025-11-02T01:40-06:00/);

	// The address alone gives the second one too.
	await page.goto(`/interactions?queue=${queue.id}&at=2025-11-02T01:25-06:00`);
	await expect(page.getByTestId('replay-time')).toHaveText('01:25:00 (UTC-06:00)');
	await expect(rows).toHaveCount(2);
	await expect(page.locator(`tr[data-id="${BASE + 12}"]`)).toContainText('ACW');

	// What the PBX cannot tell is said on the screen; the day's breach is a mark that goes there.
	await expect(page.getByTestId('replay')).toContainText('keeps only the final queue');
	const mark = page.getByTestId('replay-breach');
	await expect(mark).toHaveCount(1);
	await expect(mark).toHaveAttribute('title', /01:10:00 Critical: .* — Waiting 5 \(over 3\)/);
	await mark.click();
	await expect(page.getByTestId('replay-time')).toHaveText('01:10:00 (UTC-06:00)');
	await expect(rows).toHaveCount(1);
	await expect(page).toHaveURL(/at=2025-11-02T01(%3A|:)10-06(%3A|:)00/);
});

test('the time control: minute and hour keys, play, a refused time, and back to live', async ({
	page,
	pbx
}) => {
	// Yesterday, late morning: an hour either side of it is the same day at whatever hour the
	// test runs (three hours back from now crossed midnight when run just after it, and the slider
	// stops at the day's start).
	const createdMs = startOfZonedDay(Date.now(), tenant.timezone) - 13 * 3_600_000;
	await pbx.insertClosed([
		{
			id: BASE + 21,
			uniqueid: `u-${BASE + 21}`,
			tenantId: tenant.id,
			queueId: queue.id,
			channel: 'chat',
			phoneNumber: '+15550100',
			did: '+15550999',
			createdMs,
			answeredMs: createdMs + 30_000,
			acwMs: createdMs + 90_000,
			closedMs: createdMs + 120_000
		}
	]);
	await signIn(page, 'pw.admin');
	await page.goto(`/interactions?queue=${queue.id}`);
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await page.getByTestId('replay-open').click();
	await expect(page.getByTestId('replay')).toContainText('Replaying');
	await expect(page.getByTestId('connection-status')).toHaveCount(0);
	await expect(page).toHaveURL(/[?&]at=/);

	// 15 s after it entered: waiting (answered at 30 s, ACW at 90 s, closed at 120 s).
	await page.goto(
		`/interactions?queue=${queue.id}&at=${formatAt(createdMs + 15_000, tenant.timezone)}`
	);
	const row = page.locator(`tr[data-id="${BASE + 21}"]`);
	await expect(row).toContainText('New');
	const slider = page.getByTestId('replay-slider');
	await slider.focus();
	await page.keyboard.press('ArrowRight');
	await expect(row).toContainText('Active');
	await page.keyboard.press('ArrowRight');
	await expect(row).toContainText('Closed');
	await page.keyboard.press('ArrowLeft');
	await page.keyboard.press('ArrowLeft');
	await expect(row).toContainText('New');
	await page.keyboard.press('PageDown');
	await expect(row).toHaveCount(0);
	const hourBefore = formatAt(createdMs + 15_000 - 3_600_000, tenant.timezone);
	await expect(page).toHaveURL(new RegExp(`at=${hourBefore.slice(0, 13)}`));
	await page.keyboard.press('PageUp');
	await expect(row).toContainText('New');

	// 60× plays a minute a second: the row moves on without a key.
	await page.getByTestId('play-60').click();
	await expect(page.getByTestId('play-60')).toHaveAttribute('aria-pressed', 'true');
	await expect(row).toContainText('Closed', { timeout: 20_000 });
	await page.getByTestId('play-60').click();
	await expect(page.getByTestId('play-60')).toHaveAttribute('aria-pressed', 'false');

	await page.getByTestId('back-to-live').click();
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await expect(page.getByTestId('replay')).toHaveCount(0);
	expect(new URL(page.url()).searchParams.get('at')).toBeNull();
	expect(new URL(page.url()).searchParams.get('queue')).toBe(String(queue.id));

	await page.goto(`/interactions?at=2026-03-08T02:30`);
	await expect(page.getByTestId('replay-error')).toContainText('skipped');
});

test('the wall at ?at= shows its tiles as they were, with no freshness pill', async ({
	page,
	pbx
}) => {
	// 2025-10-15 in Chicago (CDT, UTC-05:00): A waits 10:00–10:01 and talks to 10:05; B waits
	// from 10:02 and gives up at 10:04; C is answered at 10:03:30 and talks to 10:20.
	const t = (hhmmss: string) => Date.parse(`2025-10-15T${hhmmss}-05:00`);
	const row = (n: number, created: string, answered: string | null, acw: string | null, closed: string) => ({
		id: BASE + n,
		uniqueid: `u-${BASE + n}`,
		tenantId: tenant.id,
		queueId: queue.id,
		channel: 'voice' as const,
		agentId: answered ? agentA.id : null,
		phoneNumber: '+15550100',
		did: '+15550999',
		createdMs: t(created),
		answeredMs: answered ? t(answered) : null,
		acwMs: acw ? t(acw) : null,
		closedMs: t(closed)
	}); // prettier-ignore
	await pbx.insertClosed([
		row(31, '10:00:00', '10:01:00', '10:05:00', '10:07:00'),
		row(32, '10:02:00', null, null, '10:04:00'),
		row(33, '10:03:00', '10:03:30', '10:20:00', '10:21:00')
	]);
	await signIn(page, 'pw.admin');
	await page.goto(`/wall?queues=${queue.id}&at=2025-10-15T10:03:45`);
	await expect(page.getByTestId('replay-time')).toHaveText('10:03:45');
	await expect(page.getByTestId('freshness')).toHaveCount(0);
	const tile = page.locator('section.tile');
	await expect(tile.getByTestId('count-new')).toHaveText('1');
	await expect(tile.getByTestId('longest-wait')).toHaveText('1:45');
	await expect(tile.getByTestId('count-active')).toHaveText('2');
	await expect(tile.getByTestId('count-closed')).toHaveText('0');

	// A minute later B has given up, and A and C still talk.
	await page.getByTestId('replay-slider').focus();
	await page.keyboard.press('ArrowRight');
	await expect(page.getByTestId('replay-time')).toHaveText('10:04:45');
	await expect(tile.getByTestId('count-new')).toHaveText('0');
	await expect(tile.getByTestId('count-closed')).toHaveText('1');
	await expect(page).toHaveURL(/at=2025-10-15T10%3A04%3A45|at=2025-10-15T10:04:45/);

	await page.getByTestId('back-to-live').click();
	await expect(page.getByTestId('freshness')).toBeVisible();
	await expect(page.getByTestId('replay')).toHaveCount(0);
});
