import { getLocale } from '#lib/paraglide/runtime.js';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as impactAdmin from '#lib/server/impact/admin.ts';

export const load = async ({ locals }) => {
	requireStaff(locals);
	return impactAdmin.readAll(getLocale() === 'fr' ? 'fr' : 'en');
};
