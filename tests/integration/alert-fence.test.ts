import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlertRule } from '../../src/lib/alerts/rules';
import type { Fire } from '../../src/lib/server/alerts/engine';
import { AlertStore, FencedError } from '../../src/lib/server/alerts/store';
import { loadConfig } from '../../src/lib/server/config';
import { migrate } from '../../src/lib/server/dashboard/migrations';
import { createPool } from '../../src/lib/server/db';
import { createLogger } from '../../src/lib/server/log';
import { Stack } from '../support/stack';

/**
 * The alert fence against a real MariaDB, two evaluators at once: the newest claim writes, a
 * stalled older one writes nothing after it, one breach key has one open row, and a leader
 * after Redis lost its data (tokens counted from 1 again) still takes over.
 */

let stack: Stack;
let pool: Pool;

const rule: AlertRule = {
	id: 7,
	tenantId: 1,
	queueId: 3,
	metric: 'longest-wait',
	level: 'critical',
	threshold: 60,
	minDurationSeconds: 0,
	clearThreshold: 30,
	clearDurationSeconds: 0,
	channels: ['screens'],
	enabled: true
};
const fire = (at: number): Fire => ({ kind: 'fire', key: '7:3:', rule, queueId: 3, subject: '', value: 90, since: at, at }); // prettier-ignore
const clear = (at: number) => ({ kind: 'clear' as const, key: '7:3:', ruleId: 7, queueId: 3, subject: '', value: 10, at }); // prettier-ignore

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 1 }).prepare();
	pool = createPool(loadConfig(stack.env).dashboard);
	await migrate(pool, createLogger({ level: 'warn' }));
});

afterAll(async () => {
	await pool?.end();
	await stack?.destroy();
});

describe('the alert fence', () => {
	it('lets only the newest claim write; a stalled old leader writes nothing after it', async () => {
		const store = new AlertStore(pool);
		const old = await store.claim({ token: 4, fresh: false }, 'node1');
		const next = await store.claim({ token: 5, fresh: false }, 'node2');
		expect(old && next).toBeTruthy();
		await expect(store.fire(old!, fire(Date.now()), 1, 'Sales: longest wait 1:30')).rejects.toBeInstanceOf(FencedError); // prettier-ignore
		// The old leader cannot claim back with its older token either.
		expect(await store.claim({ token: 4, fresh: false }, 'node1')).toBeNull();
		const written = await store.fire(next!, fire(Date.now()), 1, 'Sales: longest wait 1:30');
		expect(written.existing).toBe(false);
		await expect(store.clear(old!, clear(Date.now()))).rejects.toBeInstanceOf(FencedError);
		expect((await store.openAlerts()).map((a) => [a.id, a.summary])).toEqual([[written.alert.id, 'Sales: longest wait 1:30']]); // prettier-ignore
	});

	it('keeps one open row per breach: a new leader firing it again continues that row', async () => {
		const store = new AlertStore(pool);
		const newer = await store.claim({ token: 6, fresh: false }, 'node3');
		const again = await store.fire(newer!, fire(Date.now()), 1, 'Sales: longest wait 1:31');
		expect(again.existing).toBe(true);
		expect(await store.openAlerts()).toHaveLength(1);
		const cleared = await store.clear(newer!, clear(Date.now()));
		expect(cleared?.clearedAt).not.toBeNull();
		expect(await store.clear(newer!, clear(Date.now()))).toBeNull(); // cleared once
		const [[row]] = await pool.query<import('mysql2').RowDataPacket[]>('SELECT COUNT(*) AS n, MAX(cleared_fence) AS f FROM alerts'); // prettier-ignore
		expect([Number(row.n), Number(row.f)]).toEqual([1, 6]);
	});

	it('takes over after Redis lost its data (a fresh lead) and fences every earlier claim', async () => {
		const store = new AlertStore(pool);
		const before = await store.claim({ token: 9, fresh: false }, 'node1');
		const fresh = await store.claim({ token: 1, fresh: true }, 'node2');
		expect(fresh).not.toBeNull();
		await expect(store.fire(before!, fire(Date.now()), 1, 'x')).rejects.toBeInstanceOf(FencedError); // prettier-ignore
		const single = await store.claim({ token: null, fresh: true }, 'single');
		expect(single?.token).toBe(1); // a single node keeps the stored token
		await expect(store.fire(fresh!, fire(Date.now()), 1, 'x')).rejects.toBeInstanceOf(FencedError);
	});
});
