import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { BinlogCheckpoint } from '../../src/lib/server/changelog/types';
import { comparePositions, serverPosition } from '../../src/lib/server/status/binlog';
import { signIn as signInAs } from '../../scripts/lib/app-server';
import { loadLookups, type DemoLookups } from '../../scripts/lib/demo-data';
import { adminPool, Sandbox } from '../../scripts/lib/sandbox';
import { startTestMariaDb } from '../../scripts/lib/test-mariadb';

/**
 * The services of a run: one throw-away MariaDB (binlog ROW/FULL, as the tests use it), and per
 * suite a Sandbox (its own pbxlogs + dashboard databases, the app account, demo lookups).
 */

export interface Db {
	port: number;
	pid: number;
	version: string;
	stop(): Promise<void>;
}

export async function startDb(): Promise<Db> {
	const mariadb = await startTestMariaDb();
	// A PBX database server has more than the dev default of 128 MB (resizable online).
	await mariadb.handle.rootQuery('SET GLOBAL innodb_buffer_pool_size = 1073741824');
	const rows = (await mariadb.handle.rootQuery('SELECT VERSION() AS v')) as RowDataPacket[];
	return {
		port: mariadb.handle.port,
		pid: mariadb.handle.pid,
		version: String(rows[0].v),
		stop: () => mariadb.stop()
	};
}

export async function newStack(db: Db, env: Record<string, string> = {}): Promise<Sandbox> {
	return new Sandbox({
		mariadbPort: db.port,
		contactsPerTenant: 300,
		env: {
			LOG_LEVEL: 'warn',
			BINLOG_HEARTBEAT_MS: '5000',
			// The thousands of browsers a suite stands for all dial from 127.0.0.1.
			SOCKET_HANDSHAKES_PER_MINUTE: '1000000',
			...env
		}
	}).prepare();
}

/** A pool on the stack's pbxlogs as the PBX (all privileges), one COM_QUERY per call. */
export function pbxPool(db: Db, database: string, connectionLimit = 8): Pool {
	return adminPool(db.port, { database, connectionLimit });
}

/** Adds queues until every tenant has `perTenant` of them; returns the lookups after. */
export async function addQueues(stack: Sandbox, perTenant: number): Promise<DemoLookups> {
	for (const tenant of stack.lookups.tenants) {
		for (let i = tenant.queues.length; i < perTenant; i++) {
			await stack.pbx('INSERT INTO queues (tenant_id, name, description) VALUES (?, ?, ?)', [
				tenant.id,
				`Overflow ${i + 1}`,
				'Added by the benchmark'
			]);
		}
	}
	stack.lookups = await loadLookups(stack.admin, stack.pbxDb);
	return stack.lookups;
}

export interface Account {
	username: string;
	role: 'cc_admin' | 'cc_supervisor';
	tenantId: number;
	queueIds?: number[];
}

export const PASSWORD = 'bench-password-1';

/** Creates accounts through the same code as `npm run user`. */
export async function createAccounts(stack: Sandbox, accounts: Account[]): Promise<void> {
	await stack.createUsers(accounts.map((a) => ({ ...a, password: PASSWORD })));
}

/** Signs in through the real login form; returns the Cookie header value. */
export function signIn(url: string, username: string): Promise<string> {
	return signInAs(url, username, PASSWORD);
}

export async function globalStatus(pool: Pool, names: string[]): Promise<Record<string, number>> {
	const [rows] = await pool.query<RowDataPacket[]>(
		'SHOW GLOBAL STATUS WHERE Variable_name IN (?)',
		[names]
	);
	return Object.fromEntries(rows.map((r) => [String(r.Variable_name), Number(r.Value)]));
}

export async function binlogEnd(pool: Pool): Promise<BinlogCheckpoint> {
	const end = await serverPosition(pool);
	if (!end) throw new Error('SHOW MASTER STATUS is empty: the PBX server has no binlog');
	return end;
}

export function atOrAfter(a: BinlogCheckpoint, b: BinlogCheckpoint): boolean {
	return comparePositions(a, b) >= 0;
}
