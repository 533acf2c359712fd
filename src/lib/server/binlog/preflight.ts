import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { Logger } from '../log';
import { LOOKUP_TABLES } from '../lookups';

/**
 * Startup checks of the PBX database server. A setting that makes live data impossible stops the
 * server with a message saying exactly what to change; a missing reporting index only warns.
 */

export class PreflightError extends Error {}

export const PBX_TABLES = [
	'active_interactions',
	'closed_interactions',
	'transcriptions',
	...LOOKUP_TABLES
] as const;

/** The "recommended for reporting" indexes of pbxlogs.sql, by their leading columns. */
export const REPORTING_INDEXES: Record<string, string[]> = {
	ix_closed_tenant_queue_created: ['tenant_id', 'queue_id', 'created_at'],
	ix_closed_tenant_agent_created: ['tenant_id', 'agent_id', 'created_at'],
	ix_closed_tenant_contact_created: ['tenant_id', 'crm_contact_id', 'created_at'],
	ix_closed_tenant_phone_created: ['tenant_id', 'phone_number', 'created_at'],
	ix_closed_tenant_did_created: ['tenant_id', 'did', 'created_at']
};

export async function checkBinlogServer(db: Connection, user: string): Promise<void> {
	const [[settings]] = await db.query<RowDataPacket[]>(
		'SELECT @@log_bin AS logBin, @@binlog_format AS format, @@binlog_row_image AS rowImage'
	);
	const problems: string[] = [];
	if (Number(settings.logBin) !== 1) {
		problems.push('binary logging is off: start the server with log_bin (e.g. log-bin=binlog)');
	}
	if (String(settings.format).toUpperCase() !== 'ROW') {
		problems.push(`binlog_format is ${settings.format}: set binlog_format=ROW`);
	}
	if (String(settings.rowImage).toUpperCase() !== 'FULL') {
		problems.push(`binlog_row_image is ${settings.rowImage}: set binlog_row_image=FULL`);
	}
	const [grants] = await db.query<RowDataPacket[]>('SHOW GRANTS FOR CURRENT_USER()');
	const granted = grants.map((row) => String(Object.values(row)[0])).join('\n');
	const global = /ON \*\.\* TO/;
	const onAll = (privilege: RegExp) =>
		granted
			.split('\n')
			.some((line) => global.test(line) && (privilege.test(line) || /ALL PRIVILEGES/.test(line)));
	if (!onAll(/REPLICATION (SLAVE|REPLICA)/)) {
		problems.push(
			`user ${user} lacks REPLICATION SLAVE: GRANT REPLICATION SLAVE ON *.* TO ${user}`
		);
	}
	if (!onAll(/REPLICATION CLIENT|BINLOG MONITOR|SUPER/)) {
		problems.push(
			`user ${user} lacks REPLICATION CLIENT: GRANT REPLICATION CLIENT ON *.* TO ${user}`
		);
	}
	if (problems.length > 0) {
		throw new PreflightError(
			'The PBX database server is not ready for live data:\n' +
				problems.map((p) => `  - ${p}`).join('\n') +
				'\n(see README, "Pointing it at a production PBX")'
		);
	}
}

export async function checkPbxTables(db: Connection, database: string, log: Logger) {
	for (const table of PBX_TABLES) {
		try {
			await db.query(`SELECT 1 FROM \`${database}\`.\`${table}\` LIMIT 0`);
		} catch (error) {
			throw new PreflightError(
				`Cannot read ${database}.${table}: ${(error as Error).message}. ` +
					`Grant it with: GRANT SELECT ON \`${database}\`.* TO <user>`
			);
		}
	}
	const [indexRows] = await db.query<RowDataPacket[]>(
		`SELECT index_name AS name, column_name AS col, seq_in_index AS seq
		   FROM information_schema.statistics
		  WHERE table_schema = ? AND table_name = 'closed_interactions'
		  ORDER BY index_name, seq_in_index`,
		[database]
	);
	const present = new Map<string, string[]>();
	for (const row of indexRows) {
		const cols = present.get(row.name) ?? [];
		cols.push(String(row.col).toLowerCase());
		present.set(row.name, cols);
	}
	for (const [name, columns] of Object.entries(REPORTING_INDEXES)) {
		const covered = [...present.values()].some((cols) =>
			columns.every((col, i) => cols[i] === col)
		);
		if (!covered) {
			log.warn(
				`closed_interactions lacks the reporting index ${name}; history queries will be slow. ` +
					`Add it: CREATE INDEX ${name} ON ${database}.closed_interactions (${columns.join(', ')})`
			);
		}
	}
}
