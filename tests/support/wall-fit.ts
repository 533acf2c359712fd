import type { Page } from '@playwright/test';

/**
 * Text in a tile that runs into other text: for each tile, the boxes of its text runs (the
 * glyphs' own boxes, measured with a Range, not their elements' boxes), pairwise. Two runs
 * that intersect are one figure printed over another, as a 1:06:28 wait once did to Active.
 */
export function tileTextOverlaps(page: Page): Promise<string[]> {
	return page.locator('section.tile').evaluateAll((tiles) => {
		const problems: string[] = [];
		for (const tile of tiles) {
			const runs: { text: string; box: DOMRect }[] = [];
			const walker = document.createTreeWalker(tile, NodeFilter.SHOW_TEXT);
			for (let node = walker.nextNode(); node; node = walker.nextNode()) {
				const text = node.textContent?.trim() ?? '';
				const parent = node.parentElement;
				if (!text || !parent || parent.closest('.sr-only, svg')) continue;
				const range = document.createRange();
				range.selectNodeContents(node);
				const box = range.getBoundingClientRect();
				if (box.width > 0 && box.height > 0) runs.push({ text, box });
			}
			for (let i = 0; i < runs.length; i++) {
				for (let j = i + 1; j < runs.length; j++) {
					const [a, b] = [runs[i].box, runs[j].box];
					const apart =
						a.right <= b.left + 0.5 ||
						b.right <= a.left + 0.5 ||
						a.bottom <= b.top + 0.5 ||
						b.bottom <= a.top + 0.5;
					if (!apart) {
						const queue = (tile as HTMLElement).dataset.queue;
						problems.push(`tile ${queue}: "${runs[i].text}" overlaps "${runs[j].text}"`);
					}
				}
			}
		}
		return problems;
	});
}

/** The font size of each tile's four figures of now, in px. */
export function keyFigureSizes(page: Page): Promise<{ text: string; px: number }[]> {
	return page.locator('section.tile .now dd').evaluateAll((figures) =>
		figures.map((dd) => ({
			text: dd.textContent?.trim() ?? '',
			px: parseFloat(getComputedStyle(dd).fontSize)
		}))
	);
}

/** Rendered heights in px of the chart's abandoned bars, one per hour with abandoned contacts. */
export function abandonedBarHeights(page: Page): Promise<number[]> {
	return page
		.locator('figure.chart rect.abandoned')
		.evaluateAll((bars) =>
			bars
				.filter((bar) => Number(bar.getAttribute('height')) > 0)
				.map((bar) => bar.getBoundingClientRect().height)
		);
}
