import { spawn, type ChildProcess } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { mintWallToken } from '../../scripts/lib/accounts';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { freePort } from '../../scripts/lib/ports';
import { formatSeconds } from '../../src/lib/live/durations';
import { startOfNextZonedDay, startOfZonedDay } from '../../src/lib/time/zone';
import { Stack, waitFor } from '../support/stack';
import { expect, test } from './fixtures';

/**
 * The wall display against its own server: the tests stop, freeze and restart it and move its
 * clock, so it cannot be the server every other browser test shares. The server is the
 * production build (server.ts) on a fixed port, on a Stack of its own (own pbxlogs and dashboard
 * databases), and its clock can be moved from the test: the board follows the server's clock
 * by design (it corrects for skew on every heartbeat), so controlling time means the server's.
 */

// Loaded before the server: Date (and Date.now) run `offset` ms off real time; a line with a
// number on stdin sets a new offset and is acknowledged on stdout.
const CLOCK_PRELOAD = `data:text/javascript;base64,${Buffer.from(
	`
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
let offset = Number(process.env.IL_TEST_CLOCK_OFFSET_MS || 0);
globalThis.Date = new Proxy(RealDate, {
	construct: (target, args, newTarget) =>
		Reflect.construct(target, args.length === 0 ? [realNow() + offset] : args, newTarget),
	apply: () => new RealDate(realNow() + offset).toString(),
	get: (target, key, receiver) =>
		key === 'now' ? () => realNow() + offset : Reflect.get(target, key, receiver)
});
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
	pending += chunk;
	for (let i = pending.indexOf('\\n'); i >= 0; i = pending.indexOf('\\n')) {
		const line = pending.slice(0, i).trim();
		pending = pending.slice(i + 1);
		if (/^-?\\d+$/.test(line)) {
			offset = Number(line);
			process.stdout.write('clock ' + line + '\\n');
		}
	}
});
`
).toString('base64')}`;

class WallServer {
	readonly url: string;
	#child: ChildProcess | null = null;
	#offsetMs = 0;
	#acks: string[] = [];

	constructor(
		private readonly stack: Stack,
		readonly port: number
	) {
		this.url = `http://127.0.0.1:${port}`;
	}

	/** The server's clock now. */
	now(): number {
		return Date.now() + this.#offsetMs;
	}

	async start(offsetMs = this.#offsetMs, env: Record<string, string> = {}): Promise<void> {
		this.#offsetMs = offsetMs;
		const child = spawn(
			process.execPath,
			['--import', CLOCK_PRELOAD, '--import', 'tsx', 'server.ts'],
			{
				env: {
					...process.env,
					...this.stack.env,
					PORT: String(this.port),
					HOST: '127.0.0.1',
					ORIGIN: this.url,
					IL_TEST_CLOCK_OFFSET_MS: String(offsetMs),
					...env
				},
				stdio: ['pipe', 'pipe', 'inherit']
			}
		);
		this.#child = child;
		child.stdout?.setEncoding('utf8');
		child.stdout?.on('data', (text: string) => {
			for (const line of text.split('\n')) if (line.startsWith('clock ')) this.#acks.push(line);
		});
		const healthy = () =>
			fetch(`${this.url}/health`).then(
				(r) => r.ok,
				() => false
			);
		await waitFor(async () => child.exitCode === null && (await healthy()), 30_000, 'server');
	}

	/** Moves the server's clock to `serverMs` (the board follows at its next heartbeat). */
	async setClock(serverMs: number): Promise<void> {
		const offset = Math.round(serverMs - Date.now());
		this.#child?.stdin?.write(`${offset}\n`);
		await waitFor(() => this.#acks.includes(`clock ${offset}`), 5_000, 'the clock to move');
		this.#offsetMs = offset;
	}

	async stop(): Promise<void> {
		const child = this.#child;
		this.#child = null;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGCONT');
		child.kill('SIGTERM');
		await exited;
	}

	/** Freezes the process: its sockets stay open but it says nothing, like a hung server. */
	freeze(): void {
		this.#child?.kill('SIGSTOP');
	}

	thaw(): void {
		this.#child?.kill('SIGCONT');
	}
}

const sqlTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

interface Contact {
	queue: number;
	createdMs: number;
	answeredMs?: number | null;
	acwMs?: number | null;
	closedMs?: number | null;
}

/** Writes PBX rows with exact timestamps, in multi-row statements, as the PBX's tables hold them. */
class Pbx {
	#nextId = 1;

	constructor(
		private readonly stack: Stack,
		private readonly tenant: DemoTenant
	) {}

	nextIds(count: number): number[] {
		const first = this.#nextId;
		this.#nextId += count;
		return Array.from({ length: count }, (_, i) => first + i);
	}

