import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { historyPage } from '$lib/server/history';
import { historyRequestOrThrow, withinTimeLimit } from '$lib/server/history/request';
import type { RequestHandler } from './$types';

/** One page of history for the view in the query string (see docs/API.md). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const app = await getApp();
	const request = historyRequestOrThrow(app, locals.viewer, url);
	const page = await app.metrics.timeHistory('page', () =>
		withinTimeLimit(() => historyPage(app.history, request, request.cursor, request.limit))
	);
	return json({ tenant: request.tenant, range: request.rangeDates, ...page });
};
