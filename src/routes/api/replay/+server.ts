import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { withinTimeLimit } from '$lib/server/history/request';
import { dayBreaches, loadReplayDay, replayRequest } from '$lib/server/replay';
import { viewRow } from '$lib/server/scope';
import { encodeDay, type ReplayDayWire } from '$lib/replay/wire';
import type { RequestHandler } from './$types';

const gzipped = promisify(gzip);

/** One day of the viewer's scope, for replaying it in the browser (see docs/API.md). */
export const GET: RequestHandler = async ({ locals, url, request: http }) => {
	const viewer = locals.viewer;
	const request = replayRequest(locals, viewer, url);
	const loadedAtMs = Date.now();
	const span = { startMs: request.startMs, endMs: request.endMs };
	const [day, breaches] = await withinTimeLimit(() =>
		Promise.all([
			loadReplayDay(locals.history, request.scope, span),
			dayBreaches(locals, viewer!, request.scope, span)
		])
	);
	const rows = day.rows.map((row) => viewRow(row, request.view));
	const body: ReplayDayWire = encodeDay(
		{
			tenant: request.tenant,
			date: request.date,
			dayStartMs: request.startMs,
			dayEndMs: request.endMs,
			loadedAtMs,
			breaches
		},
		rows,
		request.view === 'wall' ? {} : day.transcribedAt
	);
	const json = JSON.stringify(body);
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'cache-control': 'private, no-store',
		vary: 'accept-encoding'
	};
	// A day is megabytes of repetitive JSON: gzip makes it a few hundred kilobytes (level 1: the
	// CPU it costs is a few milliseconds per megabyte, off the event loop in zlib's pool).
	if (/\bgzip\b/.test(http.headers.get('accept-encoding') ?? '')) {
		const compressed = await gzipped(json, { level: 1 });
		return new Response(new Uint8Array(compressed), {
			headers: { ...headers, 'content-encoding': 'gzip' }
		});
	}
	return new Response(json, { headers });
};
