import { getLocale } from '#lib/paraglide/runtime.js';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as petitions from '#lib/server/petitions/admin.ts';

export const load = async ({ locals }) => {
	requireStaff(locals);
	return { petitions: await petitions.list(getLocale() === 'fr' ? 'fr' : 'en') };
};
