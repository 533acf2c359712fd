import type { Pool } from 'mysql2/promise';
import type { AgentInfo, ContactInfo, DispositionInfo, Lookups, QueueInfo } from '../lookups';
import { canSeeQueue, type Scope } from './rules';

/**
 * The names a scope may list: filter options, window titles, the wall's queues. Anything of
 * another tenant, or outside a supervisor's queues, is simply not there.
 */

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

export function visibleQueues(scope: Scope, directory: Pick<Lookups, 'queues'>): QueueInfo[] {
	return [...directory.queues.values()]
		.filter((queue) => queue.tenantId === scope.tenantId && canSeeQueue(scope, queue.id))
		.sort(byName);
}

/** Dispositions are per tenant, not per queue. */
export function visibleDispositions(
	scope: Scope,
	directory: Pick<Lookups, 'dispositions'>
): DispositionInfo[] {
	return [...directory.dispositions.values()]
		.filter((disposition) => disposition.tenantId === scope.tenantId)
		.sort((a, b) => a.code.localeCompare(b.code));
}

export function agentInScope(
	scope: Scope,
	directory: Pick<Lookups, 'agents'>,
	agentId: number
): AgentInfo | null {
	const agent = directory.agents.get(agentId);
	return agent && agent.tenantId === scope.tenantId ? agent : null;
}

/** Agents of the scope's tenant whose name contains `needle` (the Agent filter). */
export function agentsMatching(
	scope: Scope,
	directory: Pick<Lookups, 'agents'>,
	needle: string
): AgentInfo[] {
	const lower = needle.toLowerCase();
	return [...directory.agents.values()].filter(
		(agent) => agent.tenantId === scope.tenantId && agent.name.toLowerCase().includes(lower)
	);
}

/** CRM contacts are cached only once seen, so this may read the PBX. */
export async function contactInScope(
	scope: Scope,
	directory: Lookups,
	pbxPool: Pool,
	contactId: string
): Promise<ContactInfo | null> {
	await directory.loadContacts(pbxPool, directory.missingContacts([contactId]));
	const contact = directory.contacts.get(contactId);
	return contact && contact.tenantId === scope.tenantId ? contact : null;
}
