import { json } from '@sveltejs/kit';
import { withinTimeLimit } from '$lib/server/history/request';
import { loadReplayDay, replayRequest } from '$lib/server/replay';
import { viewRow } from '$lib/server/scope';
import { encodeRows, FIELDS, type ReplayDayWire } from '$lib/replay/wire';
import type { RequestHandler } from './$types';

/** One day of the viewer's scope, for replaying it in the browser (see docs/API.md). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const request = replayRequest(locals, locals.viewer, url);
	const loadedAtMs = Date.now();
	const day = await withinTimeLimit(() =>
		loadReplayDay(locals.history, request.scope, {
			startMs: request.startMs,
			endMs: request.endMs
		})
	);
	const rows = day.rows.map((row) => viewRow(row, request.view));
	const body: ReplayDayWire = {
		tenant: request.tenant,
		date: request.date,
		dayStartMs: request.startMs,
		dayEndMs: request.endMs,
		loadedAtMs,
		fields: FIELDS,
		rows: encodeRows(rows),
		transcribedAt: request.view === 'wall' ? {} : day.transcribedAt
	};
	return json(body, { headers: { 'cache-control': 'private, no-store' } });
};
