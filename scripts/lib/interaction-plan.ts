import type { Rng } from './random';
import type {
	DemoAgent,
	DemoContact,
	DemoDisposition,
	DemoLookups,
	DemoQueue,
	DemoTenant
} from './demo-data';
import { conversation, topicForQueue, type Line } from './conversation';
import { e164, localeForZone } from './demo-catalog';

/**
 * What one interaction will be, decided up front: who, where, which channel, how long each phase
 * lasts in realistic seconds, and what is said. The simulator plays a plan out in (compressed)
 * real time; the history generator writes it straight to closed_interactions.
 */

export type Channel = 'voice' | 'chat' | 'sms' | 'whatsapp';
export type Direction = 'inbound' | 'outbound';

export interface InteractionPlan {
	tenant: DemoTenant;
	queue: DemoQueue | null;
	channel: Channel;
	direction: Direction;
	contact: DemoContact | null;
	phoneNumber: string | null;
	did: string | null;
	/** Null when abandoned: nobody took it. */
	agent: DemoAgent | null;
	abandoned: boolean;
	disposition: DemoDisposition | null;
	waitSeconds: number;
	talkSeconds: number;
	acwSeconds: number;
	/** The conversation (text channels: message_body; voice: transcription). */
	lines: Line[];
	/** Voice only: whether the PBX kept a recording (a few calls have none). */
	recorded: boolean;
}

/** Interaction ids at or above this belong to the simulator; history uses ids below it. */
export const SIMULATOR_ID_FLOOR = 1e15;

const channelWeights: Record<Channel, number> = { voice: 55, chat: 20, whatsapp: 15, sms: 10 };
const outboundShare: Record<Channel, number> = { voice: 0.12, chat: 0, whatsapp: 0.03, sms: 0.08 };

/** Picks agents for the plan; the simulator passes one that prefers idle agents. */
export type AgentPicker = (tenant: DemoTenant, rng: Rng) => DemoAgent;

const randomAgent: AgentPicker = (tenant, rng) => rng.pick(tenant.agents);

export function pickTenant(rng: Rng, lookups: DemoLookups): DemoTenant {
	// Bigger teams take more traffic, which is what a supervisor would expect to see.
	const usable = lookups.tenants.filter((t) => t.agents.length > 0);
	if (usable.length === 0) throw new Error('no tenant with agents to simulate');
	const total = usable.reduce((sum, t) => sum + t.agents.length, 0);
	let roll = rng.next() * total;
	for (const tenant of usable) if ((roll -= tenant.agents.length) < 0) return tenant;
	return usable[usable.length - 1];
}

export function planInteraction(
	rng: Rng,
	tenant: DemoTenant,
	pickAgent: AgentPicker = randomAgent
): InteractionPlan {
	// Earlier queues are the main lines: weight 1, 1/2, 1/3… keeps the queue filter interesting.
	const queue = tenant.queues.length > 0 ? weightedByRank(rng, tenant.queues) : null;
	const channel = rng.weighted(channelWeights);
	const direction: Direction = rng.chance(outboundShare[channel]) ? 'outbound' : 'inbound';
	const withPhone = reachableContacts(tenant);
	const known = withPhone.length > 0 && rng.chance(direction === 'outbound' ? 0.9 : 0.7);
	const contact = known ? rng.pick(withPhone) : null;
	const locale = localeForZone(tenant.timezone);
	const phoneNumber = contact?.phone ?? e164(locale, locale.phone(rng));
	const abandoned = direction === 'inbound' && rng.chance(0.08);
	const agent = abandoned ? null : pickAgent(tenant, rng);
	const voice = channel === 'voice';
	const lines = conversation(rng, {
		company: tenant.name,
		agentFirstName: agent?.name.split(' ')[0] ?? 'Sam',
		queueName: queue?.name ?? null,
		voice
	});
	return {
		tenant,
		queue,
		channel,
		direction,
		contact,
		phoneNumber,
		did: queue?.did ?? null,
		agent,
		abandoned,
		disposition: pickDisposition(rng, tenant, queue, direction, abandoned),
		waitSeconds: abandoned ? rng.duration(25, 3, 180) : rng.duration(12, 1, 150),
		talkSeconds: abandoned ? 0 : voice ? rng.duration(55, 20, 120) : rng.duration(80, 25, 180),
		acwSeconds: abandoned ? 0 : rng.duration(14, 3, 60),
		// Abandoned text sessions hold only the customer's opening message.
		lines: abandoned ? (voice ? [] : lines.slice(0, 1)) : lines,
		recorded: voice && !abandoned && rng.chance(0.95)
	};
}

