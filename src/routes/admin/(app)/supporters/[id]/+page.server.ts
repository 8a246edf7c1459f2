import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import {
	mergeLookupSchema,
	supporterDetailsSchema,
	supporterNoteSchema,
	supporterTagSchema
} from '#lib/schemas/supporter.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as supporters from '#lib/server/supporters/index.ts';
import * as merging from '#lib/server/supporters/merge.ts';

const UUID = /^[0-9a-f-]{36}$/;

export const load = async ({ locals, params }) => {
	requireStaff(locals);
	if (!UUID.test(params.id)) error(404, 'Not found');
	const [supporter, tags] = await Promise.all([supporters.read(params.id), supporters.allTags()]);
	if (!supporter) error(404, 'Not found');
	return { supporter, tags };
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
	},

	tag: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(supporterTagSchema, await request.formData());
		if (!form.ok) return fail(400, { tag: { values: form.values, errors: form.errors } });
		await supporters.changeTags(
			actor,
			{ tag: form.output.tag, add: true, ids: [params.id] },
			getClientAddress()
		);
		return { tagged: true };
	},

	untag: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(supporterTagSchema, await request.formData());
		if (!form.ok) error(400, 'Bad request');
		await supporters.changeTags(
			actor,
			{ tag: form.output.tag, add: false, ids: [params.id] },
			getClientAddress()
		);
		return { untagged: true };
	},

	// Merging is for admins and owners: it removes a record (its history moves here).
	// First find the other record and show what it holds; then merge on confirmation.
	findDuplicate: async ({ locals, params, request }) => {
		requireStaff(locals, 'admin');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(mergeLookupSchema, await request.formData());
		if (!form.ok) return fail(400, { merge: { values: form.values, errors: form.errors } });
		const candidate = await merging.findCandidate(form.output.email);
		const problem = !candidate
			? m.supporter_merge_not_found()
			: candidate.id === params.id
				? m.supporter_merge_same()
				: undefined;
		if (problem) {
			return fail(400, {
				merge: { values: form.values, errors: { email: [problem] } as FieldErrors }
			});
		}
		return { merge: { values: form.values, candidate: candidate! } };
	},

	merge: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const duplicate = v.safeParse(
			v.object({ duplicate: v.pipe(v.string(), v.uuid()), email: v.string() }),
			Object.fromEntries(await request.formData())
		);
		if (!duplicate.success) error(400, 'Bad request');
		const result = await merging.merge(
			actor,
			params.id,
			duplicate.output.duplicate,
			getClientAddress()
		);
		if (!result.ok) {
			if (result.reason === 'not-found') {
				return fail(400, {
					merge: {
						values: { email: duplicate.output.email },
						errors: { email: [m.supporter_merge_not_found()] } as FieldErrors
					}
				});
			}
			return fail(400, {
				merge: {
					values: { email: duplicate.output.email },
					errors: {
						email: [
							result.reason === 'same' ? m.supporter_merge_same() : m.supporter_merge_erased()
						]
					} as FieldErrors
				}
			});
		}
		return { merged: { email: duplicate.output.email } };
	}
};
