import { error } from '@sveltejs/kit';
import { getLocale } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import * as thanks from '#lib/server/donations/thanks.ts';

export const load = async ({ params, setHeaders }) => {
	// The donor's alone, and it changes as Stripe reports: never kept by a cache.
	setHeaders({ 'cache-control': 'private, no-store' });
	const gift = await thanks.load(params.checkout, getLocale() === 'fr' ? 'fr' : 'en');
	if (!gift) error(404, m.donate_thanks_not_found());
	return { gift };
};
