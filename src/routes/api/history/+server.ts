import { error, json } from '@sveltejs/kit';
import { parsePersonKey, PERSON_PARAMS, type PersonKey } from '$lib/history/person';
import { intField, parseFields } from '$lib/params';
import { CursorError, decodeCursor } from '$lib/server/history/cursor';
import { personHistoryPage } from '$lib/server/history/person';
import { withinTimeLimit } from '$lib/server/db';
import { personInScope } from '$lib/server/scope';
import { requestScope } from '$lib/server/scope/http';
import type { RequestHandler } from './$types';

const PERSON_PAGING = { limit: intField(1, 200, 'limit must be between 1 and 200') };

/**
 * A client's or an agent's history: `?contact=<crm id>`, `?phone=<number>` or `?agent=<id>`,
 * plus `cursor` and `limit` (see docs/API.md).
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	const { scope } = requestScope(locals, locals.viewer, url);
	const params = url.searchParams;
	// Present counts, even empty: `contact=1&agent=` names two people, not one.
	const given = PERSON_PARAMS.filter((param) => params.has(param));
	const key: PersonKey | { error: string } =
		given.length === 1
			? parsePersonKey(given[0], params.get(given[0]) ?? '')
			: { error: 'Give one of contact (CRM id), phone (up to 32 characters) or agent (id)' };
	if ('error' in key) error(400, { message: key.error });
	let cursor;
	try {
		// Person history pages by created_at (see personHistoryPage).
		cursor = decodeCursor(params.get('cursor'), 'time');
	} catch (e) {
		if (e instanceof CursorError) error(400, { message: e.message, errors: { cursor: e.message } });
		throw e;
	}
	const paging = parseFields(params, PERSON_PAGING);
	if (paging.errors.limit) error(400, { message: paging.errors.limit });
	const limit = paging.values.limit ?? 50;
	// A person the scope does not show on any row reads exactly like one that does not exist.
	const page = await locals.metrics.timeHistory('person', () =>
		withinTimeLimit(async () => {
			if (!(await personInScope(scope, locals, key))) return null;
			return personHistoryPage(locals.history, scope, key, cursor, limit);
		})
	);
	if (!page) error(404, 'Not found');
	return json(page);
};
