import { fail } from '@sveltejs/kit';
import * as email from '#lib/server/email/unsubscribe.ts';

export const load = async ({ params }) => ({ known: await email.isKnownToken(params.token) });

export const actions = {
	/**
	 * The button on this page, and RFC 8058 one-click unsubscribes: a mail provider
	 * POSTs `List-Unsubscribe=One-Click` here, with no cookies and no Origin.
	 */
	default: async ({ params, request }) => {
		const form = await request.formData().catch(() => new FormData());
		const oneClick = form.get('List-Unsubscribe') === 'One-Click';
		const result = await email.unsubscribe(params.token, oneClick ? 'one-click' : 'page');
		if (!result.found) return fail(404, { unknown: true });
		return { done: true };
	}
};
