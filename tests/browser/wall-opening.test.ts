import { SNAPSHOT_PART_ROWS } from '../../src/lib/realtime';
import { expect, test } from '../support/wall';

/**
 * Issue 26: a big tenant's wall is sent its rows in progress in parts (the first with the
 * day's sums), so a TV stick takes them in several short tasks. What the wall shows must not
 * follow the parts: a list or a Waiting count of a part of the contacts would be a figure that
 * was never true. It shows nothing yet, then every contact at once.
 */

declare global {
	interface Window {
		/** Every value the list's total and the tiles' Waiting counts took, in order. */
		__shown: { totals: string[]; waiting: string[] };
	}
}

test('a big tenant’s wall shows its contacts whole as it opens, never a part of them', async ({
	page,
	tenant,
	server,
	pbx,
	openWall
}) => {
	await server.start(0);
	const now = server.now();
	// More than two parts' worth waiting, spread over the tenant's queues.
	const count = SNAPSHOT_PART_ROWS * 2 + 50;
	const queues = tenant.queues.map((q) => q.id);
	await pbx.write(
		Array.from({ length: count }, (_, i) => ({
			queue: queues[i % queues.length],
			createdMs: now - 60_000 - i * 1000
		}))
	);
	// From the page's first script: each value the list's total and each Waiting count take.
	await page.addInitScript(() => {
		const shown = (window.__shown = { totals: [] as string[], waiting: [] as string[] });
		const read = () => {
			const list = document.querySelector('section.list');
			const total = list?.getAttribute('data-total');
			if (total != null && shown.totals.at(-1) !== total) shown.totals.push(total);
			const counts = [...document.querySelectorAll('[data-testid="count-new"]')];
			const sum = counts.reduce((n, dd) => n + Number(dd.textContent?.replace(/\D/g, '') || 0), 0); // prettier-ignore
			if (counts.length > 0 && shown.waiting.at(-1) !== String(sum))
				shown.waiting.push(String(sum));
		};
		new MutationObserver(read).observe(document, {
			subtree: true,
			childList: true,
			characterData: true,
			attributes: true,
			attributeFilter: ['data-total']
		});
	});
	await openWall(page);
	await expect(page.locator(`section.list[data-total="${count}"]`)).toBeAttached();
	await expect.poll(() => page.evaluate(() => window.__shown.waiting.at(-1))).toBe(String(count));
	const shown = await page.evaluate(() => window.__shown);
	// Nothing before the snapshot is whole, then all of it: no value in between.
	expect(shown.totals.filter((total) => total !== '0')).toEqual([String(count)]);
	expect(shown.waiting.filter((sum) => sum !== '0')).toEqual([String(count)]);
});
