import type { ViewFilters } from '$lib/filters';
import { msToSqlTime } from '../db';
import type { Lookups } from '../lookups';
import { agentsMatching, scopeSql, visibleDispositions, type Scope } from '../scope';

/**
 * The WHERE clause of a history view over closed_interactions `c`: scope first (the one scope
 * function), then the filter bar with the same meaning as matchesFilters on live rows. Agent
 * and disposition names are resolved to ids from the lookup caches, so the SQL stays on the
 * (tenant_id, …, created_at) indexes.
 */
export function historyWhere(
	scope: Scope,
	filters: ViewFilters,
	range: { fromMs: number; toMs: number },
	lookups: Lookups
): { sql: string; params: unknown[] } {
	const params: unknown[] = [];
	const parts = [scopeSql(scope, 'c', params)];
	parts.push('c.created_at >= ? AND c.created_at < ?');
	params.push(msToSqlTime(range.fromMs), msToSqlTime(range.toMs));
	if (filters.queueId !== null) {
		parts.push('c.queue_id = ?');
		params.push(filters.queueId);
	}
	if (filters.channel) {
		parts.push('c.channel = ?');
		params.push(filters.channel);
	}
	if (filters.did) {
		parts.push('c.did LIKE ?');
		params.push(`%${escapeLike(filters.did)}%`);
	}
	if (filters.agent) {
		const ids = agentsMatching(scope, lookups, filters.agent).map((a) => a.id);
		parts.push(ids.length > 0 ? 'c.agent_id IN (?)' : '1 = 0');
		if (ids.length > 0) params.push(ids);
	}
	if (filters.disposition) {
		const ids = visibleDispositions(scope, lookups)
			.filter((d) => d.code === filters.disposition)
			.map((d) => d.id);
		parts.push(ids.length > 0 ? 'c.disposition_id IN (?)' : '1 = 0');
		if (ids.length > 0) params.push(ids);
	}
	// History reads closed_interactions only: every row there is Closed, none is anything else.
	if (filters.status && filters.status !== 'closed') parts.push('1 = 0');
	return { sql: parts.join(' AND '), params };
}

export function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
