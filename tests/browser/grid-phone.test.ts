import { expect, ownRows, signIn, tenants, test } from './fixtures';

/**
 * /interactions on a phone (the screen of Lighthouse's mobile run, 412×823): the summary strip
 * scrolls sideways inside the page and never makes the page wider, or the phone zooms out, the
 * window grows taller and the grid renders more rows (issue 26). Rows are ids 7_970_xxx,
 * deleted after each test.
 */

const tenant = tenants[0];
ownRows(7_970_000, 7_979_999);
test.use({ viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true });

test('on a phone the strip makes the page no wider, with a queue past its limits far right', async ({
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
	// The strip scrolls sideways inside the page: without it, the page is just as wide.
	const widths = await page.evaluate(() => {
		const strip = document.querySelector<HTMLElement>('[data-testid="summary-strip"]')!;
		const frame = strip.parentElement!;
		const withStrip = document.documentElement.scrollWidth;
		frame.style.display = 'none';
		const without = document.documentElement.scrollWidth;
		frame.style.display = '';
		return { withStrip, without };
	});
	expect(widths.withStrip).toBe(widths.without);
});
