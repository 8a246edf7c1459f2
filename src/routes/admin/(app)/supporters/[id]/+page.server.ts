import { error } from '@sveltejs/kit';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as supporters from '#lib/server/supporters/index.ts';

export const load = async ({ locals, params }) => {
	requireStaff(locals);
	if (!/^[0-9a-f-]{36}$/.test(params.id)) error(404, 'Not found');
	const supporter = await supporters.read(params.id);
	if (!supporter) error(404, 'Not found');
	return { supporter };
};
