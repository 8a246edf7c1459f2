import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '#lib/paraglide/messages.js';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import { mappingFromForm, mappingSchema } from '#lib/schemas/supporter-import.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as imports from '#lib/server/supporters/import/index.ts';

const UUID = /^[0-9a-f-]{36}$/;

async function find(id: string) {
	const item = UUID.test(id) ? await imports.get(id) : null;
	if (!item) error(404, 'Not found');
	return item;
}

export const load = async ({ locals, params, url }) => {
	requireStaff(locals, 'campaigner');
	const item = await find(params.id);
	imports.resumeIfStalled(item);
	return {
		item,
		preview: item.status === 'mapping' ? await imports.preview(item) : [],
		reasons: item.status === 'finished' ? await imports.reasons(item.id) : [],
		autoRefresh: url.searchParams.get('refresh') === 'auto'
	};
};

/** The mapping form, read and checked against the file's columns. */
async function readMapping(request: Request, columns: number) {
	const form = parseForm(mappingSchema(columns), await request.formData());
	if (!form.ok)
		return { ok: false as const, failure: fail(400, { values: form.values, errors: form.errors }) };
	const output = form.output as Record<string, string>;
	return {
		ok: true as const,
		mapping: mappingFromForm(columns, output),
		tag: output.tag ?? '',
		values: form.values
	};
}

const notWaiting = (values: Record<string, string>) =>
	fail(409, { values, errors: { mapping: [m.import_error_not_waiting()] } as FieldErrors });

// Campaigners and up; each action checks, as a layout's check does not run before an action.
export const actions = {
	map: async ({ locals, params, request }) => {
		requireStaff(locals, 'campaigner');
		const item = await find(params.id);
		const read = await readMapping(request, item.headers.length);
		if (!read.ok) return read.failure;
		if (!(await imports.saveMapping(item.id, read.mapping, read.tag)))
			return notWaiting(read.values);
		return { mapped: true };
	},
	start: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const item = await find(params.id);
		const read = await readMapping(request, item.headers.length);
		if (!read.ok) return read.failure;
		const started = await imports.start(actor, item.id, read, getClientAddress());
		if (!started) return notWaiting(read.values);
		redirect(303, localizeHref(`/admin/supporters/import/${item.id}`));
	},
	discard: async ({ locals, params }) => {
		requireStaff(locals, 'campaigner');
		const item = await find(params.id);
		if (!(await imports.discard(item.id))) return notWaiting({});
		redirect(303, localizeHref('/admin/supporters/import?discarded'));
	}
};
