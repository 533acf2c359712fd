import mysql, { type Pool } from 'mysql2/promise';
import { sqlTime } from '../../scripts/lib/sql';
import { newAckTable, type AckTable } from './keys';
import { now, sleep } from './stats';

/**
 * The PBX at a fixed commit rate: interactions go New → Active → ACW → Closed, one interaction
 * change per commit, steps about 200 ms apart, open loop (a slow commit does not slow the
 * schedule). Each commit's acknowledgement time is recorded under its key.
 */

export interface Target {
	tenantId: number;
	queueId: number;
	agentIds: number[];
}

export interface PacedOptions {
	idBase: number;
	rate: number;
	seconds: number;
	targets: Target[];
	/** created_at = now - this (e.g. 36 h: closed rows then leave the live view at once). */
	createdAgoMs?: number;
}

const CHANNELS = ['voice', 'chat', 'sms', 'whatsapp'] as const;
const CLOSE_COLUMNS =
	'id, uniqueid, tenant_id, queue_id, channel, direction, agent_id, crm_contact_id, phone_number, did, created_at, answered_at, acw_started_at';

/** One commit of step `step` (0..3) of interaction `j`; returns [sql, statements sent]. */
export function stepSql(o: PacedOptions, j: number, step: number, at: number): [string, number] {
	const id = o.idBase + j;
	const t = o.targets[j % o.targets.length];
	const time = sqlTime(at);
	switch (step) {
		case 0:
			return [
				mysql.format(
					`INSERT INTO active_interactions
					   (id, uniqueid, tenant_id, queue_id, channel, status, phone_number, did, created_at)
					 VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?)`,
					[id, `bench-${id}`, t.tenantId, t.queueId, CHANNELS[j % 4], `+1555${String(j % 1e7).padStart(7, '0')}`, `+1800555${t.queueId % 10000}`, sqlTime(at - (o.createdAgoMs ?? 0))] // prettier-ignore
				),
				1
			];
		case 1:
			return [
				mysql.format(
					"UPDATE active_interactions SET status = 'active', agent_id = ?, answered_at = ? WHERE id = ?",
					[t.agentIds[j % t.agentIds.length], time, id]
				),
				1
			];
		case 2:
			return [
				mysql.format(
					"UPDATE active_interactions SET status = 'acw', acw_started_at = ? WHERE id = ?",
					[time, id]
				),
				1
			];
		default:
			return [
				mysql.format(
					`BEGIN;
					 INSERT INTO closed_interactions (${CLOSE_COLUMNS}, closed_at, talk_seconds, acw_seconds, disposition_id)
					 SELECT ${CLOSE_COLUMNS}, ?, 1, 1, NULL FROM active_interactions WHERE id = ?;
					 DELETE FROM active_interactions WHERE id = ?;
					 COMMIT`,
					[time, id, id]
				),
				4
			];
	}
}

export class PacedWriter {
	readonly table: AckTable;
	commits = 0;
	failures = 0;
	/** Statements sent to the server (what `Questions` counts for this client). */
	statements = 0;
	/** How late the schedule ran at worst, ms. */
	maxLagMs = 0;
	firstError: string | null = null;
	startedAt = 0;
	endedAt = 0;
	readonly #gap: number;
	readonly #interactions: number;

	constructor(
		private readonly pool: Pool,
		private readonly options: PacedOptions
	) {
		// Steps ~200 ms apart: interaction j's step s is due at tick 4·(j + s·gap) + s.
		this.#gap = Math.max(1, Math.round(options.rate / 20));
		this.#interactions = Math.ceil((options.rate * options.seconds) / 4);
		this.table = newAckTable({ idBase: options.idBase, interactions: this.#interactions });
		for (let j = 0; j < this.#interactions; j++) {
			const t = options.targets[j % options.targets.length];
			this.table.tenantOf[j] = t.tenantId;
			this.table.queueOf[j] = t.queueId;
		}
	}

	async run(): Promise<this> {
		const { rate } = this.options;
		const gap = this.#gap;
		const totalTicks = 4 * (this.#interactions + 3 * gap);
		const inFlight = new Set<Promise<void>>();
		this.startedAt = now();
		for (let tick = 0; tick < totalTicks; tick++) {
			const due = this.startedAt + (tick * 1000) / rate;
			const wait = due - now();
			if (wait > 1) await sleep(wait);
			else this.maxLagMs = Math.max(this.maxLagMs, -wait);
			const step = tick % 4;
			const j = Math.floor(tick / 4) - step * gap;
			if (j < 0 || j >= this.#interactions) continue;
			const commit = this.#commit(j, step);
			inFlight.add(commit);
			void commit.finally(() => inFlight.delete(commit));
			// Bounded: a stalled database must not pile up unbounded promises.
			if (inFlight.size >= 256) await Promise.race(inFlight);
		}
		await Promise.all(inFlight);
		this.endedAt = now();
		return this;
	}

	async #commit(j: number, step: number): Promise<void> {
		const [sql, statements] = stepSql(this.options, j, step, Date.now());
		this.statements += statements;
		try {
			await this.pool.query(sql);
			this.table.acks[j * 4 + step] = now();
			this.commits++;
		} catch (error) {
			this.failures++;
			this.firstError ??= (error as Error).message;
		}
	}
}
