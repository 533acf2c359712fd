import type { Browser } from '@playwright/test';
import type { Context } from './lib/context';
import { openGrid } from './lib/browser';
import { fmt, summarize } from './lib/stats';

/**
 * The range switch in Chromium (issue 24: "stays as fast as today"): on /interactions as the
 * admin, from Today, a click on "Last 30 days" until the grid's first page is painted, and
 * until the range picture's figures are shown. The grid and the picture are two requests: the
 * picture must not hold the grid back. Times from the click, measured in the bench process.
 */
export async function rangeSwitch(
	ctx: Context,
	browser: Browser,
	url: string,
	cookie: string,
	repeat: number
): Promise<void> {
	const S = 'range';
	const page = await openGrid(browser, url, cookie);
	const preset = (label: string) => page.locator('.presets button', { hasText: label });
	const painted = () =>
		page.evaluate(
			() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
		);
	const grid: number[] = [];
	const picture: number[] = [];
	for (let i = 0; i <= repeat; i++) {
		await preset('Today').click();
		await page.waitForURL((u) => !u.search.includes('range='));
		await page.getByTestId('range-picture').waitFor({ state: 'detached' });
		const rows = page.waitForResponse((r) => /\/api\/interactions\?.*range=last30/.test(r.url()));
		const figures = page.waitForResponse((r) => /\/api\/insight\?.*range=last30/.test(r.url()));
		const started = performance.now();
		await preset('Last 30 days').click();
		await (await rows).finished();
		await painted();
		const gridMs = performance.now() - started;
		await (await figures).finished();
		await page.getByTestId('range-figures').waitFor();
		await painted();
		const pictureMs = performance.now() - started;
		if (i === 0) continue; // warm-up
		grid.push(gridMs);
		picture.push(pictureMs);
	}
	await page.context().close();
	for (const [name, times] of [
		['range switch in Chromium, Today → Last 30 days: grid painted', grid],
		['range switch in Chromium, Today → Last 30 days: picture painted', picture]
	] as const) {
		const s = summarize(times);
		ctx.report.dist(S, name, 'ms', s);
		ctx.log(`${S}: ${name}: median ${fmt(s.median)} ms, p95 ${fmt(s.p95)} ms`);
	}
}