	async clear(): Promise<void> {
		await this.stack.pbx('DELETE FROM active_interactions');
		await this.stack.pbx('DELETE FROM closed_interactions');
	}

	/** Inserts contacts in progress (status from the timestamps given) or closed. */
	async write(contacts: Contact[]): Promise<void> {
		const ids = this.nextIds(contacts.length);
		const common = (c: Contact, i: number) => {
			const contact = this.tenant.contacts[ids[i] % this.tenant.contacts.length];
			return [
				ids[i],
				`u-${ids[i]}`,
				this.tenant.id,
				c.queue,
				(['voice', 'chat', 'sms', 'whatsapp'] as const)[ids[i] % 4],
				c.answeredMs ? this.tenant.agents[ids[i] % this.tenant.agents.length].id : null,
				ids[i] % 3 === 0 ? null : contact.id,
				contact.phone,
				this.tenant.queues[0].did,
				sqlTime(c.createdMs),
				c.answeredMs ? sqlTime(c.answeredMs) : null,
				c.acwMs ? sqlTime(c.acwMs) : null
			];
		};
		const open = contacts.flatMap((c, i) => (c.closedMs ? [] : [{ c, i }]));
		const closed = contacts.flatMap((c, i) => (c.closedMs ? [{ c, i }] : []));
		if (open.length > 0) {
			await this.stack.pbx(
				`INSERT INTO active_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
				   crm_contact_id, phone_number, did, created_at, answered_at, acw_started_at, status) VALUES ?`,
				[
					open.map(({ c, i }) => [
						...common(c, i),
						c.acwMs ? 'acw' : c.answeredMs ? 'active' : 'new'
					])
				]
			);
		}
		if (closed.length > 0) {
			const seconds = (from: number, to: number) => Math.max(0, Math.floor((to - from) / 1000));
			await this.stack.pbx(
				`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
				   crm_contact_id, phone_number, did, created_at, answered_at, acw_started_at, closed_at,
				   wait_seconds, talk_seconds, acw_seconds) VALUES ?`,
				[
					closed.map(({ c, i }) => {
						const end = c.closedMs ?? 0;
						const acw = c.acwMs ?? end;
						return [
							...common(c, i),
							sqlTime(end),
							seconds(c.createdMs, c.answeredMs ?? end),
							c.answeredMs ? seconds(c.answeredMs, acw) : 0,
							c.answeredMs ? seconds(acw, end) : 0
						];
					})
				]
			);
		}
	}
}

interface TileReading {
	queue: number;
	waiting: number;
	active: number;
	acw: number;
	closed: number;
	answered: number;
	abandoned: number;
	avgWait: string;
	avgHandle: string;
}

/** What every tile on screen says. */
function readBoard(page: Page): Promise<TileReading[]> {
	return page.locator('section.tile').evaluateAll((tiles) =>
		tiles.map((tile) => {
			const text = (id: string) => tile.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
			const count = (id: string) => Number(text(id).replace(/,/g, ''));
			const chart = tile.querySelector('figure') as HTMLElement;
			return {
				queue: Number((tile as HTMLElement).dataset.queue),
				waiting: count('count-new'),
				active: count('count-active'),
				acw: count('count-acw'),
				closed: count('count-closed'),
				answered: Number(chart.dataset.answered),
				abandoned: Number(chart.dataset.abandoned),
				avgWait: text('avg-wait').trim(),
				avgHandle: text('avg-handle').trim()
			};
		})
	);
}

/** What the tiles must say, computed by SQL from the PBX tables with the wall's definitions. */
async function boardFromDb(stack: Stack, tenant: DemoTenant, dayStartMs: number) {
	const day = [sqlTime(dayStartMs), sqlTime(startOfNextZonedDay(dayStartMs, tenant.timezone))];
	const today = 'created_at >= ? AND created_at < ?';
	const answered = "answered_at IS NOT NULL AND direction = 'inbound'";
	const open = await stack.pbxRows<Record<string, string>>(
		`SELECT queue_id, SUM(status = 'new') AS waiting, SUM(status = 'active') AS active,
		        SUM(status = 'acw') AS acw, SUM(${answered} AND ${today}) AS answered,
		        SUM(IF(${answered} AND ${today}, TIMESTAMPDIFF(SECOND, created_at, answered_at), 0)) AS wait
		   FROM active_interactions WHERE tenant_id = ? GROUP BY queue_id`,
		[...day, ...day, tenant.id]
	);
	const closed = await stack.pbxRows<Record<string, string>>(
		`SELECT queue_id, COUNT(*) AS closed, SUM(${answered}) AS answered,
		        SUM(answered_at IS NULL AND direction = 'inbound') AS abandoned,
		        SUM(IF(${answered}, wait_seconds, 0)) AS wait, SUM(answered_at IS NOT NULL) AS handled,
		        SUM(IF(answered_at IS NOT NULL, talk_seconds + acw_seconds, 0)) AS handle
		   FROM closed_interactions WHERE tenant_id = ? AND ${today} GROUP BY queue_id`,
		[tenant.id, ...day]
	);
	const of = (rows: Record<string, string>[], queue: number, key: string) =>
		Number(rows.find((r) => Number(r.queue_id) === queue)?.[key] ?? 0);
	const avg = (sum: number, n: number) => (n === 0 ? '—' : formatSeconds(Math.round(sum / n)));
	return (queue: number): TileReading => {
		const answeredCount = of(open, queue, 'answered') + of(closed, queue, 'answered');
		return {
			queue,
			waiting: of(open, queue, 'waiting'),
			active: of(open, queue, 'active'),
			acw: of(open, queue, 'acw'),
			closed: of(closed, queue, 'closed'),
			answered: answeredCount,
			abandoned: of(closed, queue, 'abandoned'),
			avgWait: avg(of(open, queue, 'wait') + of(closed, queue, 'wait'), answeredCount),
			avgHandle: avg(of(closed, queue, 'handle'), of(closed, queue, 'handled'))
		};
	};
}

/** Waits until every tile equals the database (the board has caught up with the PBX). */
async function expectBoardEqualsDb(
	page: Page,
	stack: Stack,
	tenant: DemoTenant,
	dayStartMs: number,
	timeout = 20_000
): Promise<void> {
	await expect(page.locator('section.tile')).toHaveCount(tenant.queues.length);
	await expect
		.poll(
			async () => {
				const expected = await boardFromDb(stack, tenant, dayStartMs);
				const board = await readBoard(page);
				return board.flatMap((tile) => {
					const db = expected(tile.queue);
					return JSON.stringify(tile) === JSON.stringify(db) ? [] : [{ board: tile, db }];
				});
			},
			{ timeout, intervals: [250, 500, 1000] }
		)
		.toEqual([]);
}

/**
 * A busy day in fast-forward: every step inserts a batch of new contacts, answers the previous
 * batch (4 in 5; the fifth is abandoned), puts the one before into ACW and closes the one before
 * that, each as one multi-row statement (the close: insert into closed + delete from active in
 * one transaction, as the PBX does). Timestamps follow the server's clock, which the test moves
 * through the day.
 */
class DayOfTraffic {
	changes = 0;
	#batches: number[][] = [];

