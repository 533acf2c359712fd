import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/interactions');

export const actions: Actions = {
	default: async ({ cookies, locals }) => {
		await locals.accounts.signOut(cookies.get(SESSION_COOKIE), locals.viewer);
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/login');
	}
};
