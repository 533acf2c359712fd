import { expect, signIn, test } from './fixtures';

/**
 * Pages come with a Content-Security-Policy the app runs under (every browser
 * test fails on a violation, see tests/support/csp.ts), and it does stop what it is for: a
 * script injected into the page does not run, and the check notices.
 */
test('the policy is sent, the app runs under it, and an injected script is refused', async ({
	page,
	cspViolations
}) => {
	const response = await page.goto('/login');
	const policy = response?.headers()['content-security-policy'] ?? '';
	expect(policy).toMatch(/script-src 'self' 'nonce-[^']+'/);
	await signIn(page, 'pw.admin');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	expect(cspViolations).toEqual([]);

	await page.evaluate(() => {
		const script = document.createElement('script');
		script.textContent = 'window.injected = true';
		document.body.append(script);
	});
	expect(await page.evaluate(() => 'injected' in window)).toBe(false);
	await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
	expect(cspViolations.join('\n')).toMatch(/script-src/);
	// Seen and expected: the fixture's own check at the end is for violations nobody expected.
	cspViolations.length = 0;
});
