import { error, fail } from '@sveltejs/kit';
import { automationErrors, automationSchema, automationValues } from '#lib/schemas/automation.ts';
import { parseForm } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as automations from '#lib/server/broadcasts/automations.ts';
import { toggle } from '../toggle.ts';

async function find(key: string) {
	const automation = await automations.get(key);
	if (!automation) error(404, 'Not found');
	return automation;
}

export const load = async ({ locals, params }) => {
	requireStaff(locals, 'campaigner');
	const automation = await find(params.key);
	return {
		automation,
		hasDelay: automations.hasDelay(automation.key),
		// Staff's words, or the built-in ones to start from.
		values: automationValues(
			automation.content ?? automations.builtInContent(automation.key),
			automation.delay_days
		)
	};
};

export const actions = {
	save: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const automation = await find(params.key);
		const form = parseForm(automationSchema, await request.formData());
		if (!form.ok) return fail(400, { values: form.values, errors: form.errors });
		const errors = {
			...automationErrors(form.output, {
				needsDelay: automations.hasDelay(automation.key),
				transactional: automation.key === 'petition-thanks'
			}),
			...automations.mergeFieldErrors(automation.key, form.output.content)
		};
		if (Object.keys(errors).length > 0) return fail(400, { values: form.values, errors });
		await automations.save(actor, automation.key, form.output, getClientAddress());
		return { saved: true };
	},

	reset: async ({ locals, params, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const automation = await find(params.key);
		await automations.reset(actor, automation.key, getClientAddress());
		return { reset: true };
	},

	toggle
};
