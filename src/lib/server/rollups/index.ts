import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { AppEventBus } from '../events';
import type { LogEntry } from '../changelog';
import { escapeId } from '../db';
import { SLOT_MS } from '../insight/intervals';
import type { Logger } from '../log';
import { floorSlot, recomputeSlots, rolledSlots, type RollupDeps } from './recompute';

export type { RollupDeps } from './recompute';

/**
 * Keeps range_rollups (migration 8) equal to closed_interactions, on the node that tails the
 * binlog (the only node on its own; the leader among several):
 * - every change of a closed row touches the 15-minute slot of its creation; touched slots are
 *   recomputed from SQL after `debounceMs` (recomputeSlots: replace, never add);
 * - when this node starts maintaining (start, or elected leader), it recomputes everything from
 *   a day before the latest rollup to now (what a node that was down, or a leader killed
 *   before its debounce fired, may have missed), then rolls up in the background, one UTC day a
 *   batch, newest first, the days not rolled up yet.
 * Every node also follows the log and keeps its touched slots, so a follower elected mid-burst
 * flushes what the old leader had not. One recompute at a time per node: two overlapping ones
 * could write an older read after a newer one.
 * Not followed: a closed row deleted from closed_interactions (the log carries no created_at
 * for a removal); the PBX never deletes history, and a history reset is re-rolled at start.
 */

const DAY_MS = 86_400_000;
/** Interactions longer than this are not re-read after downtime (they are rare). */
const CATCH_UP_MS = DAY_MS;
/** A follower forgets touched slots the leader has long flushed. */
const FOLLOWER_KEEP_MS = 5 * 60_000;

export interface RollupOptions {
	deps: RollupDeps;
	events: Pick<AppEventBus, 'on'>;
	tenants: () => number[];
	/** This node maintains the rollups now (single node: always; several: the leader). */
	maintains: () => boolean;
	log: Logger;
	debounceMs?: number;
	/** Pause between two backfill days, so the live path and requests go first. */
	backfillPauseMs?: number;
}

export class RangeRollups {
	readonly #o: RollupOptions;
	readonly #pending = new Map<number, Map<number, number>>(); // tenant → slot → touched at
	#timer: NodeJS.Timeout | null = null;
	#unsubscribe: (() => void) | null = null;
	#chain: Promise<unknown> = Promise.resolve();
	#maintaining = false;
	#stopped = false;
	#backfill: Promise<void> | null = null;
	/** Slots before this are rolled up or being backfilled; null until catching up started. */
	#coveredUntil: number | null = null;

	constructor(options: RollupOptions) {
		this.#o = options;
	}

	start(): void {
		this.#unsubscribe = this.#o.events.on('log.appended', (entry) => this.touch(entry));
		const every = this.#o.debounceMs ?? 1000;
		this.#timer = setInterval(() => void this.#tick(), every);
		void this.#tick();
	}

	/** Notes the slots a log entry's closed rows were created in. */
	touch(entry: Pick<LogEntry, 'changes'>): void {
		const now = Date.now();
		for (const change of entry.changes) {
			const row = change.row;
			if (!row || row.closedAt === null) continue;
			const created = Date.parse(row.createdAt);
			if (!Number.isFinite(created)) continue;
			let slots = this.#pending.get(row.tenantId);
			if (!slots) this.#pending.set(row.tenantId, (slots = new Map()));
			slots.set(floorSlot(created), now);
		}
	}

