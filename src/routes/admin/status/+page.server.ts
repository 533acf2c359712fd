import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/**
 * Every node's status for platform admins: binlog position and lag, tailer state, sockets, last
 * error, uptime. The page reloads this every few seconds; each node samples its own every second.
 * Anyone else gets 404, like a page that does not exist.
 */
export const load: PageServerLoad = async ({ locals, depends }) => {
	const viewer = locals.viewer;
	if (viewer?.kind !== 'user' || viewer.role !== 'platform_admin') error(404, 'Not found');
	depends('app:node-status');
	const { monitor, config } = locals;
	return {
		nodes: await monitor.nodes(),
		shared: monitor.shared,
		here: config.nodeId,
		now: Date.now()
	};
};
