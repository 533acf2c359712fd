import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/**
 * Liveness: the process answers. Nothing else is checked, and nothing is revealed: a node
 * waiting for MariaDB or Redis to come back is alive, and restarting it would not help. Whether
 * it should take traffic is /ready; figures are on /metrics and the status page.
 */
export const GET: RequestHandler = () =>
	json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
