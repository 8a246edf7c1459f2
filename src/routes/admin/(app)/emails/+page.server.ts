import { fail, redirect } from '@sveltejs/kit';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { getLocale } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as broadcasts from '#lib/server/broadcasts/index.ts';
import { startingPoint } from '#lib/server/broadcasts/start.ts';
import * as campaigns from '#lib/server/campaigns/admin.ts';
import * as petitions from '#lib/server/petitions/index.ts';

export const load = async ({ locals }) => {
	requireStaff(locals, 'campaigner');
	// Due sends start here too, so they go out where no worker runs the scheduler
	// (a site without a Resend key shows them at /dev/mail).
	await broadcasts.tick();
	const [list, lastResults, petitionChoices, campaignChoices] = await Promise.all([
		broadcasts.list(),
		broadcasts.lastResultsUpdateAt(),
		petitions.listForFilter(),
		campaigns.choices(getLocale())
	]);
	return {
		broadcasts: list,
		lastResultsUpdate: lastResults?.toISOString() ?? null,
		petitions: petitionChoices,
		campaigns: campaignChoices
	};
};

export const actions = {
	create: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const form = await request.formData();
		const origin = String(form.get('origin') ?? '');
		const from = String(form.get(`${origin}_id`) ?? '');
		const start = await startingPoint(origin, from);
		if (!start) return fail(400, { origin, error: m.broadcast_error_start() });
		const id = await broadcasts.create(actor, start, getClientAddress());
		redirect(303, localizeHref(`/admin/emails/${id}`));
	}
};
