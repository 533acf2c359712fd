import type { AppEventBus } from '../events';
import type { LogEntry } from '../changelog';
import type { Goals } from '../insight/queries';
import type { Logger } from '../log';
import { addDays, formatZonedDate, zonedDateOf } from '$lib/time/zone';
import { backfillTenant } from './backfill';
import {
	floorSlot,
	recomputeDay,
	recomputeSlots,
	type RollupDeps,
	type RollupTenant
} from './recompute';
import { staleGoalDays, unmarkDays } from './state';

export type { RollupDeps, RollupTenant } from './recompute';

/**
 * Keeps the range rollups (migration 8) equal to closed_interactions, on the node that tails
 * the binlog (the only node on its own; the leader among several):
 * - a change of a closed row touches the 15-minute slot and the local day of its creation. The
 *   slot is recomputed from SQL within `debounceMs` and the day unmarked in the same
 *   transaction (its day and agent rows are stale: the picture reads that day from the slots);
 *   the day is recomputed once quiet for `dayQuietMs`, or at the latest `dayMaxMs` after its
 *   first touch (a whole day's rows are read: not on every commit of a busy day);
 * - when this node starts maintaining (start, or elected leader), yesterday and today are
 *   recomputed (what a node that was down, or a leader killed before its debounce fired, may
 *   have missed); then, in the background, the days not rolled up yet, newest first, one local
 *   day a batch with a pause between;
 * - every 5 s the queues' goals are read; when a tenant's changed (the thresholds page, on any
 *   node), the days whose agent rows counted within goal against another goal are unmarked
 *   and rolled again (the picture reads those days' agents from the rows meanwhile).
 * Every node also follows the log and keeps its touched slots and days, so a follower elected
 * mid-burst flushes what the old leader had not. One recompute at a time per node: two
 * overlapping ones could write an older read after a newer one. Every write replaces
 * (recompute.ts), never adds, so a replay or a second leader's late write cannot double a sum.
 * Not followed: a closed row deleted from closed_interactions (the log carries no created_at for
 * a removal); the PBX never deletes history.
 */

/** A follower forgets touched slots the leader has long flushed. */
const FOLLOWER_KEEP_MS = 5 * 60_000;
/** How often the queues' goals are read (a few rows): a change is seen within this. */
const GOALS_EVERY_MS = 5000;

export interface RollupOptions {
	deps: RollupDeps;
	events: Pick<AppEventBus, 'on'>;
	tenants: () => RollupTenant[];
	goals: (tenantId: number) => Promise<Goals>;
	/** This node maintains the rollups now (single node: always; several: the leader). */
	maintains: () => boolean;
	log: Logger;
	debounceMs?: number;
	dayQuietMs?: number;
	dayMaxMs?: number;
	/** Pause between two backfill days, so the live path and requests go first. */
	backfillPauseMs?: number;
}

interface Touched {
	first: number;
	last: number;
}

export class RangeRollups {
	readonly #o: RollupOptions;
	/** tenant → slot start → touched at */
	readonly #slots = new Map<number, Map<number, number>>();
	/** tenant → local date → first and last touch */
	readonly #days = new Map<number, Map<string, Touched>>();
	/** tenant → the local date its today and yesterday were last rolled for */
	readonly #today = new Map<number, string>();
	#timer: NodeJS.Timeout | null = null;
	#unsubscribe: (() => void) | null = null;
	#chain: Promise<unknown> = Promise.resolve();
	#maintaining = false;
	#stopped = false;
	#backfill: Promise<void> | null = null;
	#backfillAgain = false;
	#goalsCheckedAt = 0;
	/** tenant → its goals as last checked against the agent rollups */
	readonly #goalsSeen = new Map<number, string>();

	constructor(options: RollupOptions) {
		this.#o = options;
	}

	start(): void {
		this.#unsubscribe = this.#o.events.on('log.appended', (entry) => this.touch(entry));
		this.#timer = setInterval(() => this.#tickQuietly(), this.#o.debounceMs ?? 1000);
		this.#tickQuietly();
	}

