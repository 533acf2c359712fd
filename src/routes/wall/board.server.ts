import type { App } from '$lib/server/app';
import { visibleQueues, type Viewer } from '$lib/server/scope';
import { requestScope } from '$lib/server/scope/http';
import { withThresholds } from '$lib/server/thresholds';
import type { Board } from '$lib/wall/board';
import { parseBoardOptions } from '$lib/wall/board-options';

/**
 * What a wall shows, for the page and for its periodic refresh: the tenant, the queues in the
 * viewer's scope narrowed by the board's address (`?queues=`; a queue outside the scope is
 * refused, never silently widened to the whole scope) and their thresholds.
 */
export async function loadBoard(app: App, viewer: Viewer | null, url: URL): Promise<Board> {
	const options = parseBoardOptions(url.searchParams);
	const { scope, tenant } = requestScope(app, viewer, url, {
		queueIds: options.queueIds ?? undefined,
		defaultTenant: true
	});
	const shown = visibleQueues(scope, app.lookups);
	return {
		tenant,
		queues: await withThresholds(app.dashboardPool, tenant.id, shown),
		narrowedTo: options.queueIds && options.queueIds.length > 0 ? shown.map((q) => q.id) : null,
		options
	};
}
