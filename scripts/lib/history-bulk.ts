import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { SIMULATOR_ID_FLOOR } from './interaction-plan';
import { quoteId, tableRef } from './sql';

/**
 * Bulk-load plumbing for the history generator: sessions that skip the binlog and per-row
 * checks, a writer that keeps one statement in flight per connection, and the reset.
 */

/**
 * `count` connections set up for bulk loading. Turning the binlog off needs SUPER (or BINLOG
 * ADMIN): without it we refuse, unless told the binlog may carry the load.
 */
export async function openBulkConnections(
	pool: Pool,
	count: number,
	allowBinlog: boolean
): Promise<PoolConnection[]> {
	const conns: PoolConnection[] = [];
	try {
		for (let i = 0; i < count; i++) {
			const conn = await pool.getConnection();
			conns.push(conn);
			// Our rows are valid by construction: re-checking the JSON of every transcription
			// (the JSON column's CHECK) and uniqueness costs the server a good share of the load.
			await conn.query(
				'SET SESSION unique_checks = 0, foreign_key_checks = 0, check_constraint_checks = 0'
			);
			try {
				await conn.query('SET SESSION sql_log_bin = 0');
			} catch (error) {
				if (allowBinlog) continue;
				throw new Error(
					`cannot turn the binlog off for the bulk load (${(error as Error).message}); ` +
						'use an account with SUPER or BINLOG ADMIN, or allow the binlog explicitly'
				);
			}
		}
		return conns;
	} catch (error) {
		for (const conn of conns) conn.destroy();
		throw error;
	}
}

/** Gives the connections back, restored; any whose state is in doubt is closed instead. */
export async function releaseBulkConnections(
	conns: PoolConnection[],
	failed: boolean
): Promise<void> {
	for (const conn of conns) {
		try {
			if (failed) throw new Error('session state unknown after a failure');
			await conn.query(
				'SET SESSION unique_checks = 1, foreign_key_checks = 1, check_constraint_checks = 1'
			);
			await conn.query('SET SESSION sql_log_bin = 1');
			conn.release();
		} catch {
			conn.destroy();
		}
	}
}

/**
 * Runs statements on whichever connection is free, at most one per connection, so building the
 * next batch in JS overlaps with the server inserting the previous ones.
 */
export class BulkWriter {
	readonly #free: PoolConnection[];
	readonly #inFlight = new Set<Promise<void>>();
	#error: unknown = null;

	constructor(conns: PoolConnection[]) {
		this.#free = [...conns];
	}

