import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { withinTimeLimit } from '$lib/server/db';
import { dayBreaches, loadReplayDay, replayRequest } from '$lib/server/replay';
import { replayCacheOf } from '$lib/server/replay/cache';
import { viewRow } from '$lib/server/scope';
import { encodeRows, type WireBody } from '$lib/replay/wire';
import type { RequestHandler } from './$types';

const gzipped = promisify(gzip);

/**
 * One day of the viewer's scope, for replaying it in the browser (see docs/API.md). A day that
 * is over is read once and its encoded rows kept (see ReplayDayCache: invalidated by the change
 * log and a check of its transcriptions); the breaches are read at every request.
 */
export const GET: RequestHandler = async ({ locals, url, request: http }) => {
	const viewer = locals.viewer;
	const request = replayRequest(locals, viewer, url);
	const span = { startMs: request.startMs, endMs: request.endMs };
	const cache = replayCacheOf(locals.live, locals.history);
	const key = { ...span, scope: request.scope, view: request.view, date: request.date };
	let hit = false;
	const [day, breaches] = await withinTimeLimit(() =>
		Promise.all([
			(async () => {
				const cached = await cache.get(key);
				hit = cached !== null;
				if (cached) return cached;
				const stamp = cache.stamp(request.scope.tenantId);
				const loadedAtMs = Date.now();
				const loaded = await loadReplayDay(locals.history, request.scope, span);
				const rows = loaded.rows.map((row) => viewRow(row, request.view));
				const transcribedAt = request.view === 'wall' ? {} : loaded.transcribedAt;
				const encoded = encodeRows(request.startMs, rows, transcribedAt);
				const rowsJson = JSON.stringify(encoded).slice(1, -1);
				const ids = rows.map((row) => row.id);
				const kept = await cache.put(key, stamp, { rowsJson, loadedAtMs }, ids);
				return kept ?? { rowsJson, loadedAtMs, gzipped: null };
			})(),
			dayBreaches(locals, viewer!, request.scope, span)
		])
	);
	const head: WireBody = {
		tenant: request.tenant,
		date: request.date,
		dayStartMs: request.startMs,
		dayEndMs: request.endMs,
		loadedAtMs: day.loadedAtMs,
		breaches
	};
	const breachesJson = JSON.stringify(breaches);
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'cache-control': 'private, no-store',
		vary: 'accept-encoding',
		// Whether the day's rows came from the server's cache (a day that is over) or the database.
		'x-replay-day': hit ? 'cached' : 'read'
	};
	const json = () => `${JSON.stringify(head).slice(0, -1)},${day.rowsJson}}`;
	// A day is megabytes of repetitive JSON: gzip makes it a few hundred kilobytes (level 1: the
	// CPU it costs is a few milliseconds per megabyte, off the event loop in zlib's pool). A
	// cached day keeps its gzipped bytes while its breaches stay the same.
	if (/\bgzip\b/.test(http.headers.get('accept-encoding') ?? '')) {
		let body = day.gzipped?.breachesJson === breachesJson ? day.gzipped.body : null;
		if (!body) {
			body = new Uint8Array(await gzipped(json(), { level: 1 }));
			cache.keepGzipped(day, breachesJson, body);
		}
		return new Response(body, { headers: { ...headers, 'content-encoding': 'gzip' } });
	}
	return new Response(json(), { headers });
};
