import type { Page } from '@playwright/test';
import { test as base, expect } from './csp';
import { mintWallToken } from '../../scripts/lib/accounts';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { freePort } from '../../scripts/lib/ports';
import { startOfZonedDay } from '../../src/lib/time/zone';
import { Stack } from './stack';
import { morningTraffic, Pbx } from './wall-pbx';
import { WallServer } from './wall-server';

/**
 * The wall display against its own server: the tests stop, freeze and restart it and move its
 * clock, so it cannot be the server every other browser test shares. It runs on a Stack of its
 * own (own pbxlogs and dashboard databases), made once a worker and shared by the wall test
 * files; after every test the server is stopped and the PBX rows and thresholds are cleared, so
 * each test starts the server itself, on the clock it needs.
 */

interface Wall {
	stack: Stack;
	tenant: DemoTenant;
	server: WallServer;
	pbx: Pbx;
	/** A token for a board of every queue of `tenant`. */
	token: string;
}

interface WallFixtures extends Wall {
	/** Opens the board with `token` (and `query`) and waits until it says it is live. */
	openWall: (page: Page, query?: string) => Promise<void>;
	/** Starts the server on the real clock with a morning's traffic written; returns the day's start. */
	startMorning: () => Promise<number>;
	wallReset: void;
}

export const test = base.extend<WallFixtures, { wall: Wall }>({
	wall: [
		// eslint-disable-next-line no-empty-pattern
		async ({}, use) => {
			const stack = await new Stack({
				mariadbPort: Number(process.env.IL_MARIADB_PORT)
			}).prepare();
			try {
				const tenant = stack.lookups.tenants[0];
				expect(tenant.timezone).toBe('America/Chicago');
				const pbx = new Pbx(stack, tenant);
				const server = new WallServer(stack, await freePort());
				await server.start();
				const token = await mintWallToken(stack.env, {
					label: 'Floor TV',
					tenantId: tenant.id,
					queueIds: 'all'
				});
				await server.stop();
				await use({ stack, tenant, server, pbx, token });
			} finally {
				await stack.destroy();
			}
		},
		{ scope: 'worker' }
	],
	stack: ({ wall }, use) => use(wall.stack),
	tenant: ({ wall }, use) => use(wall.tenant),
	server: ({ wall }, use) => use(wall.server),
	pbx: ({ wall }, use) => use(wall.pbx),
	token: ({ wall }, use) => use(wall.token),
	openWall: ({ wall }, use) =>
		use(async (page, query = '') => {
			await page.goto(`${wall.server.url}/wall?token=${wall.token}${query}`);
			// Generous: a loaded two-core machine may take a while to connect a fresh page.
			await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live', {
				timeout: 20_000
			});
		}),
	startMorning: ({ wall }, use) =>
		use(async () => {
			await wall.server.start(0);
			const now = wall.server.now();
			const dayStart = startOfZonedDay(now, wall.tenant.timezone);
			await wall.pbx.write(morningTraffic(wall.tenant, now, dayStart));
			return dayStart;
		}),
	wallReset: [
		async ({ wall }, use) => {
			await use();
			await wall.server.stop();
			await wall.pbx.clear();
			await wall.stack.admin.query(`DELETE FROM \`${wall.stack.dashDb}\`.queue_thresholds`);
		},
		{ auto: true }
	]
});

export { expect };
