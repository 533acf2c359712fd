import { startOfNextZonedDay, startOfZonedDay } from '../../src/lib/time/zone';
import { expect, test } from '../support/wall';
import { expectBoardEqualsDb } from '../support/wall-board';
import { screenshot } from '../support/wall-page';
import type { Contact } from '../support/wall-pbx';

test.describe('wall display', () => {
	test('admin thresholds colour tiles and rows as the clock moves; red pulses, then holds still', async ({
		page,
		browser,
		server,
		stack,
		tenant,
		pbx,
		openWall
	}, testInfo) => {
		await server.start(0);
		const [strict, relaxed] = tenant.queues;
		await stack.createUser({ username: 'wall.admin', role: 'cc_admin', tenantId: tenant.id });
		const admin = await browser.newPage();
		await admin.goto(`${server.url}/login`);
		await admin.locator('body[data-hydrated]').waitFor();
		await admin.getByLabel('User name').fill('wall.admin');
		await admin.getByLabel('Password').fill('correct horse battery');
		await admin.getByRole('button', { name: 'Sign in' }).click();
		await admin.waitForURL(/\/interactions/);
		await admin.goto(`${server.url}/admin/thresholds`);
		await admin.locator('body[data-hydrated]').waitFor();
		const form = admin.locator(`form[data-queue="${strict.id}"]`);
		const waiting = form.getByRole('group', { name: 'Waiting' });
		await waiting.getByLabel('Amber after (s)').fill('90');
		await waiting.getByLabel('Red after (s)').fill('30');
		await form.getByRole('button', { name: /^Save/ }).click();
		await expect(form.getByText('Red must be longer than amber')).toBeVisible();
		await screenshot(admin, testInfo, 'admin-thresholds-invalid');
		await waiting.getByLabel('Amber after (s)').fill('30');
		await waiting.getByLabel('Red after (s)').fill('90');
		await form.getByRole('button', { name: /^Save/ }).click();
		await expect(form.getByText('Custom')).toBeVisible();

		const start = server.now();
		await pbx.write([
			{ queue: strict.id, createdMs: start },
			{ queue: relaxed.id, createdMs: start }
		]);
		await openWall(page);
		// What an open board re-reads every minute, on the one path a wall token may use.
		const config = await page.request.get(`${server.url}/wall`, {
			headers: { accept: 'application/json' }
		});
		const board = (await config.json()) as { queues: { id: number; thresholds: object }[] };
		expect(board.queues.find((q) => q.id === strict.id)?.thresholds).toMatchObject({
			waitAmberSeconds: 30,
			waitRedSeconds: 90
		});
		const tile = (queueId: number) => page.locator(`section.tile[data-queue="${queueId}"]`);
		const row = (queueId: number) =>
			page.locator('li.row[data-status="new"]').filter({ hasText: queueName(queueId) });
		const queueName = (id: number) => tenant.queues.find((q) => q.id === id)?.name ?? '';
		await expect(tile(strict.id)).toHaveAttribute('data-level', 'ok');
		await expect(row(strict.id)).toHaveAttribute('data-level', 'ok');

		// 45 s of waiting: over the strict queue's 30 s, under the default 60 s.
		await server.setClock(start + 45_000);
		await expect(tile(strict.id)).toHaveAttribute('data-level', 'amber', { timeout: 10_000 });
		await expect(row(strict.id)).toHaveAttribute('data-level', 'amber');
		await expect(tile(relaxed.id)).toHaveAttribute('data-level', 'ok');
		await expect(tile(strict.id).getByText('over 0:30')).toBeVisible();

		// Just over 90 s: the strict queue's row crosses into red and flashes, a second at a time
		// with the board's clock (three steps), then holds still; nothing on the list animates.
		await server.setClock(start + 90_000);
		await expect(row(strict.id)).toHaveClass(/\bflash\b/, { timeout: 10_000 });
		await expect(row(strict.id)).toHaveAttribute('data-level', 'red');
		const list = page.locator('section.list');
		expect(await list.evaluate((el) => el.getAnimations({ subtree: true }).length)).toBe(0);
		await expect(row(strict.id)).not.toHaveClass(/\bflash\b/, { timeout: 10_000 });

		// 95 s: red for the strict queue (over 90 s), amber for the default one (over 60 s).
		await server.setClock(Math.max(start + 95_000, server.now()));
		await expect(tile(strict.id)).toHaveAttribute('data-level', 'red', { timeout: 10_000 });
		await expect(row(strict.id)).toHaveAttribute('data-level', 'red');
		await expect(tile(relaxed.id)).toHaveAttribute('data-level', 'amber');
		// The clock kept running after the jump: at least 95 s, and not a minute more.
		await expect(tile(strict.id).getByTestId('longest-wait')).toHaveText(/^1:[3-5]\d$/);
		const pulse = await tile(strict.id).evaluate((el) => {
			const style = getComputedStyle(el);
			return { name: style.animationName, count: style.animationIterationCount };
		});
		expect(pulse.name).toMatch(/pulse/);
		expect(pulse.count).toBe('3');
		// A short pulse, no endless blinking: after it, nothing on the tile animates.
		await expect
			.poll(() => tile(strict.id).evaluate((el) => el.getAnimations().length), { timeout: 5_000 })
			.toBe(0);

		// Back to the defaults: the queue's own row goes, and so does the custom badge.
		await form.getByRole('button', { name: /^Reset to defaults/ }).click();
		await expect(form.getByText('Defaults')).toBeVisible();
		await expect(waiting.getByLabel('Amber after (s)')).toHaveValue('60');
		await admin.close();
	});

	test('today rolls over at midnight in the tenant’s zone (America/Chicago), not UTC', async ({
		page,
		server,
		stack,
		tenant,
		pbx,
		openWall
	}) => {
		const midnight = startOfNextZonedDay(Date.now(), tenant.timezone);
		await server.start(midnight - 60_000 - Date.now()); // 23:59:00 in Chicago
		const evening = server.now();
		const yesterday = startOfZonedDay(evening, tenant.timezone);
		const queue = tenant.queues[0].id;
		const closedInTheEvening = Array.from({ length: 6 }, (_, i): Contact => {
			const createdMs = evening - (50 - i * 5) * 60_000;
			return {
				queue,
				createdMs,
				answeredMs: createdMs + 9_000,
				acwMs: createdMs + 99_000,
				closedMs: createdMs + 130_000
			};
		});
		await pbx.write([
			...closedInTheEvening,
			{ queue, createdMs: evening - 30_000 },
			{ queue, createdMs: evening - 600_000, answeredMs: evening - 590_000 }
		]);
		await openWall(page);
		await expectBoardEqualsDb(page, stack, tenant, yesterday);
		const tile = page.locator(`section.tile[data-queue="${queue}"]`);
		await expect(tile.getByTestId('count-closed')).toHaveText('6');

		await server.setClock(midnight + 2_000);
		await expect(tile.getByTestId('count-closed')).toHaveText('0', { timeout: 10_000 });
		await expect(page.getByTestId('clock')).toHaveText(/^00:0\d$/);
		// What is still in progress stays on the board, with its time since before midnight.
		await expect(tile.getByTestId('count-new')).toHaveText('1');
		await expect(tile.getByTestId('count-active')).toHaveText('1');
		const waited = Math.floor((midnight + 2_000 - (evening - 30_000)) / 1000);
		const [minutes, seconds] = (await tile.getByTestId('longest-wait').textContent())!
			.split(':')
			.map(Number);
		expect(minutes * 60 + seconds).toBeGreaterThanOrEqual(waited);
		expect(minutes * 60 + seconds).toBeLessThan(waited + 10);
		await expectBoardEqualsDb(page, stack, tenant, midnight);

		// The new day counts from zero.
		await pbx.write([
			{
				queue,
				createdMs: midnight + 100,
				answeredMs: midnight + 900,
				acwMs: midnight + 1_500,
				closedMs: midnight + 1_900
			}
		]);
		await expect(tile.getByTestId('count-closed')).toHaveText('1');
		await expectBoardEqualsDb(page, stack, tenant, midnight);
		// The server rolled over too: a fresh load shows the same day.
		await page.reload();
		await expectBoardEqualsDb(page, stack, tenant, midnight);
	});
});