	constructor(
		private readonly stack: Stack,
		private readonly tenant: DemoTenant,
		private readonly pbx: Pbx,
		private readonly batchSize: number
	) {}

	async step(step: number, nowMs: number, lastInsert: number): Promise<void> {
		// One statement at a time: concurrent multi-row writes to one table deadlock in InnoDB.
		const at = (k: number) => (k >= 0 && k <= lastInsert ? this.#batches[k] : null);
		const close = at(step - 3);
		const acw = at(step - 2);
		const answer = at(step - 1);
		if (close) this.changes += await this.#close(close);
		if (acw) this.changes += await this.#acw(acw.filter((id) => id % 5 !== 0));
		if (answer) this.changes += await this.#answer(answer.filter((id) => id % 5 !== 0));
		if (step <= lastInsert) this.changes += await this.#insert(step, nowMs);
	}

	async #insert(step: number, nowMs: number): Promise<number> {
		const ids = this.pbx.nextIds(this.batchSize);
		this.#batches[step] = ids;
		const { queues, contacts } = this.tenant;
		const rows = ids.map((id) => [
			id,
			`u-${id}`,
			this.tenant.id,
			// Not `id % queues`: abandonment is `id % 5`, and it must not pick a queue.
			queues[Math.floor(id / 7) % queues.length].id,
			(['voice', 'chat', 'sms', 'whatsapp'] as const)[id % 4],
			contacts[id % contacts.length].id,
			contacts[id % contacts.length].phone,
			queues[0].did,
			sqlTime(nowMs - (id % 100) * 1000)
		]);
		return this.#run(
			`INSERT INTO active_interactions (id, uniqueid, tenant_id, queue_id, channel, crm_contact_id,
			   phone_number, did, created_at) VALUES ?`,
			[rows]
		);
	}

