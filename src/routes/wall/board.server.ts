import type { Pool } from 'mysql2/promise';
import type { WallTokens } from '$lib/server/auth/wall';
import { visibleQueues, type Viewer } from '$lib/server/scope';
import { requestScope, type ScopeDeps } from '$lib/server/scope/http';
import { withThresholds } from '$lib/server/thresholds';
import type { Board } from '$lib/wall/board';
import { boardOptionProblems, parseBoardOptions } from '$lib/wall/board-options';
import { error } from '@sveltejs/kit';

/**
 * What a wall shows, for the page and for its periodic refresh: the tenant, the queues in the
 * viewer's scope narrowed by the board's address (`?queues=`; a queue outside the scope is
 * refused, never silently widened to the whole scope) and their thresholds. A malformed
 * setting in the address is refused with what is wrong with it (400).
 */
export async function loadBoard(
	deps: ScopeDeps & { dashboardPool: Pool; auth: { wallTokens: Pick<WallTokens, 'chime'> } },
	viewer: Viewer | null,
	url: URL
): Promise<Board> {
	const options = parseBoardOptions(url.searchParams);
	const { scope, tenant } = requestScope(deps, viewer, url, {
		queueIds: options.queueIds ?? undefined,
		defaultTenant: true
	});
	// After the scope check: who may not see the board learns nothing from its address.
	const problems = boardOptionProblems(url.searchParams);
	if (problems.length > 0) error(400, `This board's address is not valid: ${problems.join('; ')}.`);
	const shown = visibleQueues(scope, deps.lookups);
	return {
		tenant,
		queues: await withThresholds(deps.dashboardPool, tenant.id, shown),
		narrowedTo: options.queueIds && options.queueIds.length > 0 ? shown.map((q) => q.id) : null,
		options,
		// A display's token decides; a signed-in person has the interactions page's own sound.
		chime: viewer?.kind === 'wall' ? await deps.auth.wallTokens.chime(viewer.tokenId) : false
	};
}
