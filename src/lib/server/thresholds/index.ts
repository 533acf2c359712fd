import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { DEFAULT_THRESHOLDS, type QueueThresholds } from '$lib/queues/thresholds';

/**
 * Per-queue wall thresholds in the dashboard database (table `queue_thresholds`, migration 2).
 * A queue without a row uses DEFAULT_THRESHOLDS; resetting a queue deletes its row, so a later
 * change of the defaults reaches every queue nobody tuned. Every query is bound to a tenant.
 */

const COLUMNS: Record<keyof QueueThresholds, string> = {
	waitAmberSeconds: 'wait_amber_seconds',
	waitRedSeconds: 'wait_red_seconds',
	talkAmberSeconds: 'talk_amber_seconds',
	talkRedSeconds: 'talk_red_seconds',
	acwAmberSeconds: 'acw_amber_seconds',
	acwRedSeconds: 'acw_red_seconds',
	serviceLevelSeconds: 'service_level_seconds',
	serviceLevelTargetPct: 'service_level_target_pct'
};
const FIELDS = Object.keys(COLUMNS) as (keyof QueueThresholds)[];

export interface StoredThresholds {
	queueId: number;
	thresholds: QueueThresholds;
	/** False when the queue uses the defaults. */
	custom: boolean;
}

export class QueueThresholdStore {
	constructor(private readonly pool: Pool) {}

	/** Thresholds of the tenant's queues that were set; other queues use the defaults. */
	async forTenant(tenantId: number): Promise<Map<number, QueueThresholds>> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT queue_id, ${FIELDS.map((f) => COLUMNS[f]).join(', ')}
			   FROM queue_thresholds WHERE tenant_id = ?`,
			[tenantId]
		);
		const result = new Map<number, QueueThresholds>();
		for (const row of rows) {
			const thresholds = { ...DEFAULT_THRESHOLDS };
			for (const field of FIELDS) thresholds[field] = Number(row[COLUMNS[field]]);
			result.set(Number(row.queue_id), thresholds);
		}
		return result;
	}

	/** Each of `queueIds` with its thresholds (set or default), in the given order. */
	async list(tenantId: number, queueIds: readonly number[]): Promise<StoredThresholds[]> {
		const set = await this.forTenant(tenantId);
		return queueIds.map((queueId) => {
			const stored = set.get(queueId);
			return { queueId, thresholds: stored ?? { ...DEFAULT_THRESHOLDS }, custom: !!stored };
		});
	}

	async save(
		tenantId: number,
		queueId: number,
		thresholds: QueueThresholds,
		updatedBy: number | null
	): Promise<void> {
		const columns = FIELDS.map((f) => COLUMNS[f]);
		await this.pool.query(
			`INSERT INTO queue_thresholds (tenant_id, queue_id, ${columns.join(', ')}, updated_by)
			 VALUES (?, ?, ${columns.map(() => '?').join(', ')}, ?)
			 ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')},
			   updated_by = VALUES(updated_by)`,
			[tenantId, queueId, ...FIELDS.map((f) => thresholds[f]), updatedBy]
		);
	}

	/** Back to the defaults; true when the queue had thresholds of its own. */
	async reset(tenantId: number, queueId: number): Promise<boolean> {
		const [result] = await this.pool.query<ResultSetHeader>(
			'DELETE FROM queue_thresholds WHERE tenant_id = ? AND queue_id = ?',
			[tenantId, queueId]
		);
		return result.affectedRows > 0;
	}
}

/**
 * Queues with the thresholds that colour them: the one read both the wall and the interactions
 * grid use, so a value saved on the admin thresholds page reaches both alike.
 */
export async function withThresholds<Q extends { id: number; name: string }>(
	pool: Pool,
	tenantId: number,
	queues: readonly Q[]
): Promise<{ id: number; name: string; thresholds: QueueThresholds }[]> {
	const stored = await new QueueThresholdStore(pool).list(
		tenantId,
		queues.map((q) => q.id)
	);
	return queues.map((q, i) => ({ id: q.id, name: q.name, thresholds: stored[i].thresholds }));
}
