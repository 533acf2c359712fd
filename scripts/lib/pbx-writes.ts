import type { Pool, ResultSetHeader } from 'mysql2/promise';
import { CLOSED_COLUMNS, closedRowValues, type Moments } from './closed-row';
import type { InteractionPlan } from './interaction-plan';
import type { Segment } from './conversation';
import { sqlTime, tableRef } from './sql';

/**
 * The statements a PBX issues over an interaction's life, one method each. Every write sets
 * updated_at explicitly: its column default follows the session time zone, which we do not own.
 */
export class PbxWriter {
	readonly #pool: Pool;
	readonly #active: string;
	readonly #closed: string;
	readonly #transcriptions: string;

	constructor(pool: Pool, database: string) {
		this.#pool = pool;
		this.#active = tableRef(database, 'active_interactions');
		this.#closed = tableRef(database, 'closed_interactions');
		this.#transcriptions = tableRef(database, 'transcriptions');
	}

	/** The interaction enters its queue as 'new' (text: with the customer's opening message). */
	async insertNew(
		id: number,
		uniqueid: string,
		plan: InteractionPlan,
		createdMs: number,
		opening: string | null
	): Promise<void> {
		const created = sqlTime(createdMs);
		await this.#pool.query(
			`INSERT INTO ${this.#active} (id, uniqueid, tenant_id, queue_id, channel, direction,
				status, crm_contact_id, phone_number, did, created_at, message_body, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?)`,
			[
				id,
				uniqueid,
				plan.tenant.id,
				plan.queue?.id ?? null,
				plan.channel,
				plan.direction,
				plan.contact?.id ?? null,
				plan.phoneNumber,
				plan.did,
				created,
				opening,
				created
			]
		);
	}

	async answer(id: number, agentId: number, atMs: number): Promise<void> {
		await this.#pool.query(
			`UPDATE ${this.#active} SET status = 'active', agent_id = ?, answered_at = ?, updated_at = ?
			WHERE id = ?`,
			[agentId, sqlTime(atMs), sqlTime(atMs), id]
		);
	}

	/** Appends one "Speaker: text" line to the conversation so far. */
	async appendMessage(id: number, line: string, atMs: number): Promise<void> {
		await this.#pool.query(
			`UPDATE ${this.#active} SET updated_at = ?,
				message_body = CONCAT(COALESCE(CONCAT(message_body, '\n'), ''), ?)
			WHERE id = ?`,
			[sqlTime(atMs), line, id]
		);
	}

	async startAcw(id: number, atMs: number): Promise<void> {
		await this.#pool.query(
			`UPDATE ${this.#active} SET status = 'acw', acw_started_at = ?, updated_at = ? WHERE id = ?`,
			[sqlTime(atMs), sqlTime(atMs), id]
		);
	}

	async setDisposition(id: number, dispositionId: number | null, atMs: number): Promise<void> {
		await this.#pool.query(
			`UPDATE ${this.#active} SET disposition_id = ?, updated_at = ? WHERE id = ?`,
			[dispositionId, sqlTime(atMs), id]
		);
	}

	/** Delete from active and insert into closed in one transaction, as the PBX does. */
	async close(
		id: number,
		uniqueid: string,
		plan: InteractionPlan,
		moments: Moments,
		recordingFile: string | null
	): Promise<void> {
		const row = closedRowValues(id, uniqueid, plan, moments, recordingFile);
		const conn = await this.#pool.getConnection();
		try {
			await conn.beginTransaction();
			await conn.query(`DELETE FROM ${this.#active} WHERE id = ?`, [id]);
			await conn.query(`INSERT INTO ${this.#closed} (${CLOSED_COLUMNS.join(', ')}) VALUES ?`, [
				[row]
			]);
			await conn.commit();
		} catch (error) {
			await conn.rollback().catch(() => undefined);
			throw error;
		} finally {
			conn.release();
		}
	}

	/**
	 * Closes rows at or above `idFloor` idle for `idleMinutes`: what a simulator killed mid-call
	 * leaves behind, which would otherwise tick on the dashboard forever. They close at their
	 * last update, with the phase they reached; returns how many.
	 */
	async closeIdle(idFloor: number, idleMinutes: number): Promise<number> {
		const seconds = (from: string, to: string) =>
			`GREATEST(0, ROUND(TIMESTAMPDIFF(MICROSECOND, ${from}, ${to}) / 1000000))`;
		const idle = `id >= ? AND updated_at < UTC_TIMESTAMP(3) - INTERVAL ? MINUTE`;
		const conn = await this.#pool.getConnection();
		try {
			await conn.beginTransaction();
			await conn.query(
				`INSERT INTO ${this.#closed} (${CLOSED_COLUMNS.join(', ')})
				SELECT id, uniqueid, tenant_id, queue_id, channel, direction, agent_id, crm_contact_id,
					phone_number, did, disposition_id, created_at, answered_at, acw_started_at,
					updated_at, ${seconds('created_at', 'COALESCE(answered_at, updated_at)')},
					COALESCE(${seconds('answered_at', 'COALESCE(acw_started_at, updated_at)')}, 0),
					COALESCE(${seconds('acw_started_at', 'updated_at')}, 0), message_body, NULL
				FROM ${this.#active} WHERE ${idle} FOR UPDATE`,
				[idFloor, idleMinutes]
			);
			const [result] = await conn.query<ResultSetHeader>(
				`DELETE FROM ${this.#active} WHERE ${idle}`,
				[idFloor, idleMinutes]
			);
			await conn.commit();
			return result.affectedRows;
		} catch (error) {
			await conn.rollback().catch(() => undefined);
			throw error;
		} finally {
			conn.release();
		}
	}

	async insertTranscription(id: number, segments: Segment[], atMs: number): Promise<void> {
		await this.#pool.query(
			`INSERT INTO ${this.#transcriptions} (interaction_id, language, segments, created_at)
			VALUES (?, 'en', ?, ?)`,
			[id, JSON.stringify(segments), sqlTime(atMs)]
		);
	}
}