	/** Resolves once the statement is queued; `onDone` runs when it has been executed. */
	async send(sql: string, onDone: () => void): Promise<void> {
		while (this.#free.length === 0) await Promise.race(this.#inFlight);
		this.#throwIfFailed();
		const conn = this.#free.pop() as PoolConnection;
		// Values null, not omitted: mysql2 then sends the text as is instead of scanning
		// every byte of a megabyte statement for placeholders.
		const run = conn
			.query(sql, null)
			.then(onDone, (error: unknown) => {
				this.#error ??= error;
			})
			.finally(() => {
				this.#free.push(conn);
				this.#inFlight.delete(run);
			});
		this.#inFlight.add(run);
	}

	async drain(): Promise<void> {
		await Promise.all(this.#inFlight);
		this.#throwIfFailed();
	}

	#throwIfFailed(): void {
		if (this.#error !== null) throw this.#error;
	}
}

/**
 * Removes history rows (ids below the simulator's range) from closed_interactions and
 * transcriptions. Deleting millions of rows one by one takes minutes, so each table is truncated
 * instead, with the simulator's (few) rows copied aside and back under a write lock that holds a
 * running simulator off meanwhile. Past `keepLimit` simulator rows, it deletes in chunks.
 */
export async function resetHistory(
	conn: PoolConnection,
	database: string,
	keepLimit = 200_000
): Promise<void> {
	const tables = [
		{ table: tableRef(database, 'closed_interactions'), column: 'id' },
		{ table: tableRef(database, 'transcriptions'), column: 'interaction_id' }
	];
	const simulated = async (table: string, column: string) => {
		const [rows] = await conn.query<RowDataPacket[]>(
			`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} >= ?`,
			[SIMULATOR_ID_FLOOR]
		);
		return Number(rows[0].n);
	};
	let kept = 0;
	for (const { table, column } of tables) kept += await simulated(table, column);
	if (kept > keepLimit) {
		for (const { table, column } of tables) {
			const remove = `DELETE FROM ${table} WHERE ${column} < ? LIMIT 50000`;
			for (;;) {
				const [result] = await conn.query<ResultSetHeader>(remove, [SIMULATOR_ID_FLOOR]);
				if (result.affectedRows === 0) break;
			}
		}
		return;
	}
	const keep = tableRef(database, 'il_history_reset_keep');
	await conn.query(`LOCK TABLES ${tables.map((t) => `${t.table} WRITE`).join(', ')}`);
	try {
		for (const { table, column } of tables) {
			await conn.query(
				`CREATE TEMPORARY TABLE ${keep} AS SELECT * FROM ${table} WHERE ${column} >= ?`,
				[SIMULATOR_ID_FLOOR]
			);
			await conn.query(`TRUNCATE TABLE ${table}`);
			await conn.query(`INSERT INTO ${table} SELECT * FROM ${keep}`);
			await conn.query(`DROP TEMPORARY TABLE ${keep}`);
		}
	} finally {
		await conn.query('UNLOCK TABLES');
	}
}

/** A secondary index dropped for a bulk load, and the clause that puts it back as it was. */
export interface DeferredIndex {
	name: string;
	clause: string;
}

/**
 * Drops the plain (non-unique, B-tree, ascending, whole-column) secondary indexes of `table` for
 * a bulk load, returning what puts them back. Rows inserted in primary-key order fill the table
 * by appending, but each secondary index with a random leading order (phone, contact, DID) is
 * a random write per row: once the indexes outgrow the buffer pool every row waits for pages to
 * be read and flushed, and millions of rows take an hour. Rebuilt afterwards, each index is one
 * sorted pass (restoreIndexes). Any index of another kind is kept (and maintained row by row).
 */
export async function deferIndexes(
	conn: PoolConnection,
	database: string,
	table: string
): Promise<DeferredIndex[]> {
	const [rows] = await conn.query<RowDataPacket[]>(
		`SELECT INDEX_NAME AS name,
		        GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR '\\n') AS columns,
		        MAX(NON_UNIQUE = 0 OR INDEX_TYPE <> 'BTREE' OR SUB_PART IS NOT NULL
		            OR COALESCE(COLLATION, 'A') <> 'A' OR INDEX_COMMENT <> '') AS special
		   FROM information_schema.STATISTICS
		  WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY'
		  GROUP BY INDEX_NAME`,
		[database, table]
	);
	const deferred = rows
		.filter((r) => Number(r.special) === 0)
		.map((r) => ({
			name: String(r.name),
			clause: `ADD INDEX ${quoteId(String(r.name))} (${String(r.columns)
				.split('\n')
				.map(quoteId)
				.join(', ')})`
		}));
	if (deferred.length === 0) return [];
	await conn.query(
		`ALTER TABLE ${tableRef(database, table)} ${deferred.map((d) => `DROP INDEX ${quoteId(d.name)}`).join(', ')}`
	);
	return deferred;
}

/** Puts deferred indexes back: one ALTER, one scan of the table, each index built by sorting. */
export async function restoreIndexes(
	conn: PoolConnection,
	database: string,
	table: string,
	deferred: DeferredIndex[]
): Promise<void> {
	if (deferred.length === 0) return;
	await conn.query(restoreIndexesSql(database, table, deferred));
}

export function restoreIndexesSql(
	database: string,
	table: string,
	deferred: DeferredIndex[]
): string {
	return `ALTER TABLE ${tableRef(database, table)} ${deferred.map((d) => d.clause).join(', ')}`;
}
