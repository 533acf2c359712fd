import type { Page } from '@playwright/test';
import { mintWallToken } from '../../scripts/lib/accounts';
import { TestRules, waitingRule } from '../support/alert-rules';
import { expect, test } from '../support/wall';
import { tileGeometry } from '../support/wall-banner';
import { screenshot, settle } from '../support/wall-page';

const SCREENS = [
	[1280, 720],
	[1920, 1080],
	[3840, 2160]
] as const;

test.describe('wall banners', () => {
	// Three screen sizes, a 4K one rendered in software, and (stale) a server frozen and thawed
	// at each: well past the default minute on a loaded two-core machine.
	test.describe.configure({ timeout: 180_000 });

	test('the stale banner takes the title’s place: no tile moves and service level stays visible, at 720p, 1080p and 4K', async ({
		page,
		server,
		startMorning,
		openWall
	}, testInfo) => {
		await startMorning();
		for (const [width, height] of SCREENS) {
			await page.setViewportSize({ width, height });
			if (width === 1280) await openWall(page);
			await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
			await settle(page);
			const before = await tileGeometry(page);
			expect(before.tiles.length).toBeGreaterThan(0);

			server.freeze();
			try {
				await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: 10_000 });
				await settle(page);
				const during = await tileGeometry(page);
				expect(during.tiles, `${width}×${height}`).toEqual(before.tiles);
				for (const sl of during.serviceLevels) {
					expect(sl, `${width}×${height} queue ${sl.queue}`).toMatchObject({
						inViewport: true,
						onTop: true
					});
				}
				await screenshot(page, testInfo, `wall-stale-banner-${width}x${height}`);
			} finally {
				server.thaw();
			}
			await expect(page.getByTestId('stale-banner')).toBeHidden({ timeout: 15_000 });
		}
	});

	test('the stopped banner (token revoked) takes the title’s place too: no tile moves and service level stays visible, at 720p, 1080p and 4K', async ({
		page,
		stack,
		tenant,
		server,
		startMorning
	}, testInfo) => {
		await startMorning();
		const label = 'Soon revoked TV';
		const token = await mintWallToken(stack.env, { label, tenantId: tenant.id, queueIds: 'all' });
		await page.setViewportSize({ width: 1280, height: 720 });
		await page.goto(`${server.url}/wall?token=${token}`);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live', {
			timeout: 20_000
		});
		const before = new Map<number, Awaited<ReturnType<typeof tileGeometry>>>();
		for (const [width, height] of SCREENS) {
			await page.setViewportSize({ width, height });
			await settle(page);
			before.set(width, await tileGeometry(page));
		}
		await stack.admin.query(
			`UPDATE \`${stack.dashDb}\`.wall_tokens SET revoked_at = NOW(3) WHERE label = ?`,
			[label]
		);
		await expect(page.getByTestId('stale-banner')).toContainText('This board has stopped', {
			timeout: 15_000
		});
		for (const [width, height] of SCREENS) {
			await page.setViewportSize({ width, height });
			await settle(page);
			const during = await tileGeometry(page);
			expect(during.tiles, `${width}×${height}`).toEqual(before.get(width)?.tiles);
			for (const sl of during.serviceLevels) {
				expect(sl, `${width}×${height} queue ${sl.queue}`).toMatchObject({
					inViewport: true,
					onTop: true
				});
			}
			await screenshot(page, testInfo, `wall-stopped-banner-${width}x${height}`);
		}
	});

	test('an alert names the queue and the breach in the banner, marks the tile and chimes, with no tile moved and service level in sight', async ({
		page,
		stack,
		tenant,
		server,
		startMorning
	}, testInfo) => {
		await startMorning();
		await countChimes(page);
		const token = await mintWallToken(stack.env, {
			label: 'Chiming TV',
			tenantId: tenant.id,
			queueIds: 'all',
			chime: true
		});
		await page.setViewportSize({ width: 1280, height: 720 });
		await page.goto(`${server.url}/wall?token=${token}`);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
		await settle(page);
		const before = await tileGeometry(page);
		expect(await chimes(page)).toBe(0);

		// The morning's traffic has contacts waiting in every queue: a rule on one of them fires.
		const queue = tenant.queues[1];
		const rules = new TestRules(stack.env);
		try {
			await rules.create(tenant.id, waitingRule(queue.id));
			const banner = page.getByTestId('alert-banner');
			await expect(banner).toBeVisible({ timeout: 20_000 });
			await expect(banner).toContainText(`Critical alert · ${queue.name}`);
			await expect(banner).toContainText(/waiting \d+ \(over 0\)/);
			const tile = page.locator(`section.tile[data-queue="${queue.id}"]`);
			await expect(tile).toHaveAttribute('data-alert', 'critical');
			await expect(tile.getByTestId('alert-mark')).toBeVisible();
			await expect(page.locator('[data-testid="alert-mark"]')).toHaveCount(1);
			await expect.poll(() => chimes(page)).toBeGreaterThan(0);

			for (const [width, height] of SCREENS) {
				await page.setViewportSize({ width, height });
				await settle(page);
				const during = await tileGeometry(page);
				if (width === 1280) expect(during.tiles).toEqual(before.tiles);
				for (const sl of during.serviceLevels) {
					expect(sl, `${width}×${height} queue ${sl.queue}`).toMatchObject({
						inViewport: true,
						onTop: true
					});
				}
				await screenshot(page, testInfo, `wall-alert-${width}x${height}`);
			}
		} finally {
			await rules.end();
		}
	});
});

/** Counts the notes the page starts, in place of a speaker (a test machine has none). */
async function countChimes(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const w = window as unknown as { chimes: number; AudioContext: unknown };
		w.chimes = 0;
		const param = { setValueAtTime() {}, linearRampToValueAtTime() {}, exponentialRampToValueAtTime() {} }; // prettier-ignore
		w.AudioContext = class {
			state = 'running';
			currentTime = 0;
			destination = {};
			createOscillator() {
				return {
					type: 'sine',
					frequency: { value: 0 },
					connect: (next: unknown) => next,
					start: () => w.chimes++,
					stop() {}
				};
			}
			createGain() {
				return { gain: param, connect: (next: unknown) => next };
			}
			resume() {
				return Promise.resolve();
			}
			close() {
				return Promise.resolve();
			}
		};
	});
}

const chimes = (page: Page) =>
	page.evaluate(() => (window as unknown as { chimes: number }).chimes);
