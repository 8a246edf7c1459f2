import { error, fail } from '@sveltejs/kit';
import { m } from '#lib/paraglide/messages.js';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import { supporterDetailsSchema, supporterNoteSchema } from '#lib/schemas/supporter.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as supporters from '#lib/server/supporters/index.ts';

const UUID = /^[0-9a-f-]{36}$/;

export const load = async ({ locals, params }) => {
	requireStaff(locals);
	if (!UUID.test(params.id)) error(404, 'Not found');
	const supporter = await supporters.read(params.id);
	if (!supporter) error(404, 'Not found');
	return { supporter };
};

export const actions = {
	// Campaigners and up; the check is here, as a layout's does not run before an action.
	save: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(supporterDetailsSchema, await request.formData());
		if (!form.ok) return fail(400, { values: form.values, errors: form.errors });
		const result = await supporters.update(actor, params.id, form.output, getClientAddress());
		if (!result.ok) {
			if (result.reason === 'not-found') error(404, 'Not found');
			return fail(400, {
				values: form.values,
				errors: { email: [m.supporter_error_email_taken()] } as FieldErrors
			});
		}
		return { saved: true };
	},
	note: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(supporterNoteSchema, await request.formData());
		if (!form.ok) return fail(400, { note: { values: form.values, errors: form.errors } });
		await supporters.addNote(actor, params.id, form.output.body, getClientAddress());
		return { noted: true };
	}
};
