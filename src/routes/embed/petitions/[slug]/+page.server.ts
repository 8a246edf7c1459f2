import { error } from '@sveltejs/kit';
import { getLocale } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import { isReferralCode } from '#lib/petitions/share.ts';
import * as petitions from '#lib/server/petitions/index.ts';
import * as formToken from '#lib/server/petitions/form-token.ts';
import { signFromForm } from '#lib/server/petitions/form-action.ts';
import { publicUrl } from '#lib/server/petitions/signing.ts';

// The petition in an iframe on a partner's site: only the origins staff listed may
// frame it (hooks.server.ts writes them into the CSP's frame-ancestors).
export const load = async ({ params, url, locals }) => {
	const language = getLocale() === 'fr' ? 'fr' : 'en';
	const petition = await petitions.page(params.slug, language);
	if (!petition) error(404, m.petition_not_found());
	locals.frameAncestors = petition.embed_origins;
	const referral = url.searchParams.get('ref');
	return {
		petition,
		token: await formToken.issue(),
		referral: isReferralCode(referral) ? referral : null,
		pageUrl: publicUrl(`/petitions/${petition.slug}`, language)
	};
};

export const actions = {
	default: ({ params, request, getClientAddress }) =>
		signFromForm({ slug: params.slug, request, ip: getClientAddress(), source: 'embed' })
};
