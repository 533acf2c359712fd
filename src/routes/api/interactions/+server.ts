import { json } from '@sveltejs/kit';
import { historyPage } from '$lib/server/history';
import { withinTimeLimit } from '$lib/server/db';
import { historyRequestOrThrow } from '$lib/server/history/request';
import type { RequestHandler } from './$types';

/** One page of history for the view in the query string (see docs/API.md). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const request = historyRequestOrThrow(locals, locals.viewer, url);
	const page = await locals.metrics.timeHistory('page', () =>
		withinTimeLimit(() => historyPage(locals.history, request, request.cursor, request.limit))
	);
	return json({ tenant: request.tenant, range: request.rangeDates, ...page });
};
