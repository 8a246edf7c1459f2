import * as v from 'valibot';
import { formatMoney, parseAmountToCents } from '#lib/donations/money.ts';
import { m } from '#lib/paraglide/messages.js';

// The forms of "Manage my giving" (/giving). Messages are functions: read in the reader's language.

export const givingRequestSchema = v.object({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty(() => m.giving_error_email()),
		v.maxLength(254, () => m.giving_error_email()),
		v.email(() => m.giving_error_email())
	)
});

/** The button on a link's page carries the link's token. */
export const givingTokenSchema = v.object({
	token: v.pipe(v.string(), v.regex(/^[a-z2-7]{32}$/))
});

/** Buttons that act on one monthly gift carry its id. */
export const monthlyGiftSchema = v.object({
	gift: v.pipe(v.string(), v.uuid())
});

/**
 * A new monthly amount, typed in dollars as on /donate ("25", "25.50", "25,50" in
 * French), within the donation form's minimum and maximum.
 */
export function monthlyAmountSchema(limits: {
	minCents: number;
	maxCents: number;
	currency: string;
	language: string;
}) {
	const money = (cents: number) => formatMoney(cents, limits.currency, limits.language);
	return v.object({
		gift: v.pipe(v.string(), v.uuid()),
		amount: v.pipe(
			v.optional(v.string(), ''),
			v.trim(),
			v.nonEmpty(() => m.giving_error_amount()),
			v.transform((text) => parseAmountToCents(text, limits.language)),
			v.number(() => m.giving_error_amount()),
			v.minValue(limits.minCents, () => m.giving_error_amount_min({ min: money(limits.minCents) })),
			v.maxValue(limits.maxCents, () => m.giving_error_amount_max({ max: money(limits.maxCents) }))
		)
	});
}
