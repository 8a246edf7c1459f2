import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import {
	monthlyFilterFromSearchParams,
	monthlyFilterToSearchParams,
	pageFromSearchParams
} from '#lib/schemas/donation-admin.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as donations from '#lib/server/donations/admin.ts';
import { stripeSettings } from '#lib/server/donations/stripe.ts';

export const load = async ({ locals, url }) => {
	requireStaff(locals);
	const filter = monthlyFilterFromSearchParams(url.searchParams);
	const page = pageFromSearchParams(url.searchParams);
	const { rows, total } = await donations.findMonthly(filter, page);
	return {
		filter,
		filterQuery: monthlyFilterToSearchParams(filter).toString(),
		monthly: rows,
		total,
		page,
		pages: Math.max(1, Math.ceil(total / donations.PAGE_SIZE)),
		// Renewing on demand is the local test checkout's; with a Stripe key, Stripe renews.
		testRenewals: !stripeSettings.enabled
	};
};

const renewSchema = v.object({
	id: v.pipe(v.string(), v.uuid()),
	outcome: v.picklist(['paid', 'failed'])
});

export const actions = {
	// A test subscription's next renewal, now (admins and owners: it makes a gift).
	renew: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const form = v.safeParse(renewSchema, Object.fromEntries(await request.formData()));
		if (!form.success) error(400, 'Bad request');
		const result = await donations.renewTestMonthly(
			actor,
			form.output.id,
			form.output.outcome === 'paid',
			getClientAddress()
		);
		if (!result.ok) {
			return fail(400, {
				renew: {
					id: form.output.id,
					message:
						result.reason === 'canceled'
							? m.admin_donations_renew_canceled()
							: m.admin_donations_renew_not_test()
				}
			});
		}
		return { renewed: { id: form.output.id, paid: form.output.outcome === 'paid' } };
	}
};