	/** A timer's tick: a failure (the database gone, the node stopping) is logged, never thrown. */
	#tickQuietly(): void {
		this.#tick().catch((error: unknown) => {
			if (!this.#stopped) this.#o.log.warn('range rollups: tick failed', { error: String(error) });
		});
	}

	/** Notes the slots and local days a log entry's closed rows were created in. */
	touch(entry: Pick<LogEntry, 'changes'>): void {
		const now = Date.now();
		for (const change of entry.changes) {
			const row = change.row;
			if (!row || row.closedAt === null) continue;
			const created = Date.parse(row.createdAt);
			const tenant = this.#tenant(row.tenantId);
			if (!Number.isFinite(created) || !tenant) continue;
			mapOf(this.#slots, row.tenantId).set(floorSlot(created), now);
			this.#touchDay(tenant.id, formatZonedDate(zonedDateOf(created, tenant.timezone)), now);
		}
	}

	/** Resolves when every recompute asked so far has been written (tests, the bench). */
	async settled(): Promise<void> {
		await this.#tick(true);
		await this.#chain;
		while (this.#backfill) await this.#backfill;
		await this.#chain;
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		this.#unsubscribe?.();
		if (this.#timer) clearInterval(this.#timer);
		await this.#chain.catch(() => undefined);
		await this.#backfill?.catch(() => undefined);
	}

	#tenant(tenantId: number): RollupTenant | undefined {
		return this.#o.tenants().find((t) => t.id === tenantId);
	}

	#touchDay(tenantId: number, date: string, at: number): void {
		const days = mapOf(this.#days, tenantId);
		const touched = days.get(date);
		if (touched) touched.last = at;
		else days.set(date, { first: at, last: at });
	}

	/** `now`: recompute touched days and check the goals without waiting (settled()). */
	async #tick(now = false): Promise<void> {
		if (this.#stopped) return;
		if (!this.#o.maintains()) {
			this.#maintaining = false;
			this.#today.clear();
			this.#goalsSeen.clear();
			this.#forgetOld();
			return;
		}
		if (!this.#maintaining) {
			this.#maintaining = true;
			this.#startBackfill();
		}
		this.#rollNewDays();
		await this.#flushSlots();
		await this.#flushDays(now);
		if (now || Date.now() - this.#goalsCheckedAt >= GOALS_EVERY_MS) {
			this.#goalsCheckedAt = Date.now();
			await this.#serial(() => this.#unmarkStaleGoals());
		}
	}

	/** Today and yesterday, whenever the local date moved on (and on taking over). */
	#rollNewDays(): void {
		for (const tenant of this.#o.tenants()) {
			const today = zonedDateOf(Date.now(), tenant.timezone);
			const date = formatZonedDate(today);
			if (this.#today.get(tenant.id) === date) continue;
			this.#today.set(tenant.id, date);
			const yesterday = formatZonedDate(addDays(today, -1));
			for (const day of [yesterday, date]) this.#touchDay(tenant.id, day, 0);
		}
	}

	async #flushSlots(): Promise<void> {
		const { deps } = this.#o;
		const pending = [...this.#slots];
		this.#slots.clear();
		for (const [tenantId, slots] of pending) {
			const tenant = this.#tenant(tenantId);
			if (!tenant) continue;
			for (const [from, to] of runs([...slots.keys()])) {
				const days = new Set<string>();
				for (let slot = from; slot < to; slot += 15 * 60_000) {
					days.add(formatZonedDate(zonedDateOf(slot, tenant.timezone)));
				}
				await this.#serial(() =>
					recomputeSlots(deps.primary, deps.dashboard, tenantId, from, to, [...days])
				);
			}
		}
	}

	async #flushDays(all: boolean): Promise<void> {
		const { deps } = this.#o;
		const now = Date.now();
		const quiet = this.#o.dayQuietMs ?? 5000;
		const max = this.#o.dayMaxMs ?? 60_000;
		for (const [tenantId, days] of this.#days) {
			const tenant = this.#tenant(tenantId);
			if (!tenant) continue;
			for (const [date, touched] of days) {
				if (!all && now - touched.last < quiet && now - touched.first < max) continue;
				days.delete(date);
				await this.#serial(async () =>
					recomputeDay(deps.primary, deps.dashboard, tenant, date, await this.#o.goals(tenantId))
				);
			}
		}
	}

	#forgetOld(): void {
		const before = Date.now() - FOLLOWER_KEEP_MS;
		for (const slots of this.#slots.values()) {
			for (const [slot, at] of slots) if (at < before) slots.delete(slot);
		}
		for (const days of this.#days.values()) {
			for (const [date, touched] of days) if (touched.last < before) days.delete(date);
		}
	}

	#serial<T>(work: () => Promise<T>): Promise<T | undefined> {
		const next = this.#chain.then(work).catch((error: unknown) => {
			// Once stopping, the pools close under the last writes: nothing to tell an operator.
			if (!this.#stopped)
				this.#o.log.warn('range rollups: recompute failed', { error: String(error) });
			return undefined;
		});
		this.#chain = next;
		return next;
	}

	async #unmarkStaleGoals(): Promise<void> {
		const { dashboard } = this.#o.deps;
		let stale = 0;
		for (const tenant of this.#o.tenants()) {
			const goals = await this.#o.goals(tenant.id);
			const seen = JSON.stringify([goals.defaultSeconds, ...[...goals.byQueue].sort()]);
			if (this.#goalsSeen.get(tenant.id) === seen) continue;
			this.#goalsSeen.set(tenant.id, seen);
			const days = await staleGoalDays(dashboard, tenant.id, goals);
			if (days.length === 0) continue;
			await unmarkDays(dashboard, tenant.id, days);
			stale += days.length;
		}
		if (stale > 0) {
			this.#o.log.info('range rollups: a goal changed, days to roll again', { days: stale });
			this.#startBackfill();
		}
	}

	/** Runs the backfill, or once more after the one running (which may have listed its days). */
	#startBackfill(): void {
		if (this.#backfill) {
			this.#backfillAgain = true;
			return;
		}
		this.#backfill = this.#backfillDays()
			.catch((error: unknown) => {
				this.#o.log.warn('range rollups: backfill stopped', { error: String(error) });
			})
			.finally(() => {
				this.#backfill = null;
				if (!this.#backfillAgain || this.#stopped) return;
				this.#backfillAgain = false;
				this.#startBackfill();
			});
	}

	/** Every local day with rows and no rollup yet, newest first, from the history pool. */
	async #backfillDays(): Promise<void> {
		const started = Date.now();
		let days = 0;
		for (const tenant of this.#o.tenants()) {
			days += await backfillTenant(tenant, {
				deps: this.#o.deps,
				goals: () => this.#o.goals(tenant.id),
				serial: (work) => this.#serial(work),
				going: () => !this.#stopped && this.#o.maintains(),
				pauseMs: this.#o.backfillPauseMs ?? 20
			});
			if (this.#stopped || !this.#o.maintains()) return;
		}
		const seconds = (Date.now() - started) / 1000;
		this.#o.log.info('range rollups: up to date', { days, seconds });
	}
}

function mapOf<K, V>(maps: Map<number, Map<K, V>>, key: number): Map<K, V> {
	let map = maps.get(key);
	if (!map) maps.set(key, (map = new Map()));
	return map;
}

/** Sorted slots as spans [from, to) of consecutive slots. */
function runs(slots: number[]): [number, number][] {
	const spans: [number, number][] = [];
	for (const slot of slots.sort((a, b) => a - b)) {
		const last = spans[spans.length - 1];
		if (last && last[1] === slot) last[1] = slot + 15 * 60_000;
		else spans.push([slot, slot + 15 * 60_000]);
	}
	return spans;
}
