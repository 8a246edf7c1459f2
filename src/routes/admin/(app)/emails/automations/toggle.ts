import { error } from '@sveltejs/kit';
import { parseForm } from '#lib/schemas/form.ts';
import { toggleSchema } from '#lib/schemas/automation.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as automations from '#lib/server/broadcasts/automations.ts';

/** The on/off button's action, on the list and on each automation's page. */
export async function toggle({
	locals,
	request,
	getClientAddress
}: {
	locals: App.Locals;
	request: Request;
	getClientAddress: () => string;
}) {
	const actor = requireStaff(locals, 'campaigner');
	const form = parseForm(toggleSchema, await request.formData());
	if (!form.ok) error(400, 'Bad request');
	const enabled = form.output.enabled === 'true';
	const result = await automations.setEnabled(actor, form.output.key, enabled, getClientAddress());
	return { toggled: { key: form.output.key, enabled, cancelled: result.cancelled } };
}
