import type { RowDataPacket } from 'mysql2/promise';
import type { AlertRuleInput } from '../../src/lib/alerts/rules';
import { AlertRuleStore } from '../../src/lib/server/alerts/rules-store';
import { loadConfig } from '../../src/lib/server/config';
import { createPool } from '../../src/lib/server/db';

/**
 * Alert rules for the screens' browser tests and bench, saved by the product's own rule store
 * (the evaluator reads the rules again within seconds, as it does after an edit on another node).
 */

/** A rule that fires as soon as one contact has waited a second in `queueId`. */
export function waitingRule(queueId: number, patch: Partial<AlertRuleInput> = {}): AlertRuleInput {
	return {
		queueId,
		metric: 'waiting-count',
		level: 'critical',
		threshold: 0,
		minDurationSeconds: 1,
		clearThreshold: 0,
		clearDurationSeconds: 0,
		channels: ['screens', 'walls'],
		enabled: true,
		...patch
	};
}

export class TestRules {
	readonly #pool: ReturnType<typeof createPool>;
	readonly #store: AlertRuleStore;
	readonly #created: { tenantId: number; id: number }[] = [];

	constructor(env: Record<string, string | undefined>) {
		this.#pool = createPool(loadConfig(env).dashboard, 2);
		this.#store = new AlertRuleStore(this.#pool);
	}

	async create(tenantId: number, rule: AlertRuleInput): Promise<number> {
		const id = await this.#store.create(tenantId, rule, 0);
		this.#created.push({ tenantId, id });
		return id;
	}

	/** The alerts a rule raised, as stored (the evaluator's rows, read, never written). */
	async alerts(ruleId: number): Promise<{ id: number; cleared: boolean; acknowledged: boolean }[]> {
		const [rows] = await this.#pool.query<RowDataPacket[]>(
			'SELECT id, cleared_at, acknowledged_at FROM alerts WHERE rule_id = ? ORDER BY id',
			[ruleId]
		);
		return rows.map((row) => ({
			id: Number(row.id),
			cleared: row.cleared_at !== null,
			acknowledged: row.acknowledged_at !== null
		}));
	}

	/** Deletes the rules made here, so nothing fires in another test. */
	async end(): Promise<void> {
		for (const { tenantId, id } of this.#created) await this.#store.remove(tenantId, id);
		await this.#pool.end();
	}
}
