import type { Page } from '@playwright/test';
import type mysql from 'mysql2/promise';
import { adminPool } from '../../scripts/lib/sandbox';
import { test as base, expect } from '../support/csp';
import { TestPbx } from '../support/pbx';

/** What tests/browser/setup.ts prepared: lookups, the PBX database, users. */
export interface TenantFixture {
	id: number;
	name: string;
	timezone: string;
	queues: { id: number; name: string }[];
	agents: { id: number; name: string }[];
	dispositions: { id: number; code: string }[];
}

export const tenants = JSON.parse(process.env.IL_LOOKUPS ?? '[]') as TenantFixture[];

export async function signIn(page: Page, username: string): Promise<void> {
	await page.goto('/login');
	await page.locator('body[data-hydrated]').waitFor();
	await page.getByLabel('User name').fill(username);
	await page.getByLabel('Password').fill(process.env.IL_PASSWORD ?? '');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(/\/interactions/);
}

/** A pool on the run's PBX database with all privileges, for a test file's own rows. */
export function pbxPool(): mysql.Pool {
	return adminPool(Number(process.env.IL_MARIADB_PORT), {
		database: process.env.IL_PBX_DB,
		connectionLimit: 2
	});
}

/** Deletes a file's interactions (ids first..last, active and closed), so no other file sees them. */
export async function deleteRows(db: mysql.Pool, first: number, last: number): Promise<void> {
	for (const table of ['active_interactions', 'closed_interactions']) {
		await db.query(`DELETE FROM ${table} WHERE id BETWEEN ? AND ?`, [first, last]);
	}
}

export const test = base.extend<{ pbx: TestPbx }>({
	// eslint-disable-next-line no-empty-pattern
	pbx: async ({}, use) => {
		const pool = adminPool(Number(process.env.IL_MARIADB_PORT), { connectionLimit: 2 });
		await use(new TestPbx(pool, process.env.IL_PBX_DB ?? ''));
		await pool.end();
	}
});

export { expect };

/**
 * A file's own interactions (ids first..last): a pool opened for the file, its rows deleted after
 * each test so no test or file sees another's, and the pool closed at the end. Returns the pool.
 */
export function ownRows(first: number, last: number): () => mysql.Pool {
	let db: mysql.Pool;
	test.beforeAll(() => {
		db = pbxPool();
	});
	test.afterEach(async () => {
		await deleteRows(db, first, last);
	});
	test.afterAll(async () => {
		await db.end();
	});
	return () => db;
}