	#answer(ids: number[]): Promise<number> {
		const agents = this.tenant.agents.map((a) => a.id);
		return this.#run(
			`UPDATE active_interactions SET status = 'active',
			        agent_id = ELT(1 + id % ${agents.length}, ${agents.join(', ')}),
			        answered_at = DATE_ADD(created_at, INTERVAL id % 90 SECOND)
			  WHERE id IN (?)`,
			[ids]
		);
	}

	#acw(ids: number[]): Promise<number> {
		return this.#run(
			`UPDATE active_interactions SET status = 'acw',
			        acw_started_at = DATE_ADD(answered_at, INTERVAL 60 + (id * 7) % 540 SECOND)
			  WHERE id IN (?)`,
			[ids]
		);
	}

	async #close(ids: number[]): Promise<number> {
		const end = `IF(acw_started_at IS NULL, DATE_ADD(created_at, INTERVAL 20 + id % 100 SECOND),
		                DATE_ADD(acw_started_at, INTERVAL 30 + id % 90 SECOND))`;
		const conn = await this.stack.admin.getConnection();
		try {
			await conn.query(`USE \`${this.stack.pbxDb}\``);
			await conn.beginTransaction();
			await conn.query(
				`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, direction,
				   agent_id, crm_contact_id, phone_number, did, created_at, answered_at, acw_started_at,
				   closed_at, wait_seconds, talk_seconds, acw_seconds)
				 SELECT id, uniqueid, tenant_id, queue_id, channel, direction, agent_id, crm_contact_id,
				        phone_number, did, created_at, answered_at, acw_started_at, ${end},
				        TIMESTAMPDIFF(SECOND, created_at, COALESCE(answered_at, ${end})),
				        IF(answered_at IS NULL, 0, TIMESTAMPDIFF(SECOND, answered_at, acw_started_at)),
				        IF(answered_at IS NULL, 0, TIMESTAMPDIFF(SECOND, acw_started_at, ${end}))
				   FROM active_interactions WHERE id IN (?)`,
				[ids]
			);
			const [deleted] = await conn.query('DELETE FROM active_interactions WHERE id IN (?)', [ids]);
			await conn.commit();
			return (deleted as { affectedRows: number }).affectedRows;
		} catch (error) {
			await conn.rollback();
			throw error;
		} finally {
			conn.release();
		}
	}

	async #run(sql: string, params: unknown[]): Promise<number> {
		const conn = await this.stack.admin.getConnection();
		try {
			await conn.query(`USE \`${this.stack.pbxDb}\``);
			const [result] = await conn.query(sql, params);
			return (result as { affectedRows: number }).affectedRows;
		} finally {
			conn.release();
		}
	}
}

/**
 * Everything that carries text on the wall: its font size, whether it is cut off by its own box
 * or by an ancestor that clips, whether it leaves the screen; and whether the page scrolls.
 */
function layoutProblems(page: Page, minFontPx: number): Promise<string[]> {
	return page.evaluate((minFont) => {
		const problems: string[] = [];
		const name = (el: Element) =>
			`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent?.trim().slice(0, 30)}"`;
		const root = document.documentElement;
		if (root.scrollWidth > innerWidth || root.scrollHeight > innerHeight) {
			problems.push(`page scrolls: ${root.scrollWidth}×${root.scrollHeight}`);
		}
		for (const el of document.querySelectorAll('.wall *')) {
			if (el.closest('.sr-only, svg')) continue;
			const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim());
			if (!ownText) continue;
			const size = parseFloat(getComputedStyle(el).fontSize);
			if (size < minFont) problems.push(`${name(el)}: font ${size}px`);
			if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
				problems.push(`${name(el)}: cut off (${el.scrollWidth} > ${el.clientWidth})`);
			}
			const box = el.getBoundingClientRect();
			if (box.right > innerWidth + 1 || box.bottom > innerHeight + 1) {
				problems.push(`${name(el)}: off screen`);
			}
			for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
				if (getComputedStyle(up).overflow === 'visible') continue;
				const clip = up.getBoundingClientRect();
				if (box.top < clip.top - 1 || box.bottom > clip.bottom + 1 || box.right > clip.right + 1) {
					problems.push(`${name(el)}: clipped by ${name(up)}`);
					break;
				}
			}
		}
		return problems;
	}, minFontPx);
}

async function settle(page: Page): Promise<void> {
	await page.waitForFunction(() =>
		document.getAnimations().every((a) => a.playState !== 'running')
	);
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
	const path = testInfo.outputPath(`${name}.png`);
	await page.screenshot({ path });
	await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** JS heap in use after a full garbage collection, in MB. */
async function heapMb(page: Page): Promise<number> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Performance.enable');
	await cdp.send('HeapProfiler.collectGarbage');
	await cdp.send('HeapProfiler.collectGarbage');
	const { metrics } = await cdp.send('Performance.getMetrics');
	await cdp.detach();
	const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
	return Math.round((used / 1_048_576) * 10) / 10;
}

