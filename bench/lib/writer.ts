import type { Pool } from 'mysql2/promise';
import { lifecycleStep, type Lifecycle } from '../../scripts/lib/lifecycle';
import { commitText, PbxStatements, type ActiveRow } from '../../scripts/lib/pbx-sql';
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

/** Interaction `j` of a bench load, round-robin over the targets; `phone` starts its number. */
export function benchRow(
	o: { idBase: number; targets: Target[] },
	j: number,
	createdMs: number,
	phone = '+1555'
): ActiveRow {
	const id = o.idBase + j;
	const t = o.targets[j % o.targets.length];
	return {
		id,
		uniqueid: `bench-${id}`,
		tenantId: t.tenantId,
		queueId: t.queueId,
		channel: CHANNELS[j % 4],
		phoneNumber: `${phone}${String(j % 1e7).padStart(7, '0')}`,
		did: `+1800555${t.queueId % 10000}`,
		createdMs
	};
}

/** The agent who takes interaction `j`. */
export function benchAgent(o: { targets: Target[] }, j: number): number {
	const t = o.targets[j % o.targets.length];
	return t.agentIds[j % t.agentIds.length];
}

/** Interaction `j`'s lifecycle, created `createdAgoMs` before it starts at `atMs`. */
export function benchLifecycle(
	o: { idBase: number; targets: Target[]; createdAgoMs?: number },
	j: number,
	atMs: number
): Lifecycle {
	const row = benchRow(o, j, atMs - (o.createdAgoMs ?? 0));
	return { row, agentId: benchAgent(o, j), dispositionId: null };
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
	readonly #sql = new PbxStatements();

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
		const at = Date.now();
		const commit = lifecycleStep(this.#sql, benchLifecycle(this.options, j, at), step, at);
		// One query whatever the commit (several statements go as BEGIN; …; COMMIT), acknowledged
		// when the pool answers, as a PBX's client sees it.
		this.statements += commit.length === 1 ? 1 : commit.length + 2;
		try {
			await this.pool.query(commitText(commit));
			this.table.acks[j * 4 + step] = now();
			this.commits++;
		} catch (error) {
			this.failures++;
			this.firstError ??= (error as Error).message;
		}
	}
}
