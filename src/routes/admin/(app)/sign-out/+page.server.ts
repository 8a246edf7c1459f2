import { redirect } from '@sveltejs/kit';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { signOut } from '#lib/server/auth/sessions.ts';

export const load = () => redirect(303, localizeHref('/admin'));

export const actions = {
	default: async ({ cookies, getClientAddress }) => {
		await signOut(cookies, getClientAddress());
		redirect(303, localizeHref('/admin/sign-in'));
	}
};