/** A day so far in every queue: closed and abandoned contacts, and some in progress. */
function morningTraffic(tenant: DemoTenant, nowMs: number, dayStartMs: number): Contact[] {
	const elapsed = nowMs - dayStartMs;
	const contacts: Contact[] = [];
	tenant.queues.forEach((queue, q) => {
		for (let i = 0; i < 40; i++) {
			const createdMs = dayStartMs + Math.floor((elapsed * (i + 0.5)) / 41) - 600_000;
			if (createdMs < dayStartMs) continue;
			const abandon = (i + q) % 6 === 0;
			const answeredMs = abandon ? null : createdMs + ((i * 7 + q * 11) % 50) * 1000;
			const acwMs = answeredMs ? answeredMs + (120 + ((i * 37) % 400)) * 1000 : null;
			const closedMs = (acwMs ?? createdMs + 45_000) + 40_000;
			contacts.push({ queue: queue.id, createdMs, answeredMs, acwMs, closedMs });
		}
		const ago = (s: number) => nowMs - s * 1000;
		contacts.push(
			{ queue: queue.id, createdMs: ago(8 + q) },
			{ queue: queue.id, createdMs: ago(75 + q * 3) },
			{ queue: queue.id, createdMs: ago(200), answeredMs: ago(180) },
			{ queue: queue.id, createdMs: ago(700), answeredMs: ago(690) },
			{ queue: queue.id, createdMs: ago(400), answeredMs: ago(380), acwMs: ago(30 + q * 20) }
		);
		if (q === 1) contacts.push({ queue: queue.id, createdMs: ago(140) });
	});
	return contacts;
}

