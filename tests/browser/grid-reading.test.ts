import type { Page } from '@playwright/test';
import { newRow } from '../support/pbx';
import { expect, ownRows, signIn, tenants, test } from './fixtures';

/**
 * Reading the live grid (issue 26): rows read with the mouse wheel stay still while new ones
 * arrive above, counted in an "N new above" button; a laptop screen shows many rows; every row
 * has its wait; threshold colours are strong and unlike the "just changed" highlight. Rows are
 * ids 7_600_xxx, deleted after each test.
 */

const tenant = tenants[0];
const queue = tenant.queues[0];
ownRows(7_600_000, 7_699_999);

/** The id of the row at the top edge of the grid's body, and where that row's top is. */
function topRow(page: Page) {
	return page.getByTestId('grid-viewport').evaluate((viewport) => {
		// A header cell: its bottom is where the rows start, under the sticky header.
		const header = viewport.querySelector('thead th')!.getBoundingClientRect();
		const box = viewport.getBoundingClientRect();
		const hit = document.elementFromPoint(box.left + 40, header.bottom + 2);
		const row = hit?.closest('tr[data-id]');
		return { id: row?.getAttribute('data-id') ?? null, top: row?.getBoundingClientRect().top };
	});
}

test('rows read with the wheel stay still as new ones arrive; "N new above" goes back to the top', async ({
	page,
	pbx
}) => {
	await page.setViewportSize({ width: 1280, height: 720 });
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	// 40 rows a second apart, newest first under the default sort.
	const start = Date.now() - 120_000;
	const ids = Array.from({ length: 40 }, (_, i) => 7_600_001 + i);
	await pbx.insertActive(
		ids.map((id, i) =>
			newRow({ id, tenantId: tenant.id, queueId: queue.id, createdAt: new Date(start + i * 1000) })
		)
	);
	await expect(page.locator('tr[data-id="7600040"]')).toBeVisible();

	// Read with the wheel, without clicking: no row has the focus. (Scrolled by script: a wheel
	// over a page taller than the window may scroll the page instead, and the grid not at all.)
	const viewport = page.getByTestId('grid-viewport');
	await viewport.hover();
	await viewport.evaluate((v) => v.scrollTo({ top: 34 * 8 + 10 }));
	await expect.poll(() => viewport.evaluate((v) => v.scrollTop)).toBeGreaterThan(100);
	await expect.poll(async () => (await topRow(page)).id).not.toBeNull();
	const before = await topRow(page);

	for (let i = 0; i < 3; i++) {
		await pbx.insertNew({ id: 7_600_101 + i, tenantId: tenant.id, queueId: queue.id });
	}
	const marker = page.getByTestId('new-above');
	await expect(marker).toHaveText(/3 new above/);
	await expect(page.locator('tr[data-id="7600103"]')).toHaveCount(0); // above the rendered slice
	const after = await topRow(page);
	expect(after.id).toBe(before.id);
	expect(Math.abs((after.top ?? 0) - (before.top ?? 0))).toBeLessThanOrEqual(1);

	await marker.click();
	await expect(marker).toHaveCount(0);
	await expect.poll(() => viewport.evaluate((v) => v.scrollTop)).toBe(0);
	await expect(page.locator('tr[data-id="7600103"]')).toBeInViewport();
	// At the top the newest rows flow in again.
	await pbx.insertNew({ id: 7_600_201, tenantId: tenant.id, queueId: queue.id });
	await expect(page.locator('tr[data-id="7600201"]')).toBeInViewport();
	await expect(marker).toHaveCount(0);
});

test('at 1280×720 the filters take one row and the grid shows at least 12 rows', async ({
	page,
	pbx
}) => {
	await page.setViewportSize({ width: 1280, height: 720 });
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const ids = Array.from({ length: 30 }, (_, i) => 7_600_301 + i);
	await pbx.insertActive(ids.map((id) => newRow({ id, tenantId: tenant.id, queueId: queue.id })));
	await expect(page.locator('tr[data-id="7600330"]')).toBeVisible();
	await expect(page.getByTestId('summary-strip')).toBeVisible();

	const filterTops = await page
		.getByRole('search', { name: 'Filter interactions' })
		.locator('select, input')
		.evaluateAll((fields) => fields.map((f) => Math.round(f.getBoundingClientRect().top)));
	expect(new Set(filterTops).size).toBe(1);

	const fit = await page.evaluate(() => {
		const rows = [...document.querySelectorAll('#interactions-grid tbody tr[data-id]')];
		const head = document.querySelector('#interactions-grid thead th')!.getBoundingClientRect();
		const whole = rows.filter((row) => {
			const r = row.getBoundingClientRect();
			return r.top >= head.bottom - 1 && r.bottom <= window.innerHeight + 1;
		});
		return { whole: whole.length, pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1 }; // prettier-ignore
	});
	expect(fit.whole).toBeGreaterThanOrEqual(12);
	expect(fit.pageScrolls).toBe(false);
});

