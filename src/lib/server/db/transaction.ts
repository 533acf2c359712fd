import type { Pool, PoolConnection } from 'mysql2/promise';

/**
 * Runs `work` in one transaction on a connection of its own: committed when it returns, rolled
 * back when it throws (its error, not the rollback's, is what the caller sees). The one place
 * the begin/commit/rollback dance is written, for the server's stores and the scripts alike.
 */
export async function withTransaction<T>(
	pool: Pool,
	work: (conn: PoolConnection) => Promise<T>
): Promise<T> {
	const conn = await pool.getConnection();
	try {
		await conn.beginTransaction();
		const result = await work(conn);
		await conn.commit();
		return result;
	} catch (error) {
		// The original error matters, not a rollback on a connection that may already be gone.
		await conn.rollback().catch(() => undefined);
		throw error;
	} finally {
		conn.release();
	}
}
