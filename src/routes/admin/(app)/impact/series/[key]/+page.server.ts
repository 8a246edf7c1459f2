import { error, fail } from '@sveltejs/kit';
import { getLocale } from '#lib/paraglide/runtime.js';
import { parseForm } from '#lib/schemas/form.ts';
import { pointSchema } from '#lib/schemas/impact.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as impactAdmin from '#lib/server/impact/admin.ts';

async function seriesOr404(key: string) {
	const { series } = await impactAdmin.readAll(getLocale() === 'fr' ? 'fr' : 'en');
	const found = series.find((entry) => entry.key === key);
	if (!found) error(404, 'Not found');
	return found;
}

function pointId(form: FormData): number {
	const id = Number(form.get('point'));
	if (!Number.isInteger(id) || id <= 0) error(400, 'Bad request');
	return id;
}

export const load = async ({ locals, params }) => {
	requireStaff(locals, 'campaigner');
	return { series: await seriesOr404(params.key) };
};

export const actions = {
	add: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		await seriesOr404(params.key);
		const form = parseForm(pointSchema, await request.formData());
		if (!form.ok) return fail(400, { values: form.values, errors: form.errors });
		await impactAdmin.addPoint(actor, params.key, form.output, getClientAddress());
		return { added: true };
	},
	publish: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		await impactAdmin.publishPoint(
			actor,
			pointId(await request.formData()),
			true,
			getClientAddress()
		);
		return { published: true };
	},
	unpublish: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		await impactAdmin.publishPoint(
			actor,
			pointId(await request.formData()),
			false,
			getClientAddress()
		);
		return { unpublished: true };
	},
	delete: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		await impactAdmin.deleteDraft(actor, pointId(await request.formData()), getClientAddress());
		return { deleted: true };
	}
};
