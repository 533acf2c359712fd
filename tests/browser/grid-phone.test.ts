import { expect, ownRows, signIn, tenants, test } from './fixtures';

/**
 * /interactions on a phone (the screen of Lighthouse's mobile run, 412×823): the page is never
 * wider than the screen, so the phone does not zoom out, the window keeps its height and the grid
 * its rows (issue 26). Rows are ids 7_970_xxx, deleted after each test.
 */

const tenant = tenants[0];
ownRows(7_970_000, 7_979_999);
test.use({ viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true });

test('on a phone the page is as wide as the screen, with the feed live and queues past their limits', async ({
	page,
	pbx
}) => {
	// The last card of the strip, far to the right of the screen: waiting for 5 minutes, past the
	// red limit and the service level, so its card carries text for screen readers only.
	const queue = tenant.queues[tenant.queues.length - 1];
	const createdAt = new Date(Date.now() - 5 * 60_000);
	await pbx.insertNew({ id: 7_970_001, tenantId: tenant.id, queueId: queue.id, createdAt });
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	const card = page.getByTestId('summary-strip').locator(`li[data-queue="${queue.id}"]`);
	await expect(card).toHaveAttribute('data-level', 'red');
	await expect(card.locator('.sr-only').first()).toBeAttached();
	// The strip scrolls sideways inside the page; the page itself does not.
	const widths = await page.evaluate(() => ({
		page: document.documentElement.scrollWidth,
		window: window.innerWidth
	}));
	expect(widths).toEqual({ page: 412, window: 412 });
});