	/** Resolves when every recompute asked so far has been written (tests, the bench). */
	async settled(): Promise<void> {
		await this.#tick();
		await this.#chain;
		await this.#backfill;
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		this.#unsubscribe?.();
		if (this.#timer) clearInterval(this.#timer);
		await this.#chain.catch(() => undefined);
		await this.#backfill?.catch(() => undefined);
	}

	async #tick(): Promise<void> {
		if (this.#stopped) return;
		if (!this.#o.maintains()) {
			this.#maintaining = false;
			this.#coveredUntil = null;
			this.#forgetOld();
			return;
		}
		if (!this.#maintaining) {
			this.#maintaining = true;
			this.#backfill ??= this.#catchUpAndBackfill().finally(() => (this.#backfill = null));
		}
		const { deps } = this.#o;
		await this.#coverNewSlots();
		const pending = [...this.#pending];
		this.#pending.clear();
		for (const [tenantId, slots] of pending) {
			for (const [from, to] of runs([...slots.keys()])) {
				await this.#serial(() => recomputeSlots(deps.primary, deps.dashboard, tenantId, from, to));
			}
		}
	}

	/**
	 * Marks the slots time has reached as rolled up (recomputed: most are empty or already
	 * touched), so a quiet night's empty slots do not keep a later range from the rollups.
	 */
	async #coverNewSlots(): Promise<void> {
		const until = floorSlot(Date.now()) + SLOT_MS;
		const from = this.#coveredUntil;
		if (from === null || until <= from) return;
		this.#coveredUntil = until;
		const { deps } = this.#o;
		for (const tenantId of this.#o.tenants()) {
			await this.#serial(() => recomputeSlots(deps.primary, deps.dashboard, tenantId, from, until));
		}
	}

	#forgetOld(): void {
		const before = Date.now() - FOLLOWER_KEEP_MS;
		for (const slots of this.#pending.values()) {
			for (const [slot, at] of slots) if (at < before) slots.delete(slot);
		}
	}

	#serial<T>(work: () => Promise<T>): Promise<T | undefined> {
		const next = this.#chain.then(work).catch((error: unknown) => {
			this.#o.log.warn('range rollups: recompute failed', { error: String(error) });
			return undefined;
		});
		this.#chain = next;
		return next;
	}

	async #catchUpAndBackfill(): Promise<void> {
		const { deps, log } = this.#o;
		const started = Date.now();
		const until = floorSlot(Date.now()) + SLOT_MS;
		this.#coveredUntil = until;
		for (const tenantId of this.#o.tenants()) {
			if (this.#stopped || !this.#o.maintains()) return;
			const latest = await latestRolled(deps.dashboard, tenantId);
			if (latest !== null) {
				const from = Math.min(latest, until) - CATCH_UP_MS;
				await this.#serial(() =>
					recomputeSlots(deps.primary, deps.dashboard, tenantId, from, until)
				);
			}
		}
		let days = 0;
		for (const tenantId of this.#o.tenants()) {
			const first = await firstCreated(deps, tenantId);
			if (first === null) continue;
			for (let day = Math.floor(until / DAY_MS) * DAY_MS; day + DAY_MS > first; day -= DAY_MS) {
				if (this.#stopped || !this.#o.maintains()) return;
				const end = Math.min(day + DAY_MS, until);
				if ((await rolledSlots(deps.dashboard, tenantId, day, end)) === (end - day) / SLOT_MS) {
					continue;
				}
				await this.#serial(() => recomputeSlots(deps.history, deps.dashboard, tenantId, day, end));
				days++;
				await new Promise((resolve) => setTimeout(resolve, this.#o.backfillPauseMs ?? 50));
			}
		}
		log.info('range rollups: up to date', { days, seconds: (Date.now() - started) / 1000 });
	}
}

/** Sorted slots as spans [from, to) of consecutive slots. */
function runs(slots: number[]): [number, number][] {
	const spans: [number, number][] = [];
	for (const slot of slots.sort((a, b) => a - b)) {
		const last = spans[spans.length - 1];
		if (last && last[1] === slot) last[1] = slot + SLOT_MS;
		else spans.push([slot, slot + SLOT_MS]);
	}
	return spans;
}

async function latestRolled(dashboard: Pool, tenantId: number): Promise<number | null> {
	const [[row]] = await dashboard.query<RowDataPacket[]>(
		'SELECT MAX(rolled_at) AS at FROM range_rollup_slots WHERE tenant_id = ?',
		[tenantId]
	);
	return row.at === null ? null : Date.parse(`${String(row.at).replace(' ', 'T')}Z`);
}

async function firstCreated(deps: RollupDeps, tenantId: number): Promise<number | null> {
	const [[row]] = await deps.history.pool.query<RowDataPacket[]>(
		`SELECT MIN(created_at) AS at FROM ${escapeId(deps.history.database)}.closed_interactions
		  WHERE tenant_id = ?`,
		[tenantId]
	);
	return row.at === null ? null : Date.parse(`${String(row.at).replace(' ', 'T')}Z`);
}
