import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { formatMoney } from '#lib/donations/money.ts';
import { getLocale } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import { ladderAmountSchema, settingsSchema } from '#lib/schemas/donation-admin.ts';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as admin from '#lib/server/donations/admin-settings.ts';
import { donationSettings, ladder } from '#lib/server/donations/settings.ts';

// What the donation form offers and what receipts print: admins and owners only,
// to read and to change (the checks are in the load and in each action).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const load = async ({ locals }) => {
	requireStaff(locals, 'admin');
	const [settings, amounts] = await Promise.all([donationSettings(), ladder()]);
	return { settings, amounts };
};

export const actions = {
	save: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const form = parseForm(settingsSchema, await request.formData());
		if (!form.ok) return fail(400, { settings: { values: form.values, errors: form.errors } });
		await admin.saveSettings(actor, form.output, getClientAddress());
		return { settings: { saved: true } };
	},

	// Adds an amount (no id) or saves one (its id).
	amount: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const formData = await request.formData();
		const idText = String(formData.get('id') ?? '');
		const id = UUID.test(idText) ? idText : null;
		const form = parseForm(ladderAmountSchema, formData);
		const failed = (errors: FieldErrors) =>
			fail(400, { amount: { id, values: form.values, errors } });
		if (!form.ok) return failed(form.errors);
		const settings = await donationSettings();
		const language = getLocale() === 'fr' ? 'fr' : 'en';
		if (
			form.output.amount_cents < settings.minCents ||
			form.output.amount_cents > settings.maxCents
		) {
			return failed({
				amount: [
					m.admin_donations_error_ladder_range({
						min: formatMoney(settings.minCents, settings.currency, language),
						max: formatMoney(settings.maxCents, settings.currency, language)
					})
				]
			});
		}
		const result = await admin.saveAmount(actor, id, form.output, getClientAddress());
		if (!result.ok) {
			if (result.reason === 'not_found') error(404, 'Not found');
			return failed({ amount: [m.admin_donations_error_ladder_taken()] });
		}
		return { amount: { id, saved: true } };
	},

	deleteAmount: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const id = v.safeParse(v.pipe(v.string(), v.regex(UUID)), (await request.formData()).get('id'));
		if (!id.success) error(400, 'Bad request');
		await admin.deleteAmount(actor, id.output, getClientAddress());
		return { deleted: true };
	}
};
