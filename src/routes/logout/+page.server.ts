import { redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { SESSION_COOKIE } from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/interactions');

export const actions: Actions = {
	default: async ({ cookies, locals }) => {
		const app = await getApp();
		const token = cookies.get(SESSION_COOKIE);
		if (token) await app.auth.sessions.destroy(token);
		cookies.delete(SESSION_COOKIE, { path: '/' });
		const viewer = locals.viewer;
		if (viewer?.kind === 'user') {
			await app.audit.record({ action: 'sign_out', viewer });
			// Sockets opened with this session follow within seconds, without a page reload.
			await app.accessChanged({ kind: 'session-ended', sessionId: viewer.sessionId });
		}
		redirect(303, '/login');
	}
};
