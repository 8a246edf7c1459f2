import { fail, redirect } from '@sveltejs/kit';
import { SITE_URL } from '$app/env/public';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import { signInSchema } from '#lib/schemas/staff.ts';
import { requestSignIn } from '#lib/server/auth/sign-in.ts';

export const actions = {
	default: async ({ request, getClientAddress }) => {
		const form = parseForm(signInSchema, await request.formData());
		if (!form.ok)
			return fail(400, { values: form.values, errors: form.errors, rateLimited: false });
		const result = await requestSignIn({
			email: form.output.email,
			ip: getClientAddress(),
			linkBase: `${SITE_URL}${localizeHref('/admin/sign-in/link')}`
		});
		if (result === 'rate-limited') {
			return fail(429, { values: form.values, errors: {} as FieldErrors, rateLimited: true });
		}
		redirect(303, localizeHref('/admin/sign-in/check-email'));
	}
};
