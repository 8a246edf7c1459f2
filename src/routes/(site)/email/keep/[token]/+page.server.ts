import { fail } from '@sveltejs/kit';
import { CHARITY_NAME } from '$app/env/public';
import { getLocale } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import { isKnownToken } from '#lib/server/email/unsubscribe.ts';
import * as repermission from '#lib/server/supporters/repermission.ts';

// The re-permission email's link. Opening it changes nothing (mail scanners
// follow links); ticking the box and confirming records express consent.
export const load = async ({ params }) => ({ known: await isKnownToken(params.token) });

export const actions = {
	default: async ({ params, request }) => {
		const form = await request.formData();
		if (form.get('consent') !== 'yes') return fail(400, { unticked: true });
		const language = getLocale() === 'fr' ? 'fr' : 'en';
		// The words this page showed, as the consent ledger keeps them.
		const wording = m.keep_consent_wording({ name: CHARITY_NAME }, { locale: language });
		const kept = await repermission.keep(params.token, wording, language);
		if (!kept) return fail(404, { unknown: true });
		return { done: true };
	}
};
