import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import type { RequestHandler } from './$types';

/** Liveness for load balancers and the demo script: says whether the binlog stream is up. */
export const GET: RequestHandler = async () => {
	const app = await getApp();
	const status = app.live.supervisor.status;
	return json(
		{ ok: status === 'streaming', binlog: status, seq: app.live.position().seq },
		{ status: status === 'stopped' ? 503 : 200 }
	);
};
