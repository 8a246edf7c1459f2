import { fail, redirect } from '@sveltejs/kit';
import { m } from '#lib/paraglide/messages.js';
import { getLocale, localizeHref } from '#lib/paraglide/runtime.js';
import { petitionSchema } from '#lib/schemas/campaign.ts';
import { parseForm } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as campaigns from '#lib/server/campaigns/admin.ts';
import * as petitions from '#lib/server/petitions/admin.ts';

export const load = async ({ locals, url }) => {
	requireStaff(locals, 'campaigner');
	return {
		campaigns: await campaigns.choices(getLocale() === 'fr' ? 'fr' : 'en'),
		campaign: url.searchParams.get('campaign') ?? ''
	};
};

export const actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const form = parseForm(petitionSchema, await request.formData());
		if (!form.ok) return fail(400, { values: form.values, errors: form.errors });
		const result = await petitions.save(actor, null, form.output, getClientAddress());
		if (!result.ok) {
			return fail(400, {
				values: form.values,
				errors: { slug: [m.campaign_admin_error_slug_taken()] as [string] }
			});
		}
		redirect(303, localizeHref(`/admin/petitions/${result.id}?saved=created`));
	}
};
