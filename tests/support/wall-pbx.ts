import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { Stack } from './stack';

export const sqlTime = (ms: number) =>
	new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export interface Contact {
	queue: number;
	createdMs: number;
	answeredMs?: number | null;
	acwMs?: number | null;
	closedMs?: number | null;
}

/** Writes PBX rows with exact timestamps, in multi-row statements, as the PBX's tables hold them. */
export class Pbx {
	#nextId = 1;

	constructor(
		private readonly stack: Stack,
		private readonly tenant: DemoTenant
	) {}

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
		const ids = this.nextIds(contacts.length);
		const common = (c: Contact, i: number) => {
			const contact = this.tenant.contacts[ids[i] % this.tenant.contacts.length];
			return [
				ids[i],
				`u-${ids[i]}`,
				this.tenant.id,
				c.queue,
				(['voice', 'chat', 'sms', 'whatsapp'] as const)[ids[i] % 4],
				c.answeredMs ? this.tenant.agents[ids[i] % this.tenant.agents.length].id : null,
				ids[i] % 3 === 0 ? null : contact.id,
				contact.phone,
				this.tenant.queues[0].did,
				sqlTime(c.createdMs),
				c.answeredMs ? sqlTime(c.answeredMs) : null,
				c.acwMs ? sqlTime(c.acwMs) : null
			];
		};
		const open = contacts.flatMap((c, i) => (c.closedMs ? [] : [{ c, i }]));
		const closed = contacts.flatMap((c, i) => (c.closedMs ? [{ c, i }] : []));
		if (open.length > 0) {
			await this.stack.pbx(
				`INSERT INTO active_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
				   crm_contact_id, phone_number, did, created_at, answered_at, acw_started_at, status) VALUES ?`,
				[
					open.map(({ c, i }) => [
						...common(c, i),
						c.acwMs ? 'acw' : c.answeredMs ? 'active' : 'new'
					])
				]
			);
		}
		if (closed.length > 0) {
			const seconds = (from: number, to: number) => Math.max(0, Math.floor((to - from) / 1000));
			await this.stack.pbx(
				`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
				   crm_contact_id, phone_number, did, created_at, answered_at, acw_started_at, closed_at,
				   wait_seconds, talk_seconds, acw_seconds) VALUES ?`,
				[
					closed.map(({ c, i }) => {
						const end = c.closedMs ?? 0;
						const acw = c.acwMs ?? end;
						return [
							...common(c, i),
							sqlTime(end),
							seconds(c.createdMs, c.answeredMs ?? end),
							c.answeredMs ? seconds(c.answeredMs, acw) : 0,
							c.answeredMs ? seconds(acw, end) : 0
						];
					})
				]
			);
		}
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
