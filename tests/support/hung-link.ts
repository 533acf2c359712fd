import { expect, type Page } from '@playwright/test';
import { upsertAccount, withUsers } from '../../scripts/lib/accounts';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { Stack } from './stack';

/**
 * The screens of the hung-link tests, opened through a StallProxy: the wall by its token, and
 * /interactions signed in as a Contact Center Admin of the wall's tenant.
 */

const PASSWORD = 'hung-link-pass';

/** Socket.IO catch-ups a page received, read off its WebSocket frames, and sockets it opened. */
export interface CatchUps {
	sockets: number;
	snapshots: number;
	replays: number;
}

/** Counts from now on; call before the page loads. */
export function watchCatchUps(page: Page): CatchUps {
	const seen: CatchUps = { sockets: 0, snapshots: 0, replays: 0 };
	page.on('websocket', (ws) => {
		seen.sockets++;
		ws.on('framereceived', ({ payload }) => {
			// An ack ("43" + id + JSON) is the reply to live:subscribe; nothing else carries `kind`.
			if (typeof payload !== 'string' || !payload.startsWith('43')) return;
			if (payload.includes('"kind":"replay"')) seen.replays++;
			else if (payload.includes('"kind":"snapshot"')) seen.snapshots++;
		});
	});
	return seen;
}

export async function openGrid(page: Page, url: string, stack: Stack, tenant: DemoTenant) {
	const username = 'hung.admin';
	await withUsers(stack.env, (users) =>
		upsertAccount(users, {
			username,
			displayName: 'Hung Link Admin',
			password: PASSWORD,
			role: 'cc_admin',
			tenantId: tenant.id,
			queueIds: [],
			permissions: ['interactions']
		})
	);
	await page.goto(`${url}/login`);
	await page.locator('body[data-hydrated]').waitFor();
	await page.getByLabel('User name').fill(username);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(/\/interactions/);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
}

/**
 * Records in the page every moment a screen says anything but live (a stale banner, a pill or
 * indicator not live), as the DOM changes, however briefly. Read with `alarms(page)`.
 */
export async function recordAlarms(page: Page): Promise<void> {
	await page.evaluate(() => {
		const w = window as unknown as { alarms: string[] };
		w.alarms = [];
		const check = () => {
			const banner = document.querySelector('[data-testid="stale-banner"]');
			if (banner) w.alarms.push(`banner: ${banner.textContent?.trim()}`);
			for (const id of ['freshness', 'connection-status']) {
				const el = document.querySelector(`[data-testid="${id}"]`);
				const state = el?.getAttribute('data-state');
				if (el && state !== 'live') w.alarms.push(`${id} ${state}: ${el.textContent?.trim()}`);
			}
		};
		new MutationObserver(check).observe(document.body, {
			subtree: true,
			childList: true,
			attributes: true,
			attributeFilter: ['data-state']
		});
	});
}

export function alarms(page: Page): Promise<string[]> {
	return page.evaluate(() => (window as unknown as { alarms: string[] }).alarms);
}

/** Milliseconds from `since` until `test` holds in the page (checked every 50 ms). */
export async function msUntil(
	page: Page,
	since: number,
	test: () => boolean,
	timeout: number
): Promise<number> {
	await page.waitForFunction(test, null, { polling: 50, timeout });
	return Date.now() - since;
}

/**
 * How far behind the server each page is: for every heartbeat, the page's clock when it handles
 * it minus the server's when it sent it (one machine, one clock). A page that cannot keep up
 * falls behind with its socket healthy, until the server's ping timeout (8 s) ends it: that is
 * a starved browser, not a hung link, and this says which. Call before the page loads.
 */
export async function recordLag(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const w = window as unknown as { maxLagMs: number };
		w.maxLagMs = 0;
		const Native = WebSocket;
		const Watched = function (url: string | URL, protocols?: string | string[]) {
			const ws = new Native(url, protocols);
			ws.addEventListener('message', (event) => {
				const sent = /^42\["live:heartbeat",.*"serverTime":(\d+)/.exec(String(event.data));
				if (sent) w.maxLagMs = Math.max(w.maxLagMs, Date.now() - Number(sent[1]));
			});
			return ws;
		} as unknown as typeof WebSocket;
		Object.assign(Watched, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
		Watched.prototype = Native.prototype;
		window.WebSocket = Watched;
	});
}

export function maxLagMs(page: Page): Promise<number> {
	return page.evaluate(() => (window as unknown as { maxLagMs: number }).maxLagMs);
}
