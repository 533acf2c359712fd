import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/lib/server/dashboard/migrations';
import { createLogger } from '../../src/lib/server/log';

/**
 * A dashboard database made by an earlier version (tables in the server's
 * default latin1_swedish_ci) is converted by a versioned migration, its rows intact, and then
 * takes names outside Latin-1 and compares them exactly.
 */

const database = `dash_mig_${Math.random().toString(16).slice(2, 10)}`;
let pool: mysql.Pool;
const log = createLogger({ level: 'warn' });

beforeAll(async () => {
	const admin = await mysql.createConnection({
		host: '127.0.0.1',
		port: inject('mariadb').port,
		user: 'il_test',
		password: 'il_test'
	});
	// What a stock MariaDB gives a database created without a character set.
	await admin.query(
		`CREATE DATABASE \`${database}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`
	);
	await admin.end();
	pool = mysql.createPool({
		host: '127.0.0.1',
		port: inject('mariadb').port,
		user: 'il_test',
		password: 'il_test',
		database,
		charset: 'utf8mb4',
		connectionLimit: 2
	});
});

afterAll(async () => {
	await pool?.query(`DROP DATABASE IF EXISTS \`${database}\``);
	await pool?.end();
});

describe('the utf8mb4 migration', () => {
	it('converts an existing latin1 schema and its rows, then compares names exactly', async () => {
		await migrate(pool, log, 2);
		const [[before]] = await pool.query<mysql.RowDataPacket[]>(
			"SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'users'",
			[database]
		);
		expect(before.TABLE_COLLATION).toBe('latin1_swedish_ci');
		await pool.query(
			`INSERT INTO users (username, display_name, password_hash, role, tenant_id)
			 VALUES ('zoe.orsted', 'Zoë Ørsted', 'x', 'cc_admin', 1)`
		);
		// The defect itself: a name outside Latin-1 cannot even be compared.
		await expect(pool.query('SELECT id FROM users WHERE username = ?', ['😀'])).rejects.toThrow(
			/collation/i
		);

		await migrate(pool, log);
		const [tables] = await pool.query<mysql.RowDataPacket[]>(
			'SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
			[database]
		);
		expect(tables.filter((t) => t.TABLE_COLLATION !== 'utf8mb4_bin')).toEqual([]);
		const [[zoe]] = await pool.query<mysql.RowDataPacket[]>(
			"SELECT display_name FROM users WHERE username = 'zoe.orsted'"
		);
		expect(zoe.display_name).toBe('Zoë Ørsted');
		// (utf8mb4_bin pads: trailing spaces compare equal, which is why normalizeUsername trims.)
		const [none] = await pool.query<mysql.RowDataPacket[]>(
			'SELECT id FROM users WHERE username IN (?)',
			[['😀', 'ZOE.ORSTED', 'zoë.orsted', 'zoe.ørsted']]
		);
		expect(none).toEqual([]);
		await pool.query(
			'INSERT INTO login_throttle (throttle_key, failures, window_started_at) VALUES (?, 1, NOW())',
			['user:用户😀']
		);
		// Running again changes nothing (the version is recorded).
		await migrate(pool, log);
		const [versions] = await pool.query<mysql.RowDataPacket[]>(
			'SELECT version FROM schema_migrations ORDER BY version'
		);
		expect(versions.map((v) => Number(v.version))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 14]);
	});
});
