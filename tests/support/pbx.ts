import type mysql from 'mysql2/promise';

/**
 * The PBX's lifecycle in plain SQL, as a PBX writes it: insert New, answer, ACW, and close
 * (delete from active + insert into closed in one transaction).
 */

export interface NewInteraction {
	id: number | string;
	tenantId: number;
	queueId: number | null;
	channel?: 'voice' | 'chat' | 'sms' | 'whatsapp';
	phone?: string;
	did?: string;
	crmContactId?: number | null;
	createdAt?: Date;
}

const sqlTime = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');

export class PbxSql {
	constructor(
		private readonly pool: mysql.Pool,
		private readonly database: string
	) {}

	async #run(statements: [string, unknown[]][]): Promise<void> {
		const conn = await this.pool.getConnection();
		try {
			await conn.query(`USE \`${this.database}\``);
			await conn.beginTransaction();
			for (const [sql, params] of statements) await conn.query(sql, params);
			await conn.commit();
		} catch (error) {
			await conn.rollback();
			throw error;
		} finally {
			conn.release();
		}
	}

	insertNew(i: NewInteraction): Promise<void> {
		return this.#run([
			[
				`INSERT INTO active_interactions
				   (id, uniqueid, tenant_id, queue_id, channel, status, crm_contact_id, phone_number, did, created_at)
				 VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?, ?)`,
				[
					i.id,
					`u-${i.id}`,
					i.tenantId,
					i.queueId,
					i.channel ?? 'voice',
					i.crmContactId ?? null,
					i.phone ?? '+15550100',
					i.did ?? '+15550999',
					sqlTime(i.createdAt ?? new Date())
				]
			]
		]);
	}

	answer(id: number | string, agentId: number): Promise<void> {
		return this.#run([
			[
				"UPDATE active_interactions SET status = 'active', agent_id = ?, answered_at = ? WHERE id = ?",
				[agentId, sqlTime(new Date()), id]
			]
		]);
	}

	moveQueue(id: number | string, queueId: number): Promise<void> {
		return this.#run([['UPDATE active_interactions SET queue_id = ? WHERE id = ?', [queueId, id]]]);
	}

	startAcw(id: number | string): Promise<void> {
		return this.#run([
			[
				"UPDATE active_interactions SET status = 'acw', acw_started_at = ? WHERE id = ?",
				[sqlTime(new Date()), id]
			]
		]);
	}

	/** The close: copy to closed_interactions and delete from active, in one transaction. */
	close(id: number | string, dispositionId: number | null = null): Promise<void> {
		const now = sqlTime(new Date());
		return this.#run([
			[
				`INSERT INTO closed_interactions
				   (id, uniqueid, tenant_id, queue_id, channel, direction, agent_id, crm_contact_id,
				    phone_number, did, disposition_id, created_at, answered_at, acw_started_at, closed_at,
				    wait_seconds, talk_seconds, acw_seconds, message_body)
				 SELECT id, uniqueid, tenant_id, queue_id, channel, direction, agent_id, crm_contact_id,
				        phone_number, did, ?, created_at, answered_at, acw_started_at, ?,
				        GREATEST(0, TIMESTAMPDIFF(SECOND, created_at, COALESCE(answered_at, ?))),
				        GREATEST(0, TIMESTAMPDIFF(SECOND, answered_at, COALESCE(acw_started_at, ?))),
				        GREATEST(0, TIMESTAMPDIFF(SECOND, acw_started_at, ?)), message_body
				   FROM active_interactions WHERE id = ?`,
				[dispositionId, now, now, now, now, id]
			],
			['DELETE FROM active_interactions WHERE id = ?', [id]]
		]);
	}
}
