import { fail } from '@sveltejs/kit';
import {
	annualReceiptsSchema,
	pageFromSearchParams,
	receiptFilterFromSearchParams,
	receiptFilterToSearchParams
} from '#lib/schemas/donation-admin.ts';
import { parseForm } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as donations from '#lib/server/donations/admin.ts';
import { donationSettings } from '#lib/server/donations/settings.ts';

/** The year that just ended on the charity's clock: the usual year for annual receipts. */
function lastYear(): number {
	const year = Number(
		new Intl.DateTimeFormat('en-CA', { year: 'numeric', timeZone: 'America/Toronto' }).format(
			new Date()
		)
	);
	return year - 1;
}

export const load = async ({ locals, url }) => {
	requireStaff(locals);
	const filter = receiptFilterFromSearchParams(url.searchParams);
	const page = pageFromSearchParams(url.searchParams);
	const [{ rows, total }, settings] = await Promise.all([
		donations.findReceipts(filter, page),
		donationSettings()
	]);
	return {
		filter,
		filterQuery: receiptFilterToSearchParams(filter).toString(),
		receipts: rows,
		total,
		page,
		pages: Math.max(1, Math.ceil(total / donations.PAGE_SIZE)),
		annualYear: lastYear(),
		receiptsOfficial: settings.receiptsOfficial
	};
};

export const actions = {
	// One consolidated receipt per monthly donor for a year, each queued by email
	// (admins and owners). Running it again issues only what is missing.
	annual: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const form = parseForm(annualReceiptsSchema, await request.formData());
		if (!form.ok) return fail(400, { annual: { values: form.values, errors: form.errors } });
		const count = await donations.issueAnnualReceipts(actor, form.output.year, getClientAddress());
		return { annual: { values: form.values, done: { year: form.output.year, count } } };
	}
};