const reachable = new WeakMap<DemoTenant, DemoContact[]>();

/** Contacts with a phone number, computed once per tenant: history plans millions of rows. */
function reachableContacts(tenant: DemoTenant): DemoContact[] {
	let contacts = reachable.get(tenant);
	if (!contacts) {
		contacts = tenant.contacts.filter((c) => c.phone !== null);
		reachable.set(tenant, contacts);
	}
	return contacts;
}

function weightedByRank<T>(rng: Rng, items: readonly T[]): T {
	const total = items.reduce((sum, _, i) => sum + 1 / (i + 1), 0);
	let roll = rng.next() * total;
	for (let i = 0; i < items.length; i++) if ((roll -= 1 / (i + 1)) < 0) return items[i];
	return items[items.length - 1];
}

/** How often each code ends an answered interaction; topic-specific codes peak in their queue. */
function dispositionWeight(code: string, topic: string, direction: Direction): number {
	switch (code) {
		case 'RESOLVED':
			return 40;
		case 'INFO_GIVEN':
			return 12;
		case 'CALLBACK':
			return 8;
		case 'ESCALATED':
			return 6;
		case 'SALE':
			return topic === 'sales' || topic === 'loans' ? 30 : 3;
		case 'APPOINTMENT_BOOKED':
			return topic === 'appointments' ? 30 : 4;
		case 'CUSTOMER_RETAINED':
			return topic === 'retention' ? 30 : 0;
		case 'TECHNICIAN_BOOKED':
			return topic === 'support' ? 12 : 0;
		case 'FRAUD_REPORTED':
			return topic === 'fraud' ? 30 : 1;
		case 'NO_ANSWER':
			return direction === 'outbound' ? 25 : 0;
		case 'WRONG_NUMBER':
			return 2;
		case 'ABANDONED':
			return 0;
		default:
			return 3;
	}
}

function pickDisposition(
	rng: Rng,
	tenant: DemoTenant,
	queue: DemoQueue | null,
	direction: Direction,
	abandoned: boolean
): DemoDisposition | null {
	if (abandoned) {
		// Some PBX setups tag abandons, others leave the disposition empty: show both.
		const tag = tenant.dispositions.find((d) => d.code === 'ABANDONED');
		return tag && rng.chance(0.5) ? tag : null;
	}
	const key = `${queue?.id ?? ''}|${direction}`;
	let table = dispositionTables.get(tenant)?.get(key);
	if (!table) {
		const topic = topicForQueue(queue?.name ?? null);
		table = {};
		for (const d of tenant.dispositions)
			table[String(d.id)] = dispositionWeight(d.code, topic, direction);
		const tables = dispositionTables.get(tenant) ?? new Map<string, Record<string, number>>();
		tables.set(key, table);
		dispositionTables.set(tenant, tables);
	}
	if (Object.values(table).every((w) => w === 0)) return null;
	const id = Number(rng.weighted(table));
	return tenant.dispositions.find((d) => d.id === id) ?? null;
}

/** Weight tables per tenant, queue and direction: built once, used for every row. */
const dispositionTables = new WeakMap<DemoTenant, Map<string, Record<string, number>>>();

/** A PBX-style call id: Asterisk's "epoch.sequence" for voice, a session handle for text. */
export function uniqueIdFor(channel: Channel, createdMs: number, sequence: number): string {
	if (channel === 'voice') return `${Math.floor(createdMs / 1000)}.${sequence % 100000}`;
	return `${channel}-${createdMs.toString(36)}-${(sequence % 46656).toString(36).padStart(3, '0')}`;
}

/** The relative path of a simulated recording: <tenant>/<yyyy>/<mm>/<dd>/<id>.wav (UTC date). */
export function recordingPath(tenantId: number, createdMs: number, id: number): string {
	const day = new Date(createdMs).toISOString().slice(0, 10).split('-');
	return `${tenantId}/${day[0]}/${day[1]}/${day[2]}/${id}.wav`;
}
