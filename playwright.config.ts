import { defineConfig } from '@playwright/test';

/**
 * Browser tests in Debian's Chromium (no browser download is possible here) against the
 * production build, a real MariaDB with binlog, and the real server (tests/browser/setup.ts).
 */
export default defineConfig({
	testDir: 'tests/browser',
	globalSetup: './tests/browser/setup.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	outputDir: 'test-results',
	use: {
		baseURL: process.env.IL_BASE_URL,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath: '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--no-first-run'
			]
		}
	}
});
