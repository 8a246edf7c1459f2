import { fail, redirect } from '@sveltejs/kit';
import { m } from '#lib/paraglide/messages.js';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { campaignSchema } from '#lib/schemas/campaign.ts';
import { parseForm } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as campaigns from '#lib/server/campaigns/admin.ts';

export const load = ({ locals }) => {
	requireStaff(locals, 'campaigner');
	return {};
};

export const actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const form = parseForm(campaignSchema, await request.formData());
		if (!form.ok) return fail(400, { values: form.values, errors: form.errors });
		const result = await campaigns.save(actor, null, form.output, getClientAddress());
		if (!result.ok) {
			return fail(400, {
				values: form.values,
				errors: { slug: [m.campaign_admin_error_slug_taken()] as [string] }
			});
		}
		redirect(303, localizeHref(`/admin/campaigns/${result.id}?saved=created`));
	}
};
