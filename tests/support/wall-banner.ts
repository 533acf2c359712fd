import type { Page } from '@playwright/test';

/** Where each tile and each tile's service level sit, and whether anything covers the latter. */
export interface TileGeometry {
	tiles: { queue: string; top: number; left: number; width: number; height: number }[];
	serviceLevels: {
		queue: string;
		text: string;
		/** Wholly inside the screen. */
		inViewport: boolean;
		/** What the browser hits at its centre is the figure itself (nothing drawn over it). */
		onTop: boolean;
	}[];
}

export function tileGeometry(page: Page): Promise<TileGeometry> {
	return page.evaluate(() => {
		const round = (n: number) => Math.round(n * 10) / 10;
		const tiles = [...document.querySelectorAll<HTMLElement>('section.tile')].map((tile) => {
			const box = tile.getBoundingClientRect();
			return {
				queue: tile.dataset.queue ?? '',
				top: round(box.top),
				left: round(box.left),
				width: round(box.width),
				height: round(box.height)
			};
		});
		const serviceLevels = [
			...document.querySelectorAll<HTMLElement>('section.tile [data-testid="service-level"]')
		].map((figure) => {
			const box = figure.getBoundingClientRect();
			const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
			return {
				queue: figure.closest<HTMLElement>('section.tile')?.dataset.queue ?? '',
				text: figure.textContent?.trim() ?? '',
				inViewport:
					box.width > 0 &&
					box.top >= 0 &&
					box.left >= 0 &&
					box.bottom <= innerHeight &&
					box.right <= innerWidth,
				onTop: hit !== null && (hit === figure || figure.contains(hit))
			};
		});
		return { tiles, serviceLevels };
	});
}
