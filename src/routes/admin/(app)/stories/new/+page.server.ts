import { error, fail, redirect } from '@sveltejs/kit';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { parseForm } from '#lib/schemas/form.ts';
import { storyNewSchema } from '#lib/schemas/story.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as stories from '#lib/server/stories/index.ts';

export const load = ({ locals }) => {
	requireStaff(locals, 'campaigner');
	return {};
};

export const actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const form = parseForm(storyNewSchema, await request.formData());
		if (!form.ok) return fail(400, { values: form.values, errors: form.errors });
		const result = await stories.create(actor, form.output, getClientAddress());
		if (!result.ok) error(403, 'Forbidden');
		redirect(303, localizeHref(`/admin/stories/${result.id}`));
	}
};
