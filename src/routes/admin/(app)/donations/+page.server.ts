import { getLocale } from '#lib/paraglide/runtime.js';
import {
	giftFilterFromSearchParams,
	giftFilterToSearchParams,
	pageFromSearchParams
} from '#lib/schemas/donation-admin.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as campaigns from '#lib/server/campaigns/admin.ts';
import * as donations from '#lib/server/donations/admin.ts';
import { donationSettings } from '#lib/server/donations/settings.ts';

// Every staff member may read gifts; the filter lives in the URL (a GET form), so a
// list can be bookmarked, and the totals and the chart add up exactly that list.
export const load = async ({ locals, url }) => {
	requireStaff(locals);
	const filter = giftFilterFromSearchParams(url.searchParams);
	const page = pageFromSearchParams(url.searchParams);
	const [gifts, summary, campaignChoices, settings] = await Promise.all([
		donations.findGifts(filter, {
			limit: donations.PAGE_SIZE,
			offset: (page - 1) * donations.PAGE_SIZE
		}),
		donations.summarize(filter),
		campaigns.choices(getLocale() === 'fr' ? 'fr' : 'en'),
		donationSettings()
	]);
	return {
		filter,
		filterQuery: giftFilterToSearchParams(filter).toString(),
		gifts,
		summary,
		page,
		pages: Math.max(1, Math.ceil(summary.count / donations.PAGE_SIZE)),
		campaigns: campaignChoices,
		currency: settings.currency,
		receiptsOfficial: settings.receiptsOfficial
	};
};
