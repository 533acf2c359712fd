import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { UserInput } from '../../src/lib/server/auth/users';
import { startOfZonedDay } from '../../src/lib/time/zone';
import { mintSessions, upsertAccount, withUsers } from './accounts';
import { seedLookups, type DemoLookups, type DemoTenant } from './demo-data';
import { applyPbxSchema } from './schema';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { quoteId } from './sql';

/**
 * One app's private corner of a throw-away MariaDB, for a test file or a benchmark suite: its own
 * pbxlogs and dashboard databases, an app account with exactly the production grants, seeded
 * lookups, the app's environment, and an all-privileges pool to play the PBX with.
 */

export interface SandboxOptions {
	mariadbPort: number;
	env?: Record<string, string>;
	contactsPerTenant?: number;
}

export type SandboxUser = Partial<UserInput> & Pick<UserInput, 'username' | 'role'>;

/** What a created account signs in with unless it says otherwise. */
export const SANDBOX_PASSWORD = 'correct horse battery';

/**
 * A pool as the all-privileges account of the test MariaDB (`il_test`, which startTestMariaDb
 * creates), reading DATETIME as text and BIGINT as exact strings, as the app does.
 */
export function adminPool(
	port: number,
	options: { database?: string; connectionLimit?: number } = {}
): mysql.Pool {
	return mysql.createPool({
		host: '127.0.0.1',
		port,
		user: 'il_test',
		password: 'il_test',
		database: options.database,
		timezone: 'Z',
		dateStrings: true,
		supportBigNumbers: true,
		bigNumberStrings: true,
		multipleStatements: true,
		connectionLimit: options.connectionLimit ?? 8
	});
}

export class Sandbox {
	lookups!: DemoLookups;
	readonly pbxDb: string;
	readonly dashDb: string;
	readonly appUser: string;
	readonly admin: mysql.Pool;
	/** The server's environment for this sandbox (set by prepare). */
	env: Record<string, string> = {};

	constructor(protected readonly options: SandboxOptions) {
		const tag = randomBytes(4).toString('hex');
		this.pbxDb = `pbx_${tag}`;
		this.dashDb = `dash_${tag}`;
		this.appUser = `app_${tag}`;
		this.admin = adminPool(options.mariadbPort);
	}

	async prepare(): Promise<this> {
		const conn = await this.admin.getConnection();
		try {
			await applyPbxSchema(conn, this.pbxDb);
			await conn.query(`CREATE DATABASE IF NOT EXISTS ${quoteId(this.dashDb)}`);
			const account = `'${this.appUser}'@'127.0.0.1'`;
			await conn.query(
				`CREATE USER ${account} IDENTIFIED BY 'secret';
				 GRANT SELECT ON ${quoteId(this.pbxDb)}.* TO ${account};
				 GRANT ALL PRIVILEGES ON ${quoteId(this.dashDb)}.* TO ${account};
				 GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${account};`
			);
		} finally {
			conn.release();
		}
		this.lookups = await seedLookups(this.admin, this.pbxDb, {
			contactsPerTenant: this.options.contactsPerTenant ?? 40
		});
		const base = `mysql://${this.appUser}:secret@127.0.0.1:${this.options.mariadbPort}`;
		this.env = {
			PBX_DATABASE_URL: `${base}/${this.pbxDb}`,
			DASHBOARD_DATABASE_URL: `${base}/${this.dashDb}`,
			BINLOG_SERVER_ID: String(1000 + Math.floor(Math.random() * 1_000_000)),
			BINLOG_HEARTBEAT_MS: '1000',
			LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
			RECORDINGS_ROOT: '/tmp/il-test-recordings',
			...this.options.env
		};
		return this;
	}

	/** Creates (or updates) accounts through the same code as `npm run user`; returns their ids. */
	createUsers(inputs: readonly SandboxUser[]): Promise<number[]> {
		return withUsers(this.env, async (users) => {
			const ids: number[] = [];
			for (const input of inputs) {
				const record = await upsertAccount(users, {
					displayName: input.username,
					tenantId: null,
					queueIds: [],
					permissions: ['interactions'],
					password: SANDBOX_PASSWORD,
					...input
				});
				ids.push(record.id);
			}
			return ids;
		});
	}

	/** `count` sessions of `username`, each its own sign-in (see mintSessions): Cookie values. */
	sessionCookies(username: string, count: number): Promise<string[]> {
		return mintSessions(this.env, username, count);
	}

	/** Runs SQL against the sandbox's pbxlogs database as the PBX would. */
	async pbx(sql: string, params: unknown[] = []): Promise<void> {
		await this.pbxRows(sql, params);
	}

	async pbxRows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
		const conn = await this.admin.getConnection();
		try {
			await conn.query(`USE ${quoteId(this.pbxDb)}`);
			const [rows] = await conn.query(sql, params);
			return rows as T[];
		} finally {
			conn.release();
		}
	}

	/** id → status of what the live view must show: every active row, and closed rows created today. */
	async databaseView(tenant: DemoTenant): Promise<Map<string, string>> {
		const todayStart = msToSqlTime(startOfZonedDay(Date.now(), tenant.timezone));
		const active = await this.pbxRows<{ id: string; status: string }>(
			'SELECT id, status FROM active_interactions WHERE tenant_id = ?',
			[tenant.id]
		);
		const closed = await this.pbxRows<{ id: string }>(
			'SELECT id FROM closed_interactions WHERE tenant_id = ? AND created_at >= ?',
			[tenant.id, todayStart]
		);
		return new Map([
			...active.map((r) => [String(r.id), r.status] as [string, string]),
			...closed.map((r) => [String(r.id), 'closed'] as [string, string])
		]);
	}

	async destroy(): Promise<void> {
		await this.admin.query(
			`DROP DATABASE IF EXISTS ${quoteId(this.pbxDb)}; DROP DATABASE IF EXISTS ${quoteId(this.dashDb)};
			 DROP USER IF EXISTS '${this.appUser}'@'127.0.0.1';`
		);
		await this.admin.end();
	}
}
