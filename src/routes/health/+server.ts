import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import type { RequestHandler } from './$types';

/**
 * Liveness for load balancers and the demo script: says whether the binlog stream is up. Open
 * to anyone, so it says nothing more: the change counter (how busy the contact center is) goes
 * to signed-in sockets only, in their heartbeats.
 */
export const GET: RequestHandler = async () => {
	const app = await getApp();
	const status = app.live.supervisor.status;
	return json(
		{ ok: status === 'streaming', binlog: status },
		{ status: status === 'stopped' ? 503 : 200 }
	);
};
