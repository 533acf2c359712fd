import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { PersonKey, PersonParam } from '$lib/history/person';
import { escapeId, timeLimited } from '../db';
import type { AgentInfo, ContactInfo, DispositionInfo, Lookups, QueueInfo } from '../lookups';
import { canSeeQueue, scopeSql, type Scope } from './rules';

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

/**
 * Whether a person's name may be shown to this scope: what the scope already shows on a row.
 * A whole-tenant scope sees every agent and contact of its tenant; a supervisor only those with
 * at least one interaction (in progress or closed) in its queues. Anything else reads exactly
 * like an id that does not exist, so walking ids collects no names.
 */
export interface PersonDeps {
	lookups: Lookups;
	/** CRM contacts not cached yet are read from the PBX. */
	pbxPool: Pool;
	/** The history database (see HistoryDeps): scope/ sits below history/ and names no type of it. */
	history: { pool: Pool; database: string; timeoutSeconds: number };
}

const PERSON_COLUMN = {
	agent: 'c.agent_id = ?',
	// CAST: MariaDB compares a BIGINT column with a string as doubles (ids above 2^53 would match
	// their neighbours).
	contact: 'c.crm_contact_id = CAST(? AS UNSIGNED)',
	phone: 'c.phone_number = ?'
} as const;

/**
 * One indexed EXISTS per table: stops at the first interaction of that person in the scope
 * (the reporting indexes lead with tenant_id and the person's column).
 */
async function seenInScope(
	deps: PersonDeps,
	scope: Scope,
	param: PersonParam,
	value: string | number
): Promise<boolean> {
	const db = escapeId(deps.history.database);
	const params: unknown[] = [];
	const exists = (table: string) => {
		const where = scopeSql(scope, 'c', params);
		params.push(value);
		return `EXISTS (SELECT 1 FROM ${db}.${table} c WHERE ${where} AND ${PERSON_COLUMN[param]})`;
	};
	const sql = `SELECT ${exists('active_interactions')} OR ${exists('closed_interactions')} AS seen`;
	const [[row]] = await deps.history.pool.query<RowDataPacket[]>(
		timeLimited(sql, deps.history.timeoutSeconds),
		params
	);
	return Number(row.seen) === 1;
}

export async function agentInScope(
	scope: Scope,
	deps: PersonDeps,
	agentId: number
): Promise<AgentInfo | null> {
	const agent = deps.lookups.agents.get(agentId);
	if (!agent || agent.tenantId !== scope.tenantId) return null;
	if (scope.queues !== 'all' && !(await seenInScope(deps, scope, 'agent', agentId))) return null;
	return agent;
}

/** CRM contacts are cached only once seen, so this may read the PBX. */
export async function contactInScope(
	scope: Scope,
	deps: PersonDeps,
	contactId: string
): Promise<ContactInfo | null> {
	const { lookups } = deps;
	await lookups.loadContacts(deps.pbxPool, lookups.missingContacts([contactId]));
	const contact = lookups.contacts.get(contactId);
	if (!contact || contact.tenantId !== scope.tenantId) return null;
	if (scope.queues !== 'all' && !(await seenInScope(deps, scope, 'contact', contactId))) {
		return null;
	}
	return contact;
}

/**
 * A caller number belongs to no directory: it is in scope when the scope has an interaction
 * with it, for every kind of viewer.
 */
export function phoneInScope(scope: Scope, deps: PersonDeps, phone: string): Promise<boolean> {
	return seenInScope(deps, scope, 'phone', phone);
}

/** Whose history a window or `/api/history` is about, by the name the scope may show; or null. */
export async function personInScope(
	scope: Scope,
	deps: PersonDeps,
	key: PersonKey
): Promise<{ kind: 'agent' | 'client'; name: string } | null> {
	switch (key.param) {
		case 'agent': {
			const agent = await agentInScope(scope, deps, Number(key.value));
			return agent && { kind: 'agent', name: agent.name };
		}
		case 'contact': {
			const contact = await contactInScope(scope, deps, key.value);
			return contact && { kind: 'client', name: contact.name };
		}
		case 'phone':
			return (await phoneInScope(scope, deps, key.value))
				? { kind: 'client', name: key.value }
				: null;
	}
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
