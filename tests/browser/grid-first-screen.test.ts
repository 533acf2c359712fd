import type { Page, WebSocket } from '@playwright/test';
import { formatAt } from '../../src/lib/replay/at';
import { expect, ownRows, signIn, tenants, test } from './fixtures';

/**
 * The live grid's first payload (issue 26): the first screenful is in the page itself, within
 * the viewer's scope, and the rest of the day comes over the socket. A replay (`?at=`, issue
 * 25) is sent none of the live day's rows on its socket, and gets them back with Back to live.
 * Rows are ids 7_960_xxx, deleted after each test.
 */

const tenant = tenants[0];
const BASE = 7_960_000;
ownRows(BASE, BASE + 9_999);

/** The page's HTML as the server renders it (no script run), for a signed-in page's cookies. */
async function pageHtml(page: Page, path: string): Promise<string> {
	const response = await page.request.get(path);
	expect(response.status()).toBe(200);
	return response.text();
}

/** Every text frame the page's sockets receive from now on. */
function framesOf(page: Page): string[] {
	const frames: string[] = [];
	page.on('websocket', (ws: WebSocket) => {
		ws.on('framereceived', ({ payload }) => {
			if (typeof payload === 'string') frames.push(payload);
		});
	});
	return frames;
}

test("the first screenful is in the page, of the viewer's queues only", async ({ page, pbx }) => {
	const [own, other] = tenant.queues;
	await signIn(page, 'pw.supervisor');
	// The newest rows of the day: the top of the grid by Created, whoever may see them.
	const soon = new Date(Date.now() + 60_000);
	await pbx.insertNew({ id: BASE + 1, tenantId: tenant.id, queueId: own.id, createdAt: soon });
	await pbx.insertNew({ id: BASE + 2, tenantId: tenant.id, queueId: other.id, createdAt: soon });
	// Both in the live state once an admin's page shows them.
	await expect
		.poll(async () => (await pageHtml(page, '/interactions')).includes(`data-id="${BASE + 1}"`))
		.toBe(true);
	// The other queue's row was committed with the first: the state holds it as well by now.
	const html = await pageHtml(page, '/interactions');
	expect(html).toContain(`data-id="${BASE + 1}"`);
	expect(html).not.toContain(`data-id="${BASE + 2}"`);
	expect(html).not.toContain(`${BASE + 2}`);
	// A screenful, not the day.
	expect((html.match(/<tr[^>]* data-id="/g) ?? []).length).toBeLessThanOrEqual(60);
	// And with scripts on, the same row is there, then live.
	await page.goto('/interactions');
	await expect(page.locator(`tr[data-id="${BASE + 1}"]`)).toBeVisible();
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await expect(page.locator(`tr[data-id="${BASE + 2}"]`)).toHaveCount(0);
});

test("a replay's socket is sent none of the live day's rows, and Back to live brings them", async ({
	page,
	pbx
}) => {
	const queue = tenant.queues[0];
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const id = BASE + 10;
	await pbx.insertNew({ id, tenantId: tenant.id, queueId: queue.id });
	await expect(page.locator(`tr[data-id="${id}"]`)).toBeVisible();

	const frames = framesOf(page);
	const at = formatAt(Date.now() - 60 * 60_000, tenant.timezone);
	await page.goto(`/interactions?at=${encodeURIComponent(at)}`);
	await expect(page.getByTestId('back-to-live')).toBeVisible();
	// The socket subscribed (its reply carries the log's epoch) and heard a heartbeat.
	await expect.poll(() => frames.some((frame) => frame.includes('"epoch"'))).toBe(true);
	await expect.poll(() => frames.some((frame) => frame.includes('live:heartbeat'))).toBe(true);
	expect(frames.filter((frame) => frame.includes(`"${id}"`))).toEqual([]);
	expect(frames.filter((frame) => frame.includes('live:snapshot'))).toEqual([]);

	await page.getByTestId('back-to-live').click();
	await expect(page.locator(`tr[data-id="${id}"]`)).toBeVisible();
	await expect.poll(() => frames.some((frame) => frame.includes(`"${id}"`))).toBe(true);
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
});
