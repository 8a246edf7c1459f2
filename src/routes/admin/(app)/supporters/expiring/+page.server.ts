import { requireStaff } from '#lib/server/auth/roles.ts';
import * as repermission from '#lib/server/supporters/repermission.ts';

export const load = async ({ locals }) => {
	requireStaff(locals);
	return { ...(await repermission.expiring()), limit: repermission.LIST_LIMIT };
};

export const actions = {
	// Campaigners and up ask everyone not yet asked, once per consent period.
	ask: async ({ locals, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		return { sent: await repermission.askAll(actor, getClientAddress()) };
	}
};
