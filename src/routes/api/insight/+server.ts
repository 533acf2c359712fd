import { json } from '@sveltejs/kit';
import { rangePicture } from '$lib/server/insight';
import { goalsOf } from '$lib/server/insight/goals';
import { historyRequestOrThrow, withinTimeLimit } from '$lib/server/history/request';
import type { RequestHandler } from './$types';

/** The picture of the range and filters in the query string: the grid's query (docs/API.md). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const request = historyRequestOrThrow(locals, locals.viewer, url);
	const goals = await goalsOf(locals.dashboardPool, request.tenant.id);
	const picture = await locals.metrics.timeHistory('insight', () =>
		withinTimeLimit(() =>
			rangePicture(locals.history, {
				...request,
				timeZone: request.tenant.timezone,
				goals,
				fromDate: request.rangeDates.from,
				toDate: request.rangeDates.to
			})
		)
	);
	return json(picture, { headers: { 'cache-control': 'private, no-store' } });
};
