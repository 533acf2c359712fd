import type { Page } from '@playwright/test';
import { expect, test } from '../support/wall';
import { screenshot, settle } from '../support/wall-page';

/**
 * Issue 26, items 2 and 12: the wall seen from across a room. The list of who is waiting
 * takes the tile grid's free slot (five queues leave one of six) and shows as many as fit,
 * longest wait first, instead of one row and "+N more"; each tile's day chart is big enough to
 * read, its scale is labelled apart from the figures; service level is a headline figure.
 */

const SCREENS = [
	[1280, 720],
	[1920, 1080],
	[3840, 2160]
] as const;

test.describe('wall from across a room', () => {
	test.describe.configure({ timeout: 120_000 });

	test('the waiting list fills the free slot of the tile grid and shows who waits longest, at 720p, 1080p and 4K', async ({
		page,
		tenant,
		startMorning,
		openWall
	}, testInfo) => {
		expect(tenant.queues.length).toBe(5);
		await startMorning();
		for (const [width, height] of SCREENS) {
			await page.setViewportSize({ width, height });
			if (width === 1280) await openWall(page);
			await settle(page);
			const name = `${width}×${height}`;
			const { tiles, list } = await gridBoxes(page);
			// Three by two: the list is the sixth slot, in line with the tiles, as big as one.
			expect(tiles.length, name).toBe(5);
			const near = (a: number, b: number) => Math.abs(a - b) <= 2;
			expect(near(list.left, tiles[2].left), `${name}: list under the third tile`).toBe(true);
			expect(near(list.top, tiles[3].top), `${name}: list beside the last tiles`).toBe(true);
			expect(near(list.bottom, tiles[4].bottom), `${name}: list as tall as a tile`).toBe(true);
			expect(near(list.width, tiles[4].width), `${name}: list as wide as a tile`).toBe(true);

			// The morning has 11 waiting: at least five of them are named, longest wait first.
			// (Waited for: the board is live before its list is first drawn, and settle has no
			// animation left to wait on.)
			await expect(page.locator('section.list li.row[data-status="new"]').nth(4)).toBeVisible();
			const waits = await page
				.locator('section.list li.row[data-status="new"] [data-testid="time-in-status"]')
				.allTextContents();
			expect(waits.length, name).toBeGreaterThanOrEqual(5);
			const seconds = waits.map((text) =>
				text
					.trim()
					.split(':')
					.reduce((total, part) => total * 60 + Number(part), 0)
			);
			expect(seconds, name).toEqual([...seconds].sort((a, b) => b - a));
			await expect(page.getByTestId('more')).toHaveText(/^\+\d+ more$/);
			await screenshot(page, testInfo, `wall-fill-${width}x${height}`);
		}
	});

	test('hourly charts are big enough to read, their scale apart and labelled, and service level is as large as Waiting', async ({
		page,
		startMorning,
		openWall
	}) => {
		await startMorning();
		for (const [width, height] of SCREENS) {
			await page.setViewportSize({ width, height });
			if (width === 1280) await openWall(page);
			await settle(page);
			const name = `${width}×${height}`;
			for (const tile of await tileReadings(page)) {
				// 277×63 px at 1080p was too small: a quarter of the screen's width, 7% of its height.
				expect(tile.plot.width, `${name}: chart width`).toBeGreaterThanOrEqual(width * 0.25);
				expect(tile.plot.height, `${name}: chart height`).toBeGreaterThanOrEqual(height * 0.07);
				// The scale's top is below every figure of the tile, not on a line beside one.
				expect(tile.scaleTop.top, `${name}: scale below the figures`).toBeGreaterThanOrEqual(
					tile.figuresBottom
				);
				expect(tile.caption, name).toMatch(/^Per hour/);
				expect(tile.slPx, `${name}: service level`).toBeGreaterThanOrEqual(tile.waitingPx);
				expect(tile.slPx, `${name}: service level`).toBeGreaterThanOrEqual(height * 0.06);
			}
		}
	});
});

interface Box {
	left: number;
	top: number;
	bottom: number;
	width: number;
}

async function gridBoxes(page: Page): Promise<{ tiles: Box[]; list: Box }> {
	return page.evaluate(() => {
		const box = (el: Element) => {
			const r = el.getBoundingClientRect();
			return { left: r.left, top: r.top, bottom: r.bottom, width: r.width };
		};
		const list = document.querySelector('section.list');
		if (!list) throw new Error('no list');
		return { tiles: [...document.querySelectorAll('section.tile')].map(box), list: box(list) };
	});
}

function tileReadings(page: Page) {
	return page.locator('section.tile').evaluateAll((tiles) =>
		tiles.map((tile) => {
			const svg = tile.querySelector('figure.chart svg') as SVGElement;
			const plot = svg.getBoundingClientRect();
			const scaleTop = (
				tile.querySelector('[data-testid="scale-top"]') as HTMLElement
			).getBoundingClientRect();
			const figures = [...tile.querySelectorAll('dl dd')].map(
				(dd) => dd.getBoundingClientRect().bottom
			);
			const px = (id: string) =>
				parseFloat(getComputedStyle(tile.querySelector(`[data-testid="${id}"]`)!).fontSize);
			return {
				plot: { width: plot.width, height: plot.height },
				scaleTop: { top: scaleTop.top },
				figuresBottom: Math.max(...figures),
				caption: tile.querySelector('figcaption')?.textContent?.trim() ?? '',
				slPx: px('service-level'),
				waitingPx: px('count-new')
			};
		})
	);
}
