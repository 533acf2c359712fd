import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { Interaction } from '$lib/interaction';
import { startOfZonedDay } from '$lib/time/zone';
import type { BinlogCheckpoint } from '../changelog';
import { escapeId, msToSqlTime } from '../db';
import { ACTIVE_COLUMNS, CLOSED_COLUMNS, toInteraction, type RawRow } from '../interactions/map';
import type { Lookups } from '../lookups';

/**
 * Reads the live state from SQL at an exact binlog position: MariaDB's consistent snapshot gives
 * the position without locking the PBX (START TRANSACTION WITH CONSISTENT SNAPSHOT, then
 * binlog_snapshot_file/position). Tailing from that position then misses and doubles nothing.
 */

export interface LoadedSnapshot {
	checkpoint: BinlogCheckpoint;
	rows: Interaction[];
}

export async function loadSnapshot(
	pool: Pool,
	database: string,
	lookups: Lookups,
	now = Date.now()
): Promise<LoadedSnapshot> {
	const conn = await pool.getConnection();
	try {
		await conn.query(`USE ${escapeId(database)}`);
		await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
		await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
		const checkpoint = await snapshotPosition(conn);
		await lookups.load(conn);
		const [active] = await conn.query<RowDataPacket[]>(
			`SELECT ${ACTIVE_COLUMNS} FROM active_interactions`
		);
		const closed: RawRow[] = [];
		for (const tenant of lookups.tenants.values()) {
			const since = msToSqlTime(startOfZonedDay(now, tenant.timezone));
			const [rows] = await conn.query<RowDataPacket[]>(
				`SELECT ${CLOSED_COLUMNS} FROM closed_interactions WHERE tenant_id = ? AND created_at >= ?`,
				[tenant.id, since]
			);
			closed.push(...rows);
		}
		const transcribed = await transcribedIds(
			conn,
			closed.filter((row) => row.channel === 'voice').map((row) => String(row.id))
		);
		const contactIds = [...active, ...closed].map((row) =>
			row.crm_contact_id === null ? null : String(row.crm_contact_id)
		);
		await lookups.loadContacts(conn, lookups.missingContacts(contactIds));
		await conn.query('COMMIT');

		const rows: Interaction[] = [];
		for (const raw of active) {
			const row = toInteraction(raw, 'active', lookups);
			if (row) rows.push(row);
		}
		for (const raw of closed) {
			const row = toInteraction(raw, 'closed', lookups, transcribed.has(String(raw.id)));
			if (row) rows.push(row);
		}
		return { checkpoint, rows };
	} finally {
		conn.release();
	}
}

async function snapshotPosition(conn: PoolConnection): Promise<BinlogCheckpoint> {
	const [status] = await conn.query<RowDataPacket[]>("SHOW STATUS LIKE 'binlog_snapshot_%'");
	const value = (name: string) => status.find((row) => row.Variable_name === name)?.Value;
	const filename = value('Binlog_snapshot_file');
	const position = Number(value('Binlog_snapshot_position'));
	if (!filename || !Number.isFinite(position) || position <= 0) {
		throw new Error(
			'The server gave no consistent binlog snapshot position (binlog_snapshot_file): ' +
				'MariaDB with log_bin enabled is required'
		);
	}
	return { filename, position };
}

async function transcribedIds(conn: PoolConnection, ids: string[]): Promise<Set<string>> {
	const found = new Set<string>();
	for (let i = 0; i < ids.length; i += 1000) {
		const [rows] = await conn.query<RowDataPacket[]>(
			'SELECT interaction_id FROM transcriptions WHERE interaction_id IN (?)',
			[ids.slice(i, i + 1000)]
		);
		for (const row of rows) found.add(String(row.interaction_id));
	}
	return found;
}
