import { json } from '@sveltejs/kit';
import { historyCount } from '$lib/server/history';
import { withinTimeLimit } from '$lib/server/db';
import { historyRequestOrThrow } from '$lib/server/history/request';
import type { RequestHandler } from './$types';

/** The total number of rows in a history view; separate so the first page never waits for it. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const request = historyRequestOrThrow(locals, locals.viewer, url);
	const count = await locals.metrics.timeHistory('count', () =>
		withinTimeLimit(() => historyCount(locals.history, request))
	);
	return json({ count });
};
