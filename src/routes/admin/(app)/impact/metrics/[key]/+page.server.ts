import { error, fail } from '@sveltejs/kit';
import { parseForm } from '#lib/schemas/form.ts';
import { metricSchema } from '#lib/schemas/impact.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as impactAdmin from '#lib/server/impact/admin.ts';

export const load = async ({ locals, params }) => {
	requireStaff(locals, 'campaigner');
	const metric = await impactAdmin.readMetric(params.key);
	if (!metric) error(404, 'Not found');
	return { metric };
};

export const actions = {
	default: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const form = parseForm(metricSchema, await request.formData());
		if (!form.ok) return fail(400, { values: form.values, errors: form.errors });
		if (!(await impactAdmin.readMetric(params.key))) error(404, 'Not found');
		await impactAdmin.saveMetric(actor, params.key, form.output, getClientAddress());
		return { saved: true };
	}
};
