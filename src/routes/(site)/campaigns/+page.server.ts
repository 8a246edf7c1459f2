import { getLocale } from '#lib/paraglide/runtime.js';
import * as campaigns from '#lib/server/campaigns/index.ts';

export const load = async () => ({
	campaigns: await campaigns.list(getLocale() === 'fr' ? 'fr' : 'en')
});
