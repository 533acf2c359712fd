import { test as base, expect, type Browser, type BrowserContext } from '@playwright/test';

/**
 * The base of every browser test: each page runs under the product's Content-Security-Policy,
 * and a violation fails the test. Chromium reports one as a console error naming the policy; a
 * `securitypolicyviolation` listener reports the rest the same way. Pages a test opens with
 * browser.newPage() get their own context: those are watched too.
 */

async function watch(context: BrowserContext, violations: string[]): Promise<void> {
	context.on('console', (message) => {
		if (/Content[ -]Security[ -]Policy/i.test(message.text())) {
			violations.push(`${message.location().url}: ${message.text()}`);
		}
	});
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			console.error(
				`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI}`
			);
		});
	});
}

export const test = base.extend<{ cspViolations: string[] }>({
	cspViolations: [
		async ({ browser, context }, use) => {
			const violations: string[] = [];
			await watch(context, violations);
			const newContext = browser.newContext.bind(browser);
			const watched: Browser['newContext'] = async (options) => {
				const created = await newContext(options);
				await watch(created, violations);
				return created;
			};
			browser.newContext = watched;
			try {
				await use(violations);
			} finally {
				browser.newContext = newContext;
			}
			expect(violations, 'Content-Security-Policy violations').toEqual([]);
		},
		{ auto: true }
	]
});

export { expect };
