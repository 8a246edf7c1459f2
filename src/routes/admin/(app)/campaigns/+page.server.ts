import { getLocale } from '#lib/paraglide/runtime.js';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as campaigns from '#lib/server/campaigns/admin.ts';

export const load = async ({ locals }) => {
	requireStaff(locals);
	return { campaigns: await campaigns.list(getLocale() === 'fr' ? 'fr' : 'en') };
};
