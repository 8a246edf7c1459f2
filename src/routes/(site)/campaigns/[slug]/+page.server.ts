import { error } from '@sveltejs/kit';
import { getLocale } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import * as campaigns from '#lib/server/campaigns/index.ts';

export const load = async ({ params }) => {
	const [campaign, raised] = await Promise.all([
		campaigns.page(params.slug, getLocale() === 'fr' ? 'fr' : 'en'),
		campaigns.raised(params.slug)
	]);
	if (!campaign) error(404, m.campaign_not_found());
	return { campaign, raised };
};
