import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { givingTokenSchema } from '#lib/schemas/giving.ts';
import * as giving from '#lib/server/donations/giving.ts';

// Opening the link only shows a button: mail scanners that follow links must not
// use up the single-use link. The POST starts the session.

export const load = async ({ url }) => {
	const token = url.searchParams.get('token') ?? '';
	return { token, state: await giving.linkState(token) };
};

export const actions = {
	default: async ({ request, cookies, getClientAddress }) => {
		const parsed = v.safeParse(
			givingTokenSchema,
			Object.fromEntries(await request.formData().catch(() => new FormData()))
		);
		if (!parsed.success) return fail(400, { reason: 'unknown' as const });
		const result = await giving.signIn(parsed.output.token, getClientAddress());
		if (!result.ok) return fail(400, { reason: result.reason });
		giving.setSessionCookie(cookies, result.sessionToken, result.expires);
		redirect(303, localizeHref('/giving/manage'));
	}
};
