import { fail, redirect } from '@sveltejs/kit';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { setSessionCookie } from '#lib/server/auth/sessions.ts';
import { redeemSignIn } from '#lib/server/auth/sign-in.ts';

// Opening the link only shows a button: mail scanners that follow links must not
// use up the single-use token. The POST signs in.

export const load = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

export const actions = {
	default: async ({ request, cookies, getClientAddress }) => {
		const token = (await request.formData()).get('token');
		if (typeof token !== 'string' || token.length === 0 || token.length > 100) {
			return fail(400, { reason: 'unknown' as const });
		}
		const result = await redeemSignIn({
			token,
			ip: getClientAddress(),
			userAgent: request.headers.get('user-agent') ?? ''
		});
		if (!result.ok) return fail(400, { reason: result.reason });
		setSessionCookie(cookies, result.sessionToken, result.expires);
		redirect(303, localizeHref('/admin'));
	}
};
