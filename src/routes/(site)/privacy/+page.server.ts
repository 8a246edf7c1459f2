import { fail, redirect } from '@sveltejs/kit';
import { SITE_URL } from '$app/env/public';
import { getLocale, localizeHref } from '#lib/paraglide/runtime.js';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import { privacyRequestSchema } from '#lib/schemas/privacy.ts';
import * as privacy from '#lib/server/privacy/index.ts';

export const actions = {
	// Everyone who passes validation and the rate limit gets the same answer, in the
	// same time: whether we know the address is said only in the email.
	default: async ({ request, getClientAddress }) => {
		const form = parseForm(privacyRequestSchema, await request.formData());
		if (!form.ok)
			return fail(400, { values: form.values, errors: form.errors, rateLimited: false });
		const result = await privacy.request({
			email: form.output.email,
			kind: form.output.kind,
			language: getLocale(),
			ip: getClientAddress(),
			siteUrl: SITE_URL
		});
		if (result === 'rate-limited') {
			return fail(429, { values: form.values, errors: {} as FieldErrors, rateLimited: true });
		}
		redirect(303, localizeHref('/privacy/check-email'));
	}
};
