import { matchesFilters, type ViewFilters } from '$lib/filters';
import type { Interaction } from '$lib/interaction';
import { compareRows } from '$lib/live/sort';
import { canSee, viewRow, type RowView, type Scope } from '../scope';
import type { LiveState } from './state';

/**
 * Rows a screen's first paint needs: the tallest grid shows about 60 (a 4K screen at 34 px a
 * row); the grid's own first render (600 px) fewer.
 */
export const FIRST_SCREEN_ROWS = 60;

/**
 * The first screenful of the live grid, for the page itself (issue 26): the rows of the live
 * state the scope admits and the filters keep, in the grid's order, the first `limit` of them.
 * The page paints them at once; the whole day follows on the socket, in parts, and replaces
 * them. The same scope rule as the socket's snapshot (`canSee`, LiveService.catchUp), so the
 * page never holds a row the socket would not send.
 */
export function firstScreen(
	state: Pick<LiveState, 'rows'>,
	scope: Scope,
	filters: ViewFilters,
	view: RowView,
	limit = FIRST_SCREEN_ROWS
): Interaction[] {
	const inScope = (row: Interaction) => canSee(scope, row);
	const order = compareRows(filters.sort, filters.dir, Date.now());
	// The first `limit` in order, kept sorted as the rows go by: no sort of the whole day.
	const top: Interaction[] = [];
	for (const row of state.rows(scope.tenantId, inScope)) {
		if (!matchesFilters(row, filters)) continue;
		if (top.length === limit && order(row, top[limit - 1]) >= 0) continue;
		let at = top.length;
		while (at > 0 && order(row, top[at - 1]) < 0) at--;
		top.splice(at, 0, row);
		if (top.length > limit) top.pop();
	}
	return top.map((row) => viewRow(row, view));
}
