import type { PoolConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { Stack } from '../support/stack';

/**
 * Expensive work is bounded: concurrent exports are capped per user and in
 * all (429 with a message), and history, count and export statements stop at a time limit (503
 * with a message). A table lock held by the test makes the statements wait as long as it likes.
 */

const TIMEOUT_SECONDS = 3;

let stack: Stack;
let tenant: DemoTenant;
const cookies: Record<string, string> = {};

beforeAll(async () => {
	stack = await new Stack({
		mariadbPort: inject('mariadb').port,
		contactsPerTenant: 2,
		env: {
			HISTORY_QUERY_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
			EXPORT_MAX_PER_USER: '2',
			EXPORT_MAX_TOTAL: '3'
		}
	}).prepare();
	[tenant] = stack.lookups.tenants;
	const yesterday = msToSqlTime(Date.now() - 26 * 3_600_000);
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   created_at, closed_at) VALUES ?`,
		[
			Array.from({ length: 30 }, (_, i) => [
				96_000 + i,
				`b-${i}`,
				tenant.id,
				tenant.queues[0].id,
				'voice',
				tenant.agents[0].id,
				yesterday,
				yesterday
			])
		]
	);
	for (const name of ['bd.first', 'bd.second']) {
		await stack.createUser({ username: name, role: 'cc_admin', tenantId: tenant.id });
	}
	await stack.startServer();
	for (const name of ['bd.first', 'bd.second']) cookies[name] = await stack.signIn(name);
});

afterAll(async () => {
	await stack?.destroy();
});

/** Holds a write lock on closed_interactions: every history statement waits behind it. */
async function lockHistory(): Promise<() => Promise<void>> {
	const conn: PoolConnection = await stack.admin.getConnection();
	await conn.query(`USE \`${stack.pbxDb}\``);
	await conn.query('LOCK TABLES closed_interactions WRITE');
	return async () => {
		await conn.query('UNLOCK TABLES');
		conn.release();
	};
}

const EXPORT = '/api/interactions/export?range=last7';

async function jsonOf(response: Response) {
	return { status: response.status, body: (await response.json()) as { message?: string } };
}

describe('exports are capped per user and in all', () => {
	it('a third export of one user, and a fourth in all, answer 429 with a message', async () => {
		const unlock = await lockHistory();
		let held: Promise<Response>[] = [];
		try {
			// Two of the first user and one of the second wait behind the lock, holding their slots.
			held = [
				stack.get(EXPORT, cookies['bd.first']),
				stack.get(EXPORT, cookies['bd.first']),
				stack.get(EXPORT, cookies['bd.second'])
			];
			await new Promise((resolve) => setTimeout(resolve, 500));
			const mine = await jsonOf(await stack.get(EXPORT, cookies['bd.first']));
			expect(mine.status).toBe(429);
			expect(mine.body.message).toMatch(/2 export\(s\) running/);
			const all = await jsonOf(await stack.get(EXPORT, cookies['bd.second']));
			expect(all.status).toBe(429);
			expect(all.body.message).toMatch(/too many exports/i);
		} finally {
			await unlock();
		}
		for (const response of await Promise.all(held)) {
			expect(response.status).toBe(200);
			expect((await response.text()).split('\r\n').length).toBeGreaterThan(30);
		}
		// Finished exports give their slots back.
		const again = await stack.get(EXPORT, cookies['bd.first']);
		expect(again.status).toBe(200);
		await again.text();
	});
});

describe('history statements have a time limit', () => {
	it('history, count, person history and export answer 503 with a message when it passes', async () => {
		const unlock = await lockHistory();
		try {
			const started = Date.now();
			const answers = await Promise.all(
				[
					'/api/interactions?range=last7',
					'/api/interactions/count?range=last7',
					`/api/history?agent=${tenant.agents[0].id}`,
					EXPORT
				].map(async (path) => ({
					path,
					...(await jsonOf(await stack.get(path, cookies['bd.second'])))
				}))
			);
			for (const { path, status, body } of answers) {
				expect(status, path).toBe(503);
				expect(body.message, path).toMatch(/took too long/);
			}
			const seconds = (Date.now() - started) / 1000;
			expect(seconds).toBeGreaterThanOrEqual(TIMEOUT_SECONDS - 0.5);
			expect(seconds).toBeLessThan(TIMEOUT_SECONDS + 5);
		} finally {
			await unlock();
		}
		// The export's slot was given back after its 503.
		for (let i = 0; i < 2; i++) {
			const response = await stack.get(EXPORT, cookies['bd.second']);
			expect(response.status).toBe(200);
			await response.text();
		}
	});
});
