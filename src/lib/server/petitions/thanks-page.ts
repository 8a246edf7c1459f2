import { error, fail } from '@sveltejs/kit';
import { SITE_URL } from '$app/env/public';
import { m } from '#lib/paraglide/messages.js';
import { getLocale, localizeHref } from '#lib/paraglide/runtime.js';
import { referralUrl } from '#lib/petitions/share.ts';
import { parseForm } from '#lib/schemas/form.ts';
import { petitionLaterConsentSchema } from '#lib/schemas/petition.ts';
import { consentLater, thanks } from './signing.ts';

// The thank-you page after signing (/petitions/<slug>/thanks/<token> and its embed
// twin): addressed by a token only the signer was given, so it shows their share
// link and their count to no one else.

function language() {
	return getLocale() === 'fr' ? 'fr' : 'en';
}

export async function loadThanks(slug: string, token: string) {
	const found = await thanks(slug, token, language());
	if (!found) error(404, m.petition_thanks_not_found());
	const campaign = found.petition.campaign;
	return {
		thanks: found,
		shareUrl: referralUrl(
			SITE_URL,
			localizeHref(`/petitions/${found.petition.slug}`),
			found.referral_code
		),
		donateHref: campaign
			? `${localizeHref('/donate')}?campaign=${encodeURIComponent(campaign)}`
			: localizeHref('/donate')
	};
}

export async function consentFromForm(options: {
	slug: string;
	token: string;
	request: Request;
	embed: boolean;
}) {
	const form = parseForm(petitionLaterConsentSchema, await options.request.formData());
	if (!form.ok) return fail(400, { errors: form.errors, consented: false });
	const recorded = await consentLater({
		slug: options.slug,
		token: options.token,
		language: language(),
		embed: options.embed
	});
	if (!recorded) error(404, m.petition_thanks_not_found());
	return { consented: true, errors: {} };
}
