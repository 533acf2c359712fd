import type { TenantInfo } from '$lib/interaction';
import type { App } from '$lib/server/app';
import { canSeeQueue, type Viewer } from '$lib/server/scope';
import { QueueThresholdStore } from '$lib/server/thresholds';
import { requestScope, tenantChoices } from '$lib/server/viewer';
import { parseBoardOptions, type BoardOptions } from '$lib/wall/board-options';
import type { QueueThresholds } from '$lib/wall/thresholds';

export interface BoardQueue {
	id: number;
	name: string;
	thresholds: QueueThresholds;
}

export interface Board {
	tenant: TenantInfo;
	queues: BoardQueue[];
	/** Set when the board shows a subset of the viewer's queues (`?queues=`). */
	narrowedTo: number[] | null;
	options: BoardOptions;
}

/**
 * What a wall shows, for the page and for its periodic refresh: the tenant, the queues in the
 * viewer's scope (narrowed by the board's address, never widened) and their thresholds.
 */
export async function loadBoard(app: App, viewer: Viewer | null, url: URL): Promise<Board> {
	let tenantParam = url.searchParams.get('tenant');
	if (viewer?.kind === 'user' && viewer.role === 'platform_admin' && !tenantParam) {
		const first = tenantChoices(app, viewer)[0];
		tenantParam = first ? String(first.id) : null;
	}
	const { scope, tenant } = requestScope(app, viewer, tenantParam, url.pathname);
	const options = parseBoardOptions(url.searchParams);
	const inScope = [...app.live.lookups.queues.values()]
		.filter((q) => q.tenantId === scope.tenantId && canSeeQueue(scope, q.id))
		.sort((a, b) => a.name.localeCompare(b.name));
	const wanted = options.queueIds ? new Set(options.queueIds) : null;
	const chosen = wanted ? inScope.filter((q) => wanted.has(q.id)) : [];
	// A subset naming no queue of this scope (a typo, a deleted queue) shows the whole scope.
	const shown = chosen.length > 0 ? chosen : inScope;
	const stored = await new QueueThresholdStore(app.dashboardPool).list(
		tenant.id,
		shown.map((q) => q.id)
	);
	return {
		tenant,
		queues: shown.map((q, i) => ({ id: q.id, name: q.name, thresholds: stored[i].thresholds })),
		narrowedTo: chosen.length > 0 ? chosen.map((q) => q.id) : null,
		options
	};
}
