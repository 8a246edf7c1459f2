import { error, fail } from '@sveltejs/kit';
import { hasRole } from '#lib/auth/roles.ts';
import { m } from '#lib/paraglide/messages.js';
import { getLocale } from '#lib/paraglide/runtime.js';
import { petitionMarkSchema, petitionSchema } from '#lib/schemas/campaign.ts';
import { parseForm } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as campaigns from '#lib/server/campaigns/admin.ts';
import * as petitions from '#lib/server/petitions/admin.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const load = async ({ locals, params, url }) => {
	const staff = requireStaff(locals);
	if (!UUID.test(params.id)) error(404, 'Not found');
	const language = getLocale() === 'fr' ? 'fr' : 'en';
	const canEdit = hasRole(staff, 'campaigner');
	const petition = await petitions.read(params.id, language);
	if (!petition) error(404, 'Not found');
	// Referrers' first names only for campaigners and up: viewers see counts.
	const [stats, updates, packages, campaignChoices] = await Promise.all([
		petitions.stats(params.id, canEdit),
		petitions.updates(params.id),
		canEdit ? petitions.packages(params.id) : Promise.resolve([]),
		canEdit ? campaigns.choices(language) : Promise.resolve([])
	]);
	return {
		petition,
		stats,
		updates,
		packages,
		campaigns: campaignChoices,
		created: url.searchParams.get('saved') === 'created'
	};
};

export const actions = {
	save: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(petitionSchema, await request.formData());
		if (!form.ok) return fail(400, { save: { values: form.values, errors: form.errors } });
		const result = await petitions.save(actor, params.id, form.output, getClientAddress());
		if (!result.ok && result.reason === 'not-found') error(404, 'Not found');
		if (!result.ok) {
			return fail(400, {
				save: {
					values: form.values,
					errors: { slug: [m.campaign_admin_error_slug_taken()] as [string] }
				}
			});
		}
		return { done: 'saved' as const };
	},

	mark: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(petitionMarkSchema, await request.formData());
		if (!form.ok) return fail(400, { mark: { values: form.values, errors: form.errors } });
		const { kind, update } = form.output;
		const result = await petitions.mark(actor, params.id, kind, update, getClientAddress());
		if (!result.ok && result.reason === 'not-found') error(404, 'Not found');
		if (!result.ok) {
			return fail(409, {
				mark: {
					values: form.values,
					errors: {
						kind: [
							kind === 'won'
								? m.petition_admin_error_already_won()
								: m.petition_admin_error_already_delivered()
						] as [string]
					}
				}
			});
		}
		return { done: kind };
	}
};
