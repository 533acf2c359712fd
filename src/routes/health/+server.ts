import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import type { RequestHandler } from './$types';

/**
 * Liveness for load balancers and the demo script: says whether this node's live view is
 * current, and if not, why (binlog stream down; with several nodes, the shared log unreachable).
 */
export const GET: RequestHandler = async () => {
	const app = await getApp();
	const { live, cluster } = app;
	const binlog = live.tailing ? live.supervisor.status : 'not tailing';
	if (cluster) {
		const current = cluster.isCurrent();
		return json(
			{
				ok: current && (cluster.role !== 'leader' || binlog === 'streaming'),
				role: cluster.role,
				binlog,
				reason: current ? undefined : 'the shared change log (Redis) is not reachable',
				seq: live.position().seq
			},
			{ status: current ? 200 : 503 }
		);
	}
	return json(
		{ ok: binlog === 'streaming', binlog, seq: live.position().seq },
		{ status: binlog === 'stopped' ? 503 : 200 }
	);
};
