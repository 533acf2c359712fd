import type { DemoTenant } from '../../scripts/lib/demo-data';
import { sqlTime, type Pbx } from './wall-pbx';
import type { Stack } from './stack';

/**
 * A busy day in fast-forward: every step inserts a batch of new contacts, answers the previous
 * batch (4 in 5; the fifth is abandoned), puts the one before into ACW and closes the one before
 * that, each as one multi-row statement (the close: insert into closed + delete from active in
 * one transaction, as the PBX does). Timestamps follow the server's clock, which the test moves
 * through the day.
 */
export class DayOfTraffic {
	changes = 0;
	#batches: number[][] = [];

	constructor(
		private readonly stack: Stack,
		private readonly tenant: DemoTenant,
		private readonly pbx: Pbx,
		private readonly batchSize: number
	) {}

	async step(step: number, nowMs: number, lastInsert: number): Promise<void> {
		// One statement at a time: concurrent multi-row writes to one table deadlock in InnoDB.
		const at = (k: number) => (k >= 0 && k <= lastInsert ? this.#batches[k] : null);
		const close = at(step - 3);
		const acw = at(step - 2);
		const answer = at(step - 1);
		if (close) this.changes += await this.#close(close);
		if (acw) this.changes += await this.#acw(acw.filter((id) => id % 5 !== 0));
		if (answer) this.changes += await this.#answer(answer.filter((id) => id % 5 !== 0));
		if (step <= lastInsert) this.changes += await this.#insert(step, nowMs);
	}

	async #insert(step: number, nowMs: number): Promise<number> {
		const ids = this.pbx.nextIds(this.batchSize);
		this.#batches[step] = ids;
		const { queues, contacts } = this.tenant;
		const rows = ids.map((id) => [
			id,
			`u-${id}`,
			this.tenant.id,
			// Not `id % queues`: abandonment is `id % 5`, and it must not pick a queue.
			queues[Math.floor(id / 7) % queues.length].id,
			(['voice', 'chat', 'sms', 'whatsapp'] as const)[id % 4],
			contacts[id % contacts.length].id,
			contacts[id % contacts.length].phone,
			queues[0].did,
			sqlTime(nowMs - (id % 100) * 1000)
		]);
		return this.#run(
			`INSERT INTO active_interactions (id, uniqueid, tenant_id, queue_id, channel, crm_contact_id,
			   phone_number, did, created_at) VALUES ?`,
			[rows]
		);
	}

	#answer(ids: number[]): Promise<number> {
		const agents = this.tenant.agents.map((a) => a.id);
		return this.#run(
			`UPDATE active_interactions SET status = 'active',
			        agent_id = ELT(1 + id % ${agents.length}, ${agents.join(', ')}),
			        answered_at = DATE_ADD(created_at, INTERVAL id % 90 SECOND)
			  WHERE id IN (?)`,
			[ids]
		);
	}

	#acw(ids: number[]): Promise<number> {
		return this.#run(
			`UPDATE active_interactions SET status = 'acw',
			        acw_started_at = DATE_ADD(answered_at, INTERVAL 60 + (id * 7) % 540 SECOND)
			  WHERE id IN (?)`,
			[ids]
		);
	}

	async #close(ids: number[]): Promise<number> {
		const end = `IF(acw_started_at IS NULL, DATE_ADD(created_at, INTERVAL 20 + id % 100 SECOND),
		                DATE_ADD(acw_started_at, INTERVAL 30 + id % 90 SECOND))`;
		const conn = await this.stack.admin.getConnection();
		try {
			await conn.query(`USE \`${this.stack.pbxDb}\``);
			await conn.beginTransaction();
			await conn.query(
				`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, direction,
				   agent_id, crm_contact_id, phone_number, did, created_at, answered_at, acw_started_at,
				   closed_at, wait_seconds, talk_seconds, acw_seconds)
				 SELECT id, uniqueid, tenant_id, queue_id, channel, direction, agent_id, crm_contact_id,
				        phone_number, did, created_at, answered_at, acw_started_at, ${end},
				        TIMESTAMPDIFF(SECOND, created_at, COALESCE(answered_at, ${end})),
				        IF(answered_at IS NULL, 0, TIMESTAMPDIFF(SECOND, answered_at, acw_started_at)),
				        IF(answered_at IS NULL, 0, TIMESTAMPDIFF(SECOND, acw_started_at, ${end}))
				   FROM active_interactions WHERE id IN (?)`,
				[ids]
			);
			const [deleted] = await conn.query('DELETE FROM active_interactions WHERE id IN (?)', [ids]);
			await conn.commit();
			return (deleted as { affectedRows: number }).affectedRows;
		} catch (error) {
			await conn.rollback();
			throw error;
		} finally {
			conn.release();
		}
	}

	async #run(sql: string, params: unknown[]): Promise<number> {
		const conn = await this.stack.admin.getConnection();
		try {
			await conn.query(`USE \`${this.stack.pbxDb}\``);
			const [result] = await conn.query(sql, params);
			return (result as { affectedRows: number }).affectedRows;
		} finally {
			conn.release();
		}
	}
}
