import { isHttpError } from '@sveltejs/kit';
import { createPool, type Pool, type PoolConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_FILTERS, rangeBounds, type ViewFilters } from '../../src/lib/filters';
import { connectionDefaults } from '../../src/lib/server/db';
import { historyCount, historyPage, type HistoryDeps } from '../../src/lib/server/history';
import { withinTimeLimit } from '../../src/lib/server/db';
import type { Scope } from '../../src/lib/server/scope';
import { Stack } from '../support/stack';

/**
 * Real MariaDB failures through the history code and its one error mapping (withinTimeLimit →
 * databaseTrouble): a lock wait past lock_wait_timeout and an account at its connection limit
 * answer 503 with what happened and to retry, not a 500.
 */

let stack: Stack;
const pools: Pool[] = [];
const limited = `lim_${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 2 }).prepare();
	await stack.start();
});

afterAll(async () => {
	await Promise.all(pools.map((pool) => pool.end()));
	await stack?.admin.query(`DROP USER IF EXISTS '${limited}'@'127.0.0.1'`);
	await stack?.destroy();
});

function poolAs(user: string, password: string, onConnect?: string): Pool {
	const pool = createPool({
		host: '127.0.0.1',
		port: inject('mariadb').port,
		user,
		password,
		database: stack.pbxDb,
		...connectionDefaults,
		connectionLimit: 2
	});
	if (onConnect) pool.pool.on('connection', (conn) => conn.query(onConnect));
	pools.push(pool);
	return pool;
}

function request() {
	const tenant = stack.lookups.tenants[0];
	const scope: Scope = { tenantId: tenant.id, queues: 'all' };
	const filters: ViewFilters = { ...DEFAULT_FILTERS, range: 'last7', sort: 'queue' };
	return { scope, filters, range: rangeBounds(filters, tenant.timezone, Date.now()) };
}

async function answer(work: () => Promise<unknown>) {
	const thrown = await withinTimeLimit(work).then(
		() => null,
		(e: unknown) => e
	);
	if (!isHttpError(thrown)) throw new Error(`expected an HTTP error, got ${String(thrown)}`);
	return { status: thrown.status, message: thrown.body.message };
}

describe('database trouble against MariaDB', () => {
	it('a lock wait past lock_wait_timeout: 503 "busy … try again"', async () => {
		const deps: HistoryDeps = {
			...stack.app.history,
			pool: poolAs('il_test', 'il_test', 'SET SESSION lock_wait_timeout = 1')
		};
		const holder: PoolConnection = await stack.admin.getConnection();
		try {
			await holder.query(`USE \`${stack.pbxDb}\``);
			await holder.query('LOCK TABLES closed_interactions WRITE');
			for (const work of [
				() => historyPage(deps, request(), null, 50),
				() => historyCount(deps, request())
			]) {
				const { status, message } = await answer(work);
				expect(status).toBe(503);
				expect(message).toMatch(/busy \(a lock wait timed out\): try again/);
			}
		} finally {
			await holder.query('UNLOCK TABLES');
			holder.release();
		}
	});

	it('an account at its connection limit: 503 "no room … try again"', async () => {
		await stack.admin.query(
			`CREATE USER '${limited}'@'127.0.0.1' IDENTIFIED BY 'x' WITH MAX_USER_CONNECTIONS 1;
			 GRANT SELECT ON \`${stack.pbxDb}\`.* TO '${limited}'@'127.0.0.1'`
		);
		const busy = poolAs(limited, 'x');
		const held = await busy.getConnection();
		try {
			const deps: HistoryDeps = { ...stack.app.history, pool: poolAs(limited, 'x') };
			const { status, message } = await answer(() => historyPage(deps, request(), null, 50));
			expect(status).toBe(503);
			expect(message).toMatch(
				/no room for another request right now \(.*connection.*\): try again/
			);
		} finally {
			held.release();
		}
	});
});
