import { fail, redirect } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { SESSION_COOKIE } from '$lib/server/auth';
import { formDataOr400 } from '$lib/server/http/form';
import { safeNext } from '$lib/server/http/next';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.viewer?.kind === 'user') redirect(303, safeNext(url.searchParams.get('next')));
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies, getClientAddress, url, locals }) => {
		const form = await formDataOr400(request);
		const username = String(form.get('username') ?? '');
		const password = String(form.get('password') ?? '');
		if (!username.trim() || !password) {
			return fail(400, { username, error: 'Enter your user name and password.' });
		}
		if (username.length > 64 || password.length > 256) {
			return fail(400, { username: '', error: 'Wrong user name or password.' });
		}
		const result = await locals.auth.signIn(
			username,
			password,
			getClientAddress(),
			request.headers.get('user-agent')
		);
		if (!result.ok) {
			return fail(result.retryAfterSeconds ? 429 : 400, { username, error: result.error });
		}
		cookies.set(SESSION_COOKIE, result.token, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: !dev && url.protocol === 'https:',
			maxAge: Math.floor(locals.config.sessionMaxMs / 1000)
		});
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
