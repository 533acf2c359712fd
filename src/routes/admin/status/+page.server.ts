import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/**
 * Every node's status for platform admins: binlog position and lag, tailer state, sockets, last
 * error, uptime. The page reloads this every few seconds; each node samples its own every second.
 *
 * Other accounts get a 403 that says why and where to look instead (+error.svelte), not a bare
 * 404: the page is in the README, not a secret. It is not narrowed to a tenant for them: every
 * figure is the servers' own, shared by all tenants (sockets and errors would tell of other
 * tenants' load), and "is my screen live" is answered on the screens themselves.
 */
export const load: PageServerLoad = async ({ locals, depends }) => {
	const viewer = locals.viewer;
	if (viewer?.kind !== 'user') error(404, 'Not found');
	if (viewer.role !== 'platform_admin') {
		error(
			403,
			'The Status page shows the servers that every tenant shares (binlog, lag, sockets, errors), ' +
				'so it is for platform admins only.'
		);
	}
	depends('app:node-status');
	const { monitor, config } = locals;
	return {
		nodes: await monitor.nodes(),
		shared: monitor.shared,
		here: config.nodeId,
		now: Date.now()
	};
};
