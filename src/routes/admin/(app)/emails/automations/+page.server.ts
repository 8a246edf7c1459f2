import { requireStaff } from '#lib/server/auth/roles.ts';
import * as automations from '#lib/server/broadcasts/automations.ts';
import { toggle } from './toggle.ts';

export const load = async ({ locals }) => {
	requireStaff(locals, 'campaigner');
	return { automations: await automations.list() };
};

export const actions = { toggle };
