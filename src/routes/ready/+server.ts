import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/**
 * Readiness for a load balancer: 200 when this node's screens are current, 503 while it loads a
 * snapshot, cannot follow the shared log, or its binlog stream has been down past
 * READY_STREAM_DOWN_MS. The reason is a fixed phrase; no position, count or figure.
 */
export const GET: RequestHandler = ({ locals }) => {
	const readiness = locals.monitor.readiness();
	return json(readiness, {
		status: readiness.ready ? 200 : 503,
		headers: { 'cache-control': 'no-store' }
	});
};
