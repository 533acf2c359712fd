import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { historyCount } from '$lib/server/history';
import { historyRequestOrThrow, withinTimeLimit } from '$lib/server/history/request';
import type { RequestHandler } from './$types';

/** The total number of rows in a history view; separate so the first page never waits for it. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const app = await getApp();
	const request = historyRequestOrThrow(app, locals.viewer, url);
	const count = await app.metrics.timeHistory('count', () =>
		withinTimeLimit(() => historyCount(app.history, request))
	);
	return json({ count });
};
