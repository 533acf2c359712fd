import type { Page, TestInfo } from '@playwright/test';

/**
 * Everything that carries text on the wall: its font size, whether it is cut off by its own box
 * or by an ancestor that clips, whether it leaves the screen; and whether the page scrolls.
 */
export function layoutProblems(page: Page, minFontPx: number): Promise<string[]> {
	return page.evaluate((minFont) => {
		const problems: string[] = [];
		const name = (el: Element) =>
			`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent?.trim().slice(0, 30)}"`;
		const root = document.documentElement;
		if (root.scrollWidth > innerWidth || root.scrollHeight > innerHeight) {
			problems.push(`page scrolls: ${root.scrollWidth}×${root.scrollHeight}`);
		}
		for (const el of document.querySelectorAll('.wall *')) {
			if (el.closest('.sr-only, svg')) continue;
			const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim());
			if (!ownText) continue;
			const size = parseFloat(getComputedStyle(el).fontSize);
			if (size < minFont) problems.push(`${name(el)}: font ${size}px`);
			if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
				problems.push(`${name(el)}: cut off (${el.scrollWidth} > ${el.clientWidth})`);
			}
			const box = el.getBoundingClientRect();
			if (box.right > innerWidth + 1 || box.bottom > innerHeight + 1) {
				problems.push(`${name(el)}: off screen`);
			}
			for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
				if (getComputedStyle(up).overflow === 'visible') continue;
				const clip = up.getBoundingClientRect();
				if (box.top < clip.top - 1 || box.bottom > clip.bottom + 1 || box.right > clip.right + 1) {
					problems.push(`${name(el)}: clipped by ${name(up)}`);
					break;
				}
			}
		}
		return problems;
	}, minFontPx);
}

export async function settle(page: Page): Promise<void> {
	await page.waitForFunction(() =>
		document.getAnimations().every((a) => a.playState !== 'running')
	);
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
	const path = testInfo.outputPath(`${name}.png`);
	await page.screenshot({ path });
	await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** JS heap in use after a full garbage collection, in MB. */
export async function heapMb(page: Page): Promise<number> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Performance.enable');
	await cdp.send('HeapProfiler.collectGarbage');
	await cdp.send('HeapProfiler.collectGarbage');
	const { metrics } = await cdp.send('Performance.getMetrics');
	await cdp.detach();
	const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
	return Math.round((used / 1_048_576) * 10) / 10;
}
