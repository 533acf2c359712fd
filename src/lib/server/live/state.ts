import type { Interaction, InteractionChange, TenantInfo } from '$lib/interaction';
import { applyChange, dropBeforeToday } from '$lib/live/apply';
import { startOfNextZonedDay, startOfZonedDay } from '$lib/time/zone';
import type { LiveRowsView } from './commits';

/**
 * The live state of every tenant: interactions in progress plus those created today (in the
 * tenant's time zone) that closed. Fed only by the change log, so it is always exactly the log
 * up to the log's head (the log keeps the one sequence counter); rows of a past day are dropped
 * when the tenant's midnight passes.
 */

interface TenantState {
	rows: Map<string, Interaction>;
	todayStartMs: number;
	nextDayStartMs: number;
}

export class LiveState implements LiveRowsView {
	#tenants = new Map<number, TenantState>();

	constructor(
		private readonly tenantInfo: (tenantId: number) => TenantInfo | undefined,
		private readonly now: () => number = Date.now
	) {}

	reset(rows: Iterable<Interaction>): void {
		this.#tenants.clear();
		for (const row of rows) this.#tenant(row.tenantId).rows.set(row.id, row);
	}

	apply(changes: InteractionChange[]): void {
		for (const change of changes) {
			const tenant = this.#tenant(change.tenantId);
			applyChange(tenant.rows, change, tenant.todayStartMs);
		}
	}

	get(tenantId: number, id: string): Interaction | undefined {
		return this.#tenant(tenantId).rows.get(id);
	}

	/** Looks an interaction up when its tenant is not known (e.g. from a transcription row). */
	find(id: string): Interaction | undefined {
		for (const tenant of this.#tenants.values()) {
			const row = tenant.rows.get(id);
			if (row) return row;
		}
		return undefined;
	}

	rows(tenantId: number, include: (row: Interaction) => boolean = () => true): Interaction[] {
		const result: Interaction[] = [];
		for (const row of this.#tenant(tenantId).rows.values()) if (include(row)) result.push(row);
		return result;
	}

	/** How many of the tenant's rows `include` admits. */
	count(tenantId: number, include: (row: Interaction) => boolean): number {
		let count = 0;
		for (const row of this.#tenant(tenantId).rows.values()) if (include(row)) count++;
		return count;
	}

	/** Every row of every tenant, for re-resolving names after a lookup table changed. */
	*allRows(): Iterable<Interaction> {
		for (const tenant of this.#tenants.values()) yield* tenant.rows.values();
	}

	todayStartMs(tenantId: number): number {
		return this.#tenant(tenantId).todayStartMs;
	}

	get size(): number {
		let total = 0;
		for (const tenant of this.#tenants.values()) total += tenant.rows.size;
		return total;
	}

	#tenant(tenantId: number): TenantState {
		let tenant = this.#tenants.get(tenantId);
		const now = this.now();
		if (!tenant) {
			tenant = { rows: new Map(), todayStartMs: 0, nextDayStartMs: 0 };
			this.#tenants.set(tenantId, tenant);
		}
		// Checked on every access instead of timers: cheap, and exact after a suspend or clock jump.
		if (now >= tenant.nextDayStartMs || now < tenant.todayStartMs) {
			const timezone = this.tenantInfo(tenantId)?.timezone ?? 'UTC';
			tenant.todayStartMs = startOfZonedDay(now, timezone);
			tenant.nextDayStartMs = startOfNextZonedDay(now, timezone);
			dropBeforeToday(tenant.rows, tenant.todayStartMs);
		}
		return tenant;
	}
}
