import { fail, redirect } from '@sveltejs/kit';
import { SITE_URL } from '$app/env/public';
import { getLocale, localizeHref } from '#lib/paraglide/runtime.js';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import { givingRequestSchema } from '#lib/schemas/giving.ts';
import * as giving from '#lib/server/donations/giving.ts';

export const load = async ({ cookies, url }) => ({
	signedIn: (await giving.donorFromCookie(cookies)) !== null,
	signedOut: url.searchParams.has('signed-out')
});

export const actions = {
	// Everyone who passes validation and the rate limit gets the same answer, in the
	// same time: whether the address has gifts is said only in the email.
	default: async ({ request, getClientAddress }) => {
		const form = parseForm(givingRequestSchema, await request.formData());
		if (!form.ok) {
			return fail(400, { values: form.values, errors: form.errors, rateLimited: false });
		}
		const result = await giving.requestLink({
			email: form.output.email,
			language: getLocale() === 'fr' ? 'fr' : 'en',
			ip: getClientAddress(),
			siteUrl: SITE_URL
		});
		if (result === 'rate-limited') {
			return fail(429, { values: form.values, errors: {} as FieldErrors, rateLimited: true });
		}
		redirect(303, localizeHref('/giving/check-email'));
	}
};
