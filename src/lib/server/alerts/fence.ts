import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { withTransaction } from '../db';

/**
 * The alert fence's one check (store.ts says why it makes a breach's writes once across a
 * failover): a transaction that locks `alert_fence` and goes on only while the claim stored there
 * is the caller's. The evaluator's fires and clears and the channels' claims of deliveries both
 * run through it, so a stalled old leader neither writes an alert nor sends one.
 */

/** A write refused because another node claimed the alerts since: this one must stop. */
export class FencedError extends Error {
	constructor() {
		super('alerts fenced: another node evaluates now');
	}
}

/** Runs `work` in a transaction that holds the fence: FencedError unless the claim is `claim`. */
export async function fencedTransaction<T>(
	pool: Pool,
	claim: string,
	work: (conn: PoolConnection) => Promise<T>
): Promise<T> {
	return withTransaction(pool, async (conn) => {
		const [[row]] = await conn.query<RowDataPacket[]>(
			'SELECT claim FROM alert_fence WHERE id = 1 FOR UPDATE'
		);
		if (row?.claim !== claim) throw new FencedError();
		return work(conn);
	});
}