test.describe('wall display', () => {
	let stack: Stack;
	let server: WallServer;
	let pbx: Pbx;
	let token: string;
	let tenant: DemoTenant;

	test.beforeAll(async () => {
		stack = await new Stack({ mariadbPort: Number(process.env.IL_MARIADB_PORT) }).prepare();
		tenant = stack.lookups.tenants[0];
		expect(tenant.timezone).toBe('America/Chicago');
		pbx = new Pbx(stack, tenant);
		server = new WallServer(stack, await freePort());
		await server.start();
		token = await mintWallToken(stack.env, {
			label: 'Floor TV',
			tenantId: tenant.id,
			queueIds: 'all'
		});
		await server.stop();
	});

	test.afterEach(async () => {
		await server.stop();
		await pbx.clear();
		await stack.admin.query(`DELETE FROM \`${stack.dashDb}\`.queue_thresholds`);
	});

	test.afterAll(async () => {
		await stack.destroy();
	});

	async function openWall(page: Page, query = ''): Promise<void> {
		await page.goto(`${server.url}/wall?token=${token}${query}`);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
	}

	test('fills a 1080p and a 4K screen legibly, nothing clipped, nothing scrolling', async ({
		page
	}, testInfo) => {
		await server.start(0);
		const now = server.now();
		const dayStart = startOfZonedDay(now, tenant.timezone);
		await pbx.write(morningTraffic(tenant, now, dayStart));
		for (const [width, height, name] of [
			[1920, 1080, 'wall-1920x1080'],
			[3840, 2160, 'wall-3840x2160']
		] as const) {
			await page.setViewportSize({ width, height });
			if (width === 1920) await openWall(page);
			await expectBoardEqualsDb(page, stack, tenant, dayStart);
			await expect(page.getByTestId('more')).toBeVisible();
			await expect(page.locator('li.row.red').first()).toBeVisible();
			await settle(page);
			// About 22 px on a 1080p screen is the smallest text that reads from 3 metres.
			expect(await layoutProblems(page, height * 0.019)).toEqual([]);
			await screenshot(page, testInfo, name);
		}
		const axe = await new AxeBuilder({ page })
			.include('.wall')
			.withTags(['wcag2a', 'wcag2aa'])
			.analyze();
		expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);
	});

	test('stopping the server shows the stale banner within 5 s; restarting it recovers by itself', async ({
		page
	}, testInfo) => {
		await server.start(0);
		const dayStart = startOfZonedDay(server.now(), tenant.timezone);
		await pbx.write(morningTraffic(tenant, server.now(), dayStart));
		await page.setViewportSize({ width: 1920, height: 1080 });
		await openWall(page);
		await expectBoardEqualsDb(page, stack, tenant, dayStart);
		// A reload would lose this: the recovery must happen in the same page.
		await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

		const stoppedAt = Date.now();
		await server.stop();
		await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: 5_000 });
		expect(Date.now() - stoppedAt).toBeLessThan(5_000);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'stale');
		// Timers stop pretending: the longest wait does not tick on while nothing is known.
		const timer = page.getByTestId('time-in-status').first();
		const frozen = await timer.textContent();
		await page.waitForTimeout(2_200);
		expect(await timer.textContent()).toBe(frozen);
		await screenshot(page, testInfo, 'wall-stale-1920x1080');

		// The PBX goes on while the server is down: answers, closes, new calls.
		const now = Date.now();
		await stack.pbx(
			`UPDATE active_interactions SET status = 'active', agent_id = ?, answered_at = ?
			  WHERE status = 'new' ORDER BY id LIMIT 3`,
			[tenant.agents[0].id, sqlTime(now)]
		);
		await stack.pbx("DELETE FROM active_interactions WHERE status = 'acw' ORDER BY id LIMIT 2");
		await pbx.write([
			{ queue: tenant.queues[2].id, createdMs: now - 5_000 },
			{
				queue: tenant.queues[3].id,
				createdMs: now - 90_000,
				answeredMs: now - 80_000,
				acwMs: now - 20_000,
				closedMs: now - 1_000
			}
		]);

		await server.start();
		await expect(page.getByTestId('stale-banner')).toBeHidden({ timeout: 20_000 });
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
		await expectBoardEqualsDb(page, stack, tenant, dayStart);
		expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
	});

	test('a server that hangs with its socket open is called stale; live again when it speaks', async ({
		page
	}) => {
		await server.start(0);
		await openWall(page);
		server.freeze();
		const frozenAt = Date.now();
		await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: 15_000 });
		// Two missed heartbeats (10 s) after the last message, which came at most 5 s earlier.
		expect(Date.now() - frozenAt).toBeLessThan(11_500);
		server.thaw();
		await expect(page.getByTestId('stale-banner')).toBeHidden({ timeout: 10_000 });
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
	});

	test('a frozen background tab comes back current when it is shown again', async ({ page }) => {
		await server.start(0);
		const dayStart = startOfZonedDay(server.now(), tenant.timezone);
		await openWall(page);
		const cdp = await page.context().newCDPSession(page);
		// What Chrome does to a tab in the background for long: no timers, no frames, no JS.
		await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
		await pbx.write(morningTraffic(tenant, server.now(), dayStart));
		await new Promise((resolve) => setTimeout(resolve, 6_000));
		await cdp.send('Page.setWebLifecycleState', { state: 'active' });
		await expectBoardEqualsDb(page, stack, tenant, dayStart, 5_000);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
	});

	test('admin thresholds colour tiles and rows as the clock moves; red pulses, then holds still', async ({
		page,
		browser
	}, testInfo) => {
		await server.start(0);
		const [strict, relaxed] = tenant.queues;
		await stack.createUser({ username: 'wall.admin', role: 'cc_admin', tenantId: tenant.id });
		const admin = await browser.newPage();
		await admin.goto(`${server.url}/login`);
		await admin.locator('body[data-hydrated]').waitFor();
		await admin.getByLabel('User name').fill('wall.admin');
		await admin.getByLabel('Password').fill('correct horse battery');
		await admin.getByRole('button', { name: 'Sign in' }).click();
		await admin.waitForURL(/\/interactions/);
		await admin.goto(`${server.url}/admin/thresholds`);
		await admin.locator('body[data-hydrated]').waitFor();
		const form = admin.locator(`form[data-queue="${strict.id}"]`);
		const waiting = form.getByRole('group', { name: 'Waiting' });
		await waiting.getByLabel('Amber after (s)').fill('90');
		await waiting.getByLabel('Red after (s)').fill('30');
		await form.getByRole('button', { name: /^Save/ }).click();
		await expect(form.getByText('Red must be longer than amber')).toBeVisible();
		await screenshot(admin, testInfo, 'admin-thresholds-invalid');
		await waiting.getByLabel('Amber after (s)').fill('30');
		await waiting.getByLabel('Red after (s)').fill('90');
		await form.getByRole('button', { name: /^Save/ }).click();
		await expect(form.getByText('Custom')).toBeVisible();

		const start = server.now();
		await pbx.write([
			{ queue: strict.id, createdMs: start },
			{ queue: relaxed.id, createdMs: start }
		]);
		await openWall(page);
		// What an open board re-reads every minute, on the one path a wall token may use.
		const config = await page.request.get(`${server.url}/wall`, {
			headers: { accept: 'application/json' }
		});
		const board = (await config.json()) as { queues: { id: number; thresholds: object }[] };
		expect(board.queues.find((q) => q.id === strict.id)?.thresholds).toMatchObject({
			waitAmberSeconds: 30,
			waitRedSeconds: 90
		});
		const tile = (queueId: number) => page.locator(`section.tile[data-queue="${queueId}"]`);
		const row = (queueId: number) =>
			page.locator('li.row[data-status="new"]').filter({ hasText: queueName(queueId) });
		const queueName = (id: number) => tenant.queues.find((q) => q.id === id)?.name ?? '';
		await expect(tile(strict.id)).toHaveAttribute('data-level', 'ok');
		await expect(row(strict.id)).toHaveAttribute('data-level', 'ok');

		// 45 s of waiting: over the strict queue's 30 s, under the default 60 s.
		await server.setClock(start + 45_000);
		await expect(tile(strict.id)).toHaveAttribute('data-level', 'amber', { timeout: 10_000 });
		await expect(row(strict.id)).toHaveAttribute('data-level', 'amber');
		await expect(tile(relaxed.id)).toHaveAttribute('data-level', 'ok');
		await expect(tile(strict.id).getByText('over 0:30')).toBeVisible();

		// 95 s: red for the strict queue (over 90 s), amber for the default one (over 60 s).
		await server.setClock(start + 95_000);
		await expect(tile(strict.id)).toHaveAttribute('data-level', 'red', { timeout: 10_000 });
		await expect(row(strict.id)).toHaveAttribute('data-level', 'red');
		await expect(tile(relaxed.id)).toHaveAttribute('data-level', 'amber');
		// The clock kept running after the jump: at least 95 s, and not a minute more.
		await expect(tile(strict.id).getByTestId('longest-wait')).toHaveText(/^1:[3-5]\d$/);
		const pulse = await tile(strict.id).evaluate((el) => {
			const style = getComputedStyle(el);
			return { name: style.animationName, count: style.animationIterationCount };
		});
		expect(pulse.name).toMatch(/pulse/);
		expect(pulse.count).toBe('3');
		// A short pulse, no endless blinking: after it, nothing on the tile animates.
		await expect
			.poll(() => tile(strict.id).evaluate((el) => el.getAnimations().length), { timeout: 5_000 })
			.toBe(0);

		// Back to the defaults: the queue's own row goes, and so does the custom badge.
		await form.getByRole('button', { name: /^Reset to defaults/ }).click();
		await expect(form.getByText('Defaults')).toBeVisible();
		await expect(waiting.getByLabel('Amber after (s)')).toHaveValue('60');
		await admin.close();
	});

	test('today rolls over at midnight in the tenant’s zone (America/Chicago), not UTC', async ({
		page
	}) => {
		const midnight = startOfNextZonedDay(Date.now(), tenant.timezone);
		await server.start(midnight - 60_000 - Date.now()); // 23:59:00 in Chicago
		const evening = server.now();
		const yesterday = startOfZonedDay(evening, tenant.timezone);
		const queue = tenant.queues[0].id;
		const closedInTheEvening = Array.from({ length: 6 }, (_, i): Contact => {
			const createdMs = evening - (50 - i * 5) * 60_000;
			return {
				queue,
				createdMs,
				answeredMs: createdMs + 9_000,
				acwMs: createdMs + 99_000,
				closedMs: createdMs + 130_000
			};
		});
		await pbx.write([
			...closedInTheEvening,
			{ queue, createdMs: evening - 30_000 },
			{ queue, createdMs: evening - 600_000, answeredMs: evening - 590_000 }
		]);
		await openWall(page);
		await expectBoardEqualsDb(page, stack, tenant, yesterday);
		const tile = page.locator(`section.tile[data-queue="${queue}"]`);
		await expect(tile.getByTestId('count-closed')).toHaveText('6');

		await server.setClock(midnight + 2_000);
		await expect(tile.getByTestId('count-closed')).toHaveText('0', { timeout: 10_000 });
		await expect(page.getByTestId('clock')).toHaveText(/^00:0\d$/);
		// What is still in progress stays on the board, with its time since before midnight.
		await expect(tile.getByTestId('count-new')).toHaveText('1');
		await expect(tile.getByTestId('count-active')).toHaveText('1');
		const waited = Math.floor((midnight + 2_000 - (evening - 30_000)) / 1000);
		const [minutes, seconds] = (await tile.getByTestId('longest-wait').textContent())!
			.split(':')
			.map(Number);
		expect(minutes * 60 + seconds).toBeGreaterThanOrEqual(waited);
		expect(minutes * 60 + seconds).toBeLessThan(waited + 10);
		await expectBoardEqualsDb(page, stack, tenant, midnight);

		// The new day counts from zero.
		await pbx.write([
			{
				queue,
				createdMs: midnight + 100,
				answeredMs: midnight + 900,
				acwMs: midnight + 1_500,
				closedMs: midnight + 1_900
			}
		]);
		await expect(tile.getByTestId('count-closed')).toHaveText('1');
		await expectBoardEqualsDb(page, stack, tenant, midnight);
		// The server rolled over too: a fresh load shows the same day.
		await page.reload();
		await expectBoardEqualsDb(page, stack, tenant, midnight);
	});

	test('a revoked token stops the board and says so, instead of showing old figures as live', async ({
		page
	}) => {
		await server.start(0);
		const label = 'Revoked TV';
		const revoked = await mintWallToken(stack.env, { label, tenantId: tenant.id, queueIds: 'all' });
		await page.goto(`${server.url}/wall?token=${revoked}`);
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'live');
		await stack.admin.query(
			`UPDATE \`${stack.dashDb}\`.wall_tokens SET revoked_at = NOW(3) WHERE label = ?`,
			[label]
		);
		await expect(page.getByTestId('stale-banner')).toContainText('This board has stopped', {
			timeout: 10_000
		});
		await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', 'ended');
	});

	test('rotates between groups of queues, as set in the board’s address', async ({ page }) => {
		await server.start(0);
		await page.goto(`${server.url}/wall?token=${token}&group=2&rotate=5`);
		await expect(page).toHaveURL(/\/wall\?group=2&rotate=5$/);
		await expect(page.getByTestId('group')).toHaveText(/^Queues [123] of 3$/);
		await expect(page.locator('section.tile')).not.toHaveCount(0);
		const shown = () =>
			page
				.locator('section.tile')
				.evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-queue')).join());
		const first = await shown();
		expect(first.split(',').length).toBeLessThanOrEqual(2);
		await expect.poll(shown, { timeout: 7_000 }).not.toBe(first);
	});

	test('soak: an accelerated day of 100k+ changes keeps a flat heap and ends equal to the database', async ({
		page,
		browser
	}, testInfo) => {
		test.setTimeout(600_000);
		const dayStart = startOfZonedDay(Date.now(), tenant.timezone);
		const dayEnd = startOfNextZonedDay(Date.now(), tenant.timezone);
		// 00:00:30 in Chicago. The binlog supervisor takes a clock jump longer than its heartbeat
		// for a silent stream (it measures with Date.now()): keep every step of the day under it.
		await server.start(dayStart + 30_000 - Date.now(), { BINLOG_HEARTBEAT_MS: '600000' });
		await page.setViewportSize({ width: 1920, height: 1080 });
		await openWall(page);
		const heap: Record<string, number> = { baseline: await heapMb(page) };

		const steps = 161;
		const traffic = new DayOfTraffic(stack, tenant, pbx, 190);
		const started = Date.now();
		for (let step = 0; step <= steps; step++) {
			// The day moves on 9 minutes a step: the server's clock, and the PBX's timestamps.
			const now = dayStart + 120_000 + (step / (steps + 1)) * (dayEnd - dayStart - 300_000);
			await server.setClock(now);
			await traffic.step(step, now, steps - 2);
			if (step === Math.round(steps / 2)) heap.midday = await heapMb(page);
		}
		const writeSeconds = (Date.now() - started) / 1000;
		expect(traffic.changes).toBeGreaterThanOrEqual(100_000);

		await expectBoardEqualsDb(page, stack, tenant, dayStart, 180_000);
		const caughtUpSeconds = (Date.now() - started) / 1000;
		const [{ n: inProgress }] = await stack.pbxRows<{ n: string }>(
			'SELECT COUNT(*) AS n FROM active_interactions'
		);
		await expect(page.locator('section.list')).toHaveAttribute('data-total', String(inProgress));
		heap.endOfDay = await heapMb(page);
		// A whole day's volumes (thousands a queue) still fit their tiles.
		await settle(page);
		expect(await layoutProblems(page, 1080 * 0.019)).toEqual([]);
		await screenshot(page, testInfo, 'wall-soak-end-of-day');

		// The same board opened fresh on the final state: what the day's rows alone weigh.
		const fresh = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
		await fresh.goto(`${server.url}/wall?token=${token}`);
		await expectBoardEqualsDb(fresh, stack, tenant, dayStart, 60_000);
		heap.freshBoard = await heapMb(fresh);
		await fresh.close();

		// Midnight: the day's closed rows go, and with them the memory they held.
		await server.setClock(dayEnd + 2_000);
		await expectBoardEqualsDb(page, stack, tenant, dayEnd, 30_000);
		heap.nextMorning = await heapMb(page);

		const figures = {
			changes: traffic.changes,
			writeSeconds,
			changesPerSecondWritten: Math.round(traffic.changes / writeSeconds),
			boardCaughtUpSeconds: caughtUpSeconds,
			inProgressAtEnd: Number(inProgress),
			heapMb: heap
		};
		console.log('wall soak', JSON.stringify(figures));
		await testInfo.attach('soak-figures.json', {
			body: JSON.stringify(figures, null, 2),
			contentType: 'application/json'
		});
		// Flat: after a day the board holds no more than a fresh board of the same rows...
		expect(heap.endOfDay).toBeLessThan(heap.freshBoard * 1.15 + 2);
		// ...and once the day's rows are gone it is back near where it started: 4 MB over 100k
		// changes would be 40 bytes a change, and a leak of anything per change is more than that.
		expect(heap.nextMorning).toBeLessThan(heap.baseline + 4);
	});
});
