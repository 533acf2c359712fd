import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { BinlogCheckpoint } from '../changelog/types';

/** Binlog positions: where the server's binlog ends, and how many bytes lie between two places. */

/** Binlog file names sort in their order (`binlog.000009` < `binlog.000010`). */
export function comparePositions(a: BinlogCheckpoint, b: BinlogCheckpoint): number {
	if (a.filename !== b.filename) return a.filename < b.filename ? -1 : 1;
	return a.position - b.position;
}

export function laterOf(
	a: BinlogCheckpoint | null,
	b: BinlogCheckpoint | null
): BinlogCheckpoint | null {
	if (!a || !b) return a ?? b;
	return comparePositions(a, b) >= 0 ? a : b;
}

export async function serverPosition(pool: Pool): Promise<BinlogCheckpoint | null> {
	const [rows] = await pool.query<RowDataPacket[]>('SHOW MASTER STATUS');
	return rows[0] ? { filename: String(rows[0].File), position: Number(rows[0].Position) } : null;
}

/**
 * Bytes of binlog from `from` to `to`. Within one file that is a subtraction; across files it
 * takes the sizes of the files in between (SHOW BINARY LOGS, only then). Null when `from` is in
 * a file the server no longer lists.
 */
export async function binlogDistance(
	pool: Pool,
	from: BinlogCheckpoint,
	to: BinlogCheckpoint
): Promise<number | null> {
	if (comparePositions(from, to) >= 0) return 0;
	if (from.filename === to.filename) return to.position - from.position;
	const [rows] = await pool.query<RowDataPacket[]>('SHOW BINARY LOGS');
	const sizes = new Map(rows.map((row) => [String(row.Log_name), Number(row.File_size)]));
	const first = sizes.get(from.filename);
	if (first === undefined) return null;
	let bytes = first - from.position + to.position;
	for (const [name, size] of sizes) if (name > from.filename && name < to.filename) bytes += size;
	return Math.max(0, bytes);
}
