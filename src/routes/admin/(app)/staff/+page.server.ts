import { fail } from '@sveltejs/kit';
import { m } from '#lib/paraglide/messages.js';
import { parseForm } from '#lib/schemas/form.ts';
import { addStaffSchema, changeRoleSchema, removeStaffSchema } from '#lib/schemas/staff.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as staff from '#lib/server/auth/staff.ts';

export const load = async ({ locals }) => {
	requireStaff(locals);
	return { members: await staff.list() };
};

const problem = {
	forbidden: m.staff_error_forbidden,
	'last-owner': m.staff_error_last_owner,
	'already-staff': m.staff_error_already,
	'not-found': m.staff_error_not_found
};

// Every action checks the role itself: a layout's check does not run before an action.
export const actions = {
	add: async ({ request, locals, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const form = parseForm(addStaffSchema, await request.formData());
		if (!form.ok)
			return fail(400, { action: 'add' as const, values: form.values, errors: form.errors });
		const result = await staff.add(actor, form.output, getClientAddress());
		if (!result.ok) {
			return fail(result.reason === 'forbidden' ? 403 : 400, {
				action: 'add' as const,
				values: form.values,
				errors: { email: [problem[result.reason]()] }
			});
		}
		return { action: 'add' as const, done: m.staff_added({ email: form.output.email }) };
	},
	role: async ({ request, locals, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const form = parseForm(changeRoleSchema, await request.formData());
		if (!form.ok) return fail(400, { action: 'role' as const, message: m.staff_error_not_found() });
		const result = await staff.changeRole(
			actor,
			form.output.id,
			form.output.role,
			getClientAddress()
		);
		if (!result.ok) {
			return fail(result.reason === 'forbidden' ? 403 : 400, {
				action: 'role' as const,
				id: form.output.id,
				message: problem[result.reason]()
			});
		}
		return { action: 'role' as const, done: m.staff_role_changed() };
	},
	remove: async ({ request, locals, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const form = parseForm(removeStaffSchema, await request.formData());
		if (!form.ok)
			return fail(400, { action: 'remove' as const, message: m.staff_error_not_found() });
		const members = await staff.list();
		const email = members.find((member) => member.id === form.output.id)?.email ?? '';
		const result = await staff.remove(actor, form.output.id, getClientAddress());
		if (!result.ok) {
			return fail(result.reason === 'forbidden' ? 403 : 400, {
				action: 'remove' as const,
				id: form.output.id,
				message: problem[result.reason]()
			});
		}
		return { action: 'remove' as const, done: m.staff_removed({ email }) };
	}
};
