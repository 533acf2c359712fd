import { json } from '@sveltejs/kit';
import { viewSearchParams } from '$lib/filters';
import { exportCsv, exportFileName } from '$lib/server/export';
import { withinTimeLimit } from '$lib/server/db';
import { historyRequestOrThrow } from '$lib/server/history/request';
import type { RequestHandler } from './$types';

/**
 * The view in the query string (plus `tenant` for platform admins) as a CSV download: the whole
 * view, no row cap, streamed. Bad input is a 400 naming the fields, before any byte of CSV; a
 * user with too many exports running, or a busy node, gets a 429; a first batch past the
 * statement time limit a 503.
 */
export const GET: RequestHandler = async ({ locals, platform, url }) => {
	const { exports, audit } = locals;
	const request = historyRequestOrThrow(locals, locals.viewer, url);
	// historyRequestOrThrow has answered 401 already when nobody is signed in.
	const viewer = locals.viewer!;
	const who = viewer.kind === 'user' ? `user:${viewer.userId}` : `wall:${viewer.tokenId}`;
	const release = exports.take(who);
	if (!release) {
		return json(
			{ message: exports.refusal(who) },
			{ status: 429, headers: { 'retry-after': '30' } }
		);
	}
	try {
		const { tenant, filters, rangeDates } = request;
		// adapter-node's request: a stalled export closes its connection (no platform in dev).
		const cut = () => platform?.req.socket.destroy();
		const body = await withinTimeLimit(() =>
			exportCsv(locals, request, viewer, { finished: release, cut })
		);
		await audit.record({
			action: 'export',
			viewer,
			tenantId: tenant.id,
			// The validated view, normalised: what was exported, not how the URL happened to spell it.
			detail: viewSearchParams(filters).toString() || 'range=today'
		});
		const fileName = exportFileName(tenant, rangeDates.from, rangeDates.to);
		return new Response(body, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${fileName}"`,
				'cache-control': 'no-store'
			}
		});
	} catch (e) {
		release();
		throw e;
	}
};
