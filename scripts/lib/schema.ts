import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { escape, type Connection, type RowDataPacket } from 'mysql2/promise';

const pbxSchemaFile = new URL('../../db/pbxlogs.sql', import.meta.url);

/** `name` quoted as one identifier (mysql2's escapeId would split `a.b` into two). */
export function quoteIdentifier(name: string): string {
	return '`' + name.replaceAll('`', '``') + '`';
}

/**
 * Creates the PBX tables of db/pbxlogs.sql in `database`, unless they are there already (the
 * file's CREATE INDEX statements cannot run twice). `conn` needs multipleStatements: true, and is
 * left with `database` as its default database.
 */
export async function applyPbxSchema(conn: Connection, database: string): Promise<void> {
	const [existing] = await conn.query<RowDataPacket[]>(
		'SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
		[database, 'active_interactions']
	);
	if (existing.length > 0) return;
	const quoted = quoteIdentifier(database);
	let renames = 0;
	// A function replacer: a `$` in the database name must not read as a replacement pattern.
	const sql = (await readFile(pbxSchemaFile, 'utf8'))
		.replace(/^(CREATE DATABASE IF NOT EXISTS )pbxlogs\b/m, (_match, head: string) => {
			renames++;
			return head + quoted;
		})
		.replace(/^USE pbxlogs;/m, () => {
			renames++;
			return `USE ${quoted};`;
		});
	if (renames !== 2) {
		throw new Error(`${fileURLToPath(pbxSchemaFile)} no longer has CREATE DATABASE / USE pbxlogs`);
	}
	try {
		await conn.query(sql);
	} catch (error) {
		throw new Error(
			`applying db/pbxlogs.sql to ${database} failed: ${(error as Error).message}. ` +
				`If an earlier attempt stopped halfway, DROP DATABASE ${quoted} and retry.`
		);
	}
}

export interface ProvisionOptions {
	pbxDatabase: string;
	dashboardDatabase: string;
	appUser: string;
	appPassword: string;
	adminUser: string;
	adminPassword: string;
}

// In GRANT, _ and % in a database name are wildcards: `pbx_logs`.* would also cover pbxXlogs.
const grantTarget = (database: string) => `${quoteIdentifier(database.replace(/[_%]/g, '\\$&'))}.*`;

/** Creates the admin (everything) and app (what a production install grants) accounts. */
export async function provisionUsers(
	handle: { rootQuery(sql: string): Promise<unknown> },
	opts: ProvisionOptions
): Promise<void> {
	if (opts.appUser === opts.adminUser) throw new Error('appUser and adminUser must differ');
	// Both hosts: TCP from 127.0.0.1 (name resolution is off) and the unix socket (localhost).
	const hosts = ['127.0.0.1', 'localhost'];
	const admins = hosts.map((host) => `${escape(opts.adminUser)}@${escape(host)}`);
	const apps = hosts.map((host) => `${escape(opts.appUser)}@${escape(host)}`);
	const withPassword = (accounts: string[], password: string) =>
		accounts.flatMap((account) => [
			`CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${escape(password)}`,
			`ALTER USER ${account} IDENTIFIED BY ${escape(password)}`
		]);
	const replicationGrants = (monitor: string) =>
		apps.map((app) => `GRANT REPLICATION SLAVE, ${monitor} ON *.* TO ${app}`).join(';\n');
	const statements = [
		`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(opts.dashboardDatabase)}`,
		...withPassword(admins, opts.adminPassword),
		...withPassword(apps, opts.appPassword),
		...admins.map((admin) => `GRANT ALL PRIVILEGES ON *.* TO ${admin} WITH GRANT OPTION`),
		...apps.flatMap((app) => [
			// From nothing, so a rerun leaves the app account with exactly the production grants.
			`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${app}`,
			`GRANT SELECT ON ${grantTarget(opts.pbxDatabase)} TO ${app}`,
			`GRANT ALL PRIVILEGES ON ${grantTarget(opts.dashboardDatabase)} TO ${app}`
		])
	];
	await handle.rootQuery(statements.join(';\n'));
	// 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR: should the alias go, use the new name.
	await handle.rootQuery(replicationGrants('REPLICATION CLIENT')).catch((error: Error) => {
		if (!/syntax/i.test(error.message)) throw error;
		return handle.rootQuery(replicationGrants('BINLOG MONITOR'));
	});
}
