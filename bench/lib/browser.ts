import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { now } from './stats';

/**
 * Debian's Chromium, signed in, showing the live /interactions grid. Measurements run inside
 * the page on its own clock (performance.timeOrigin + performance.now()), corrected by an
 * offset measured against ours.
 */

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run'
];

/** A laptop-sized window. Chromium rasters in software here (--disable-gpu): size costs CPU. */
export const VIEWPORT = { width: 1280, height: 900 };

export function launchChromium(): Promise<Browser> {
	return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/**
 * Runs before the app's scripts. tsx (esbuild keepNames) wraps the functions we pass to
 * page.evaluate in __name(): define it. And note when each `live:changes` message reaches the
 * page's WebSocket (before the app handles it), to split commit-to-screen into network and page.
 */
const INIT_SCRIPT = `
globalThis.__name = (f) => f;
(() => {
	const Native = globalThis.WebSocket;
	const received = [];
	globalThis.__benchWs = received;
	// How many sockets the page opened: a second one means it reconnected (its node went away).
	globalThis.__benchWsOpened = 0;
	globalThis.WebSocket = class extends Native {
		constructor(...args) {
			super(...args);
			globalThis.__benchWsOpened++;
			this.addEventListener('message', (event) => {
				if (typeof event.data !== 'string' || !event.data.startsWith('42["live:changes"')) return;
				const t = performance.timeOrigin + performance.now();
				if (received.length > 500000) return;
				try {
					const payload = JSON.parse(event.data.slice(2))[1];
					for (const c of payload.changes) if (c.row) received.push([c.id, c.row.status, t]);
				} catch {}
			});
		}
	};
})();`;

/** Opens /interactions as the session `cookie`; resolves when the feed says Live. */
export async function openGrid(browser: Browser, url: string, cookie: string): Promise<Page> {
	const [name, value] = cookie.split('=');
	return openLive(browser, `${url}/interactions`, (context) =>
		context.addCookies([{ name, value, url }])
	);
}

/** Opens the browser floor's page (bench/floor); resolves when its socket is connected. */
export function openFloor(browser: Browser, url: string): Promise<Page> {
	return openLive(browser, url);
}

async function openLive(
	browser: Browser,
	address: string,
	prepare?: (context: BrowserContext) => Promise<void>
): Promise<Page> {
	const context = await browser.newContext({ viewport: VIEWPORT });
	await prepare?.(context);
	await context.addInitScript(INIT_SCRIPT);
	const page = await context.newPage();
	await page.goto(address);
	await page
		.getByTestId('connection-status')
		.filter({ hasText: 'Live' })
		.waitFor({ timeout: 60_000 });
	return page;
}

/** The page's clock minus ours (ms), from the round trip with the least delay. */
export async function pageClockOffset(page: Page): Promise<number> {
	let best = { rtt: Infinity, offset: 0 };
	for (let i = 0; i < 20; i++) {
		const t0 = now();
		const theirs = await page.evaluate(() => performance.timeOrigin + performance.now());
		const t1 = now();
		if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: theirs - (t0 + t1) / 2 };
	}
	return best.offset;
}

/** [id, status, dom, painted, nextFrame] per row state first shown, in page time. */
export type Paint = [string, string, number, number, number];

/**
 * Watches the grid: when a row first shows a status (attribute change or row added) the
 * MutationObserver notes the time (DOM updated). Painted is the end of the first frame that
 * renders it: a change made inside a frame's animation callbacks (the product's) is rendered in
 * that frame, one made in a plain task (the floor's, on message) in the next. A message posted
 * during a frame runs after its rendering, so its arrival marks the frame's end for either. The
 * next requestAnimationFrame after the change is the upper bound. Also counts frames, for fps.
 */
export async function installProbe(page: Page): Promise<void> {
	await page.evaluate(() => {
		type Bench = { observer: MutationObserver; stopped: boolean };
		const previous = (window as unknown as { __bench?: Bench }).__bench;
		if (previous) {
			previous.observer.disconnect();
			previous.stopped = true;
		}
		const clock = () => performance.timeOrigin + performance.now();
		const paints: [string, string, number, number, number][] = [];
		const frames: number[] = [];
		const seen = new Set<string>();
		const tbody = document.querySelector('[data-testid="interactions-grid"] tbody');
		if (!tbody) throw new Error('no grid');
		for (const tr of tbody.querySelectorAll<HTMLElement>('tr[data-id]')) {
			seen.add(`${tr.dataset.id}:${tr.dataset.status}`);
		}
		let waiting: (typeof paints)[number][] = [];
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			const t = clock();
			for (const p of waiting) p[3] = t;
			waiting = [];
		};
		// True from the first animation callback of a frame until the frame has rendered.
		let inFrame = false;
		const frameEnd = new MessageChannel();
		frameEnd.port1.onmessage = () => (inFrame = false);
		const observer = new MutationObserver((mutations) => {
			const t = clock();
			const batch: (typeof paints)[number][] = [];
			const note = (node: Node) => {
				if (!(node instanceof HTMLElement) || node.tagName !== 'TR' || !node.dataset.id) return;
				const key = `${node.dataset.id}:${node.dataset.status}`;
				if (seen.has(key)) return;
				seen.add(key);
				const paint: (typeof paints)[number] = [
					node.dataset.id,
					node.dataset.status ?? '',
					t,
					0,
					0
				];
				paints.push(paint);
				batch.push(paint);
			};
			for (const m of mutations) {
				if (m.type === 'attributes') note(m.target);
				else m.addedNodes.forEach(note);
			}
			if (batch.length === 0) return;
			waiting.push(...batch);
			if (inFrame) channel.port2.postMessage(0);
			else requestAnimationFrame(() => channel.port2.postMessage(0));
			requestAnimationFrame(() => {
				const tf = clock();
				for (const p of batch) p[4] = tf;
			});
		});
		observer.observe(tbody, {
			subtree: true,
			childList: true,
			attributes: true,
			attributeFilter: ['data-status']
		});
		const bench = { paints, frames, observer, stopped: false };
		// Registered a frame ahead, this runs before any callback the page asks for in between.
		const frame = (t: number) => {
			inFrame = true;
			frameEnd.port2.postMessage(0);
			frames.push(performance.timeOrigin + t);
			if (!bench.stopped && frames.length < 200_000) requestAnimationFrame(frame);
		};
		requestAnimationFrame(frame);
		(window as unknown as { __bench: Bench }).__bench = bench;
	});
}

/** Takes what the probe collected so far (and empties it). */
export function drainProbe(
	page: Page
): Promise<{ paints: Paint[]; frames: number[]; received: [string, string, number][] }> {
	return page.evaluate(() => {
		const w = window as unknown as {
			__bench: { paints: Paint[]; frames: number[] };
			__benchWs: [string, string, number][];
		};
		return {
			paints: w.__bench.paints.splice(0),
			frames: w.__bench.frames.splice(0),
			received: w.__benchWs.splice(0)
		};
	});
}

/** Rows the grid holds (aria-rowcount counts the header row too; the floor's table has all). */
export async function gridRowCount(page: Page): Promise<number> {
	const grid = page.getByTestId('interactions-grid');
	const count = await grid.getAttribute('aria-rowcount');
	return count === null ? grid.locator('tbody tr').count() : Number(count) - 1;
}
