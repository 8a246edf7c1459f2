import { requireStaff } from '#lib/server/auth/roles.ts';
import * as petitions from '#lib/server/petitions/index.ts';
import * as segments from '#lib/server/supporters/segments.ts';

const UUID = /^[0-9a-f-]{36}$/;

export const load = async ({ locals }) => {
	requireStaff(locals);
	const [list, petitionList] = await Promise.all([segments.list(), petitions.listForFilter()]);
	return { segments: list, petitions: petitionList };
};

export const actions = {
	delete: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const id = String((await request.formData()).get('id') ?? '');
		if (UUID.test(id)) await segments.remove(actor, id, getClientAddress());
		return { deleted: true };
	}
};
