import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { ActiveRow, ClosedRow } from '../../scripts/lib/pbx-sql';
import { PbxWriter } from '../../scripts/lib/pbx-writes';
import type { Stack } from './stack';

export interface Contact {
	queue: number;
	createdMs: number;
	answeredMs?: number | null;
	acwMs?: number | null;
	closedMs?: number | null;
}

const CHANNELS = ['voice', 'chat', 'sms', 'whatsapp'] as const;

/** Writes PBX rows with exact timestamps, in multi-row statements, as the PBX's tables hold them. */
export class Pbx extends PbxWriter {
	#nextId = 1;

	constructor(
		private readonly stack: Stack,
		private readonly tenant: DemoTenant
	) {
		super(stack.admin, stack.pbxDb);
	}

	nextIds(count: number): number[] {
		const first = this.#nextId;
		this.#nextId += count;
		return Array.from({ length: count }, (_, i) => first + i);
	}

	async clear(): Promise<void> {
		await this.stack.pbx('DELETE FROM active_interactions');
		await this.stack.pbx('DELETE FROM closed_interactions');
	}

	/** Inserts contacts in progress (status from the timestamps given) or closed. */
	async write(contacts: Contact[]): Promise<void> {
		const { tenant } = this;
		const open: ActiveRow[] = [];
		const closed: ClosedRow[] = [];
		for (const [i, id] of this.nextIds(contacts.length).entries()) {
			const c = contacts[i];
			const contact = tenant.contacts[id % tenant.contacts.length];
			const row: ActiveRow = {
				id,
				uniqueid: `u-${id}`,
				tenantId: tenant.id,
				queueId: c.queue,
				channel: CHANNELS[id % 4],
				agentId: c.answeredMs ? tenant.agents[id % tenant.agents.length].id : null,
				crmContactId: id % 3 === 0 ? null : contact.id,
				phoneNumber: contact.phone,
				did: tenant.queues[0].did,
				createdMs: c.createdMs,
				answeredMs: c.answeredMs || null,
				acwMs: c.acwMs || null
			};
			if (c.closedMs) closed.push({ ...row, closedMs: c.closedMs });
			else open.push(row);
		}
		if (open.length > 0) await this.insertActive(open);
		if (closed.length > 0) await this.insertClosed(closed);
	}
}

/** A day so far in every queue: closed and abandoned contacts, and some in progress. */
export function morningTraffic(tenant: DemoTenant, nowMs: number, dayStartMs: number): Contact[] {
	const elapsed = nowMs - dayStartMs;
	const contacts: Contact[] = [];
	tenant.queues.forEach((queue, q) => {
		for (let i = 0; i < 40; i++) {
			const createdMs = dayStartMs + Math.floor((elapsed * (i + 0.5)) / 41) - 600_000;
			if (createdMs < dayStartMs) continue;
			const abandon = (i + q) % 6 === 0;
			const answeredMs = abandon ? null : createdMs + ((i * 7 + q * 11) % 50) * 1000;
			const acwMs = answeredMs ? answeredMs + (120 + ((i * 37) % 400)) * 1000 : null;
			const closedMs = (acwMs ?? createdMs + 45_000) + 40_000;
			contacts.push({ queue: queue.id, createdMs, answeredMs, acwMs, closedMs });
		}
		const ago = (s: number) => nowMs - s * 1000;
		contacts.push(
			{ queue: queue.id, createdMs: ago(8 + q) },
			{ queue: queue.id, createdMs: ago(75 + q * 3) },
			{ queue: queue.id, createdMs: ago(200), answeredMs: ago(180) },
			{ queue: queue.id, createdMs: ago(700), answeredMs: ago(690) },
			{ queue: queue.id, createdMs: ago(400), answeredMs: ago(380), acwMs: ago(30 + q * 20) }
		);
		if (q === 1) contacts.push({ queue: queue.id, createdMs: ago(140) });
	});
	return contacts;
}
