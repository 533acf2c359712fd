import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { Pbx } from './wall-pbx';

/**
 * A busy day in fast-forward: every step inserts a batch of new contacts, answers the previous
 * batch (4 in 5; the fifth is abandoned), puts the one before into ACW and closes the one before
 * that, each as one multi-row statement (the close: insert into closed + delete from active in
 * one transaction, as the PBX does). Timestamps follow the server's clock, which the test moves
 * through the day; each contact's phases last a few seconds to minutes, set by its id.
 */
export class DayOfTraffic {
	changes = 0;
	#batches: number[][] = [];
	readonly #createdMs = new Map<number, number>();

	constructor(
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
		const { sql } = this.pbx;
		if (close) {
			const closings = close.map((id) => ({ id, atMs: this.#closedMs(id) }));
			this.changes += await this.pbx.run(sql.close(closings));
		}
		if (acw) {
			const moments = acw.filter(answered).map((id) => ({ id, atMs: this.#acwMs(id) }));
			this.changes += await this.pbx.run(sql.startAcw(moments));
		}
		if (answer) {
			const agents = this.tenant.agents;
			const answers = answer.filter(answered).map((id) => ({
				id,
				agentId: agents[id % agents.length].id,
				atMs: this.#answeredMs(id)
			}));
			this.changes += await this.pbx.run(sql.answer(answers));
		}
		if (step <= lastInsert) this.changes += await this.#insert(step, nowMs);
	}

	#insert(step: number, nowMs: number): Promise<number> {
		const ids = this.pbx.nextIds(this.batchSize);
		this.#batches[step] = ids;
		const { queues, contacts } = this.tenant;
		const rows = ids.map((id) => {
			const createdMs = nowMs - (id % 100) * 1000;
			this.#createdMs.set(id, createdMs);
			return {
				id,
				uniqueid: `u-${id}`,
				tenantId: this.tenant.id,
				// Not `id % queues`: abandonment is `id % 5`, and it must not pick a queue.
				queueId: queues[Math.floor(id / 7) % queues.length].id,
				channel: (['voice', 'chat', 'sms', 'whatsapp'] as const)[id % 4],
				crmContactId: contacts[id % contacts.length].id,
				phoneNumber: contacts[id % contacts.length].phone,
				did: queues[0].did,
				createdMs
			};
		});
		return this.pbx.run(this.pbx.sql.insertActive(rows));
	}

	#answeredMs(id: number): number {
		return (this.#createdMs.get(id) ?? 0) + (id % 90) * 1000;
	}

	#acwMs(id: number): number {
		return this.#answeredMs(id) + (60 + ((id * 7) % 540)) * 1000;
	}

	#closedMs(id: number): number {
		if (!answered(id)) return (this.#createdMs.get(id) ?? 0) + (20 + (id % 100)) * 1000;
		return this.#acwMs(id) + (30 + (id % 90)) * 1000;
	}
}

/** Four contacts in five are answered; the fifth is abandoned. */
function answered(id: number): boolean {
	return id % 5 !== 0;
}
