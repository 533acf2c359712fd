import { json } from '@sveltejs/kit';
import { loadBoard } from './board.server';
import type { RequestHandler } from './$types';

/**
 * The board's settings as JSON (`Accept: application/json` on /wall; browsers asking for HTML
 * get the page). An open wall re-reads it now and then, so a threshold an admin changed reaches
 * the screen without anyone touching it; it lives on /wall because that is all a token may open.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	const board = await loadBoard(locals, locals.viewer, url);
	return json(board, { headers: { 'cache-control': 'no-store' } });
};
