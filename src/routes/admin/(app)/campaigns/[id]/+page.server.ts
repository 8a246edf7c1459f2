import { error, fail } from '@sveltejs/kit';
import { m } from '#lib/paraglide/messages.js';
import { campaignSchema } from '#lib/schemas/campaign.ts';
import { parseForm } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as campaigns from '#lib/server/campaigns/admin.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const load = async ({ locals, params, url }) => {
	requireStaff(locals);
	if (!UUID.test(params.id)) error(404, 'Not found');
	const campaign = await campaigns.read(params.id);
	if (!campaign) error(404, 'Not found');
	return { campaign, created: url.searchParams.get('saved') === 'created' };
};

export const actions = {
	default: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(campaignSchema, await request.formData());
		if (!form.ok) return fail(400, { values: form.values, errors: form.errors });
		const result = await campaigns.save(actor, params.id, form.output, getClientAddress());
		if (!result.ok && result.reason === 'not-found') error(404, 'Not found');
		if (!result.ok) {
			return fail(400, {
				values: form.values,
				errors: { slug: [m.campaign_admin_error_slug_taken()] as [string] }
			});
		}
		return { saved: true };
	}
};
