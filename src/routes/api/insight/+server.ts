import { json } from '@sveltejs/kit';
import { historyRequestOrThrow } from '$lib/server/history/request';
import { readPicture } from '$lib/server/insight/read';
import type { RequestHandler } from './$types';

/** The picture of the range and filters in the query string: the grid's query (docs/API.md). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const request = historyRequestOrThrow(locals, locals.viewer, url);
	const picture = await readPicture(locals, request);
	return json(picture, { headers: { 'cache-control': 'private, no-store' } });
};
