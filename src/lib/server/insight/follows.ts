import type { ViewFilters } from '$lib/filters';
import { CHANNEL_LABELS, STATUS_LABELS } from '$lib/format';
import type { Lookups } from '../lookups';
import { visibleDispositions, visibleQueues, type Scope } from '../scope';

/**
 * The grid's filters a picture follows, as the words a screen shows ("Figures for: Queue
 * Sales, Voice"). Names come from what the scope may see, as on the filter bar.
 */
export function followedFilters(filters: ViewFilters, scope: Scope, lookups: Lookups): string[] {
	const follows: string[] = [];
	if (filters.queueId !== null) {
		const queue = visibleQueues(scope, lookups).find((q) => q.id === filters.queueId);
		follows.push(`Queue ${queue?.name ?? filters.queueId}`);
	}
	if (filters.channel) follows.push(CHANNEL_LABELS[filters.channel]);
	if (filters.agent) follows.push(`Agent contains “${filters.agent}”`);
	if (filters.did) follows.push(`DID contains “${filters.did}”`);
	if (filters.disposition) {
		const disposition = visibleDispositions(scope, lookups).find(
			(d) => d.code === filters.disposition
		);
		follows.push(`Disposition ${disposition?.label ?? filters.disposition}`);
	}
	if (filters.status) follows.push(`Status ${STATUS_LABELS[filters.status]}`);
	return follows;
}
