import { error, redirect } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { WALL_COOKIE } from '$lib/server/auth';
import { replayParam } from '$lib/replay/param';
import { loadBoard } from './board.server';
import type { PageServerLoad } from './$types';

/** Cookie lifetime for a wall token: the token itself never idles out, only revocation ends it. */
const TEN_YEARS = 10 * 365 * 24 * 3600;

export const load: PageServerLoad = async ({ locals, url, cookies }) => {
	const token = url.searchParams.get('token');
	if (token) {
		// Exchange the token in the address for an HttpOnly cookie, so it leaves the URL bar.
		if (!(await locals.auth.wallTokens.resolve(token)))
			error(404, 'This display link is not valid');
		cookies.set(WALL_COOKIE, token, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: !dev && url.protocol === 'https:',
			maxAge: TEN_YEARS
		});
		// The board's own settings (rotation, queue subset) stay in the address.
		const rest = new URLSearchParams(url.searchParams);
		rest.delete('token');
		const query = rest.toString();
		redirect(303, query ? `/wall?${query}` : '/wall');
	}
	const viewer = locals.viewer;
	if (!viewer) redirect(303, '/login?next=/wall');
	const board = await loadBoard(locals, viewer, url);
	// `?at=`: the board as it was at that moment (issue 25); a time that cannot be is a 400.
	const { replay, error: replayError } = replayParam(url.searchParams, board.tenant.timezone);
	if (replayError) error(400, `This board's address is not valid: ${replayError}.`);
	return { ...board, byToken: viewer.kind === 'wall', replay };
};