test("Created shows today's time alone; a DID is cut on the left, keeping its last digits", async ({
	page,
	pbx
}) => {
	await page.setViewportSize({ width: 1280, height: 720 });
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const did = '+1800555010012345678909876';
	await pbx.insertNew({ id: 7_600_401, tenantId: tenant.id, queueId: queue.id, did });
	const row = page.locator('tr[data-id="7600401"]');
	await expect(row.locator('td').first()).toHaveText(/^\d\d:\d\d:\d\d$/);
	const cut = await row
		.locator('td')
		.nth(6)
		.evaluate((td) => {
			const text = td.querySelector('span') ?? td;
			const range = document.createRange();
			const node = text.firstChild!;
			const box = td.getBoundingClientRect();
			range.setStart(node, node.textContent!.length - 1);
			range.setEnd(node, node.textContent!.length);
			const last = range.getBoundingClientRect();
			range.setStart(node, 0);
			range.setEnd(node, 1);
			const first = range.getBoundingClientRect();
			return { lastShown: last.right <= box.right && last.left >= box.left, firstCut: first.left < box.left }; // prettier-ignore
		});
	expect(cut).toEqual({ lastShown: true, firstCut: true });
	await expect(row.locator('td').nth(6)).toHaveAttribute('title', did);
});

test('every row has a Wait, an abandoned one included, fixed once it ended', async ({
	page,
	pbx
}) => {
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const waitCol = await page
		.locator('#interactions-grid thead th')
		.evaluateAll((ths) => ths.findIndex((th) => th.textContent?.trim() === 'Wait'));
	expect(waitCol).toBeGreaterThan(0);
	const created = new Date(Date.now() - 75_000);
	await pbx.insertNew({ id: 7_600_501, tenantId: tenant.id, queueId: queue.id, createdAt: created }); // prettier-ignore
	await pbx.close(7_600_501); // abandoned after about 75 s
	await pbx.insertNew({ id: 7_600_502, tenantId: tenant.id, queueId: queue.id, createdAt: created }); // prettier-ignore
	await pbx.answer(7_600_502, tenant.agents[0].id);
	const abandoned = page.locator('tr[data-id="7600501"]');
	const answered = page.locator('tr[data-id="7600502"]');
	await expect(abandoned).toHaveAttribute('data-status', 'closed');
	await expect(answered).toHaveAttribute('data-status', 'active');
	await expect(abandoned.locator('td').nth(waitCol)).toHaveText(/^1:1\d$/);
	await expect(answered.locator('td').nth(waitCol)).toHaveText(/^1:1\d$/);
	const shown = await abandoned.locator('td').nth(waitCol).textContent();
	await page.waitForTimeout(2_100);
	await expect(abandoned.locator('td').nth(waitCol)).toHaveText(shown ?? '');
});

/** WCAG relative luminance contrast of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
	const lum = (css: string) => {
		const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
		const c = (v: number) => {
			const s = v / 255;
			return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
		};
		return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
	};
	const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

function hue(css: string): number {
	const [r, g, b] = (css.match(/\d+/g) ?? []).slice(0, 3).map((v) => Number(v) / 255);
	const max = Math.max(r, g, b);
	const d = max - Math.min(r, g, b);
	if (d === 0) return 0;
	const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
	return (h * 60 + 360) % 360;
}

test('threshold colours are strong and unlike the "just changed" highlight', async ({ page }) => {
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	// The grid's own classes on a probe row: the colours as the stylesheet gives them.
	const colours = await page.getByTestId('interactions-grid').evaluate((table) => {
		const body = table.querySelector('tbody')!;
		const probe = (cls: string) => {
			const tr = document.createElement('tr');
			// Svelte scopes the grid's styles by a class its rows carry: copy it.
			const scoped = [...(table.className.match(/svelte-\S+/) ?? [])];
			tr.className = [cls, ...scoped].join(' ');
			const td = document.createElement('td');
			td.className = scoped.join(' ');
			td.textContent = 'x';
			tr.append(td);
			body.append(tr);
			const style = getComputedStyle(tr);
			const out = {
				background: style.backgroundColor,
				bar: style.boxShadow.match(/rgb\([^)]+\)/)?.[0] ?? '',
				text: getComputedStyle(td).color
			};
			tr.remove();
			return out;
		};
		return { amber: probe('level-amber'), red: probe('level-red'), flash: probe('flash') };
	});
	for (const level of [colours.amber, colours.red]) {
		expect(contrast(level.bar, level.background)).toBeGreaterThanOrEqual(3);
		expect(contrast(level.bar, 'rgb(255, 255, 255)')).toBeGreaterThanOrEqual(3);
		expect(contrast(level.text, level.background)).toBeGreaterThanOrEqual(4.5);
		// Visibly tinted against the white rows around it.
		expect(contrast(level.background, 'rgb(255, 255, 255)')).toBeGreaterThanOrEqual(1.15);
	}
	const apart = Math.abs(hue(colours.amber.background) - hue(colours.flash.background));
	expect(Math.min(apart, 360 - apart)).toBeGreaterThan(90);
});
