import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import { formatMoney, parseAmountToCents, type Frequency } from '#lib/donations/money.ts';
import { PROVINCES, postalCode } from './supporter.ts';

// The donation form (/donate), checked on the server; the browser uses
// `chosenAmountCents` to show the fee it would add as the donor types. The rules
// (minimum, maximum) come from the settings staff keep, so the schema is made per
// request. Messages are functions: read in the reader's language.

export interface DonationFormRules {
	minCents: number;
	maxCents: number;
	currency: string;
	language: 'en' | 'fr';
}

/** The form's fields, in the order they are shown: what comes back after a refusal. */
export const DONATION_FIELDS = [
	'frequency',
	'amount_one_time',
	'amount_monthly',
	'other_amount',
	'cover_fees',
	'designation',
	'tribute',
	'tribute_name',
	'tribute_email',
	'email',
	'first_name',
	'last_name',
	'anonymous',
	'email_consent',
	'wants_receipt',
	'address_line1',
	'address_line2',
	'city',
	'province',
	'postal_code'
] as const;

export type DonationFieldValues = Partial<Record<(typeof DONATION_FIELDS)[number], string>>;

/**
 * The amount the donor chose, in cents: what they typed in "other amount" when
 * they typed something (it wins over the ladder, with or without JavaScript),
 * else the ladder's choice for the frequency. Null when there is none or it is
 * not an amount.
 */
export function chosenAmountCents(
	values: Pick<
		DonationFieldValues,
		'frequency' | 'amount_one_time' | 'amount_monthly' | 'other_amount'
	>,
	language: string
): number | null {
	const other = (values.other_amount ?? '').trim();
	if (other !== '') return parseAmountToCents(other, language);
	const ladder = values.frequency === 'monthly' ? values.amount_monthly : values.amount_one_time;
	return ladder && /^\d{1,12}$/.test(ladder) ? Number(ladder) : null;
}

/** A ticked box sends its value; an unticked one sends nothing at all. */
const checkbox = v.pipe(
	v.optional(v.string(), ''),
	v.transform((value) => value !== '')
);

const text = (max: number) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.maxLength(max, () => m.donate_error_long({ max }))
	);

const emailAddress = (message: () => string) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.check(
			(value) =>
				value === '' || (value.length <= 254 && v.is(v.pipe(v.string(), v.email()), value)),
			message
		)
	);

export function donationSchema(rules: DonationFormRules) {
	const money = (cents: number) => formatMoney(cents, rules.currency, rules.language);
	const inRange = (cents: number | null) =>
		cents === null || (cents >= rules.minCents && cents <= rules.maxCents);

	return v.pipe(
		v.object({
			frequency: v.pipe(
				v.optional(v.string(), 'one_time'),
				v.picklist(['one_time', 'monthly'], () => m.donate_error_frequency())
			),
			amount_one_time: v.optional(v.string(), ''),
			amount_monthly: v.optional(v.string(), ''),
			other_amount: v.pipe(
				v.optional(v.string(), ''),
				v.trim(),
				v.check(
					(value) => value === '' || parseAmountToCents(value, rules.language) !== null,
					() => m.donate_error_amount_nan()
				),
				v.check(
					(value) =>
						value === '' ||
						(parseAmountToCents(value, rules.language) ?? Infinity) >= rules.minCents,
					() => m.donate_error_amount_min({ min: money(rules.minCents) })
				),
				v.check(
					(value) =>
						value === '' || (parseAmountToCents(value, rules.language) ?? 0) <= rules.maxCents,
					() => m.donate_error_amount_max({ max: money(rules.maxCents) })
				)
			),
			cover_fees: checkbox,
			designation: v.pipe(
				v.optional(v.string(), ''),
				v.trim(),
				v.check(
					(value) => value === '' || /^[a-z0-9]+(-[a-z0-9]+)*$/.test(value),
					() => m.donate_error_campaign()
				)
			),
			tribute: v.pipe(
				v.optional(v.string(), ''),
				v.picklist(['', 'none', 'honour', 'memory'], () => m.donate_error_tribute())
			),
			tribute_name: text(200),
			tribute_email: emailAddress(() => m.donate_error_tribute_email()),
			email: v.pipe(
				v.optional(v.string(), ''),
				v.trim(),
				v.nonEmpty(() => m.donate_error_email()),
				v.maxLength(254, () => m.donate_error_email()),
				v.email(() => m.donate_error_email())
			),
			first_name: text(100),
			last_name: text(100),
			anonymous: checkbox,
			email_consent: checkbox,
			wants_receipt: checkbox,
			address_line1: text(200),
			address_line2: text(200),
			city: text(100),
			province: v.pipe(
				v.optional(v.string(), ''),
				v.picklist(['', ...PROVINCES], () => m.donate_error_province())
			),
			postal_code: v.pipe(v.optional(v.string(), ''), postalCode)
		}),
		// No amount at all, or a ladder value out of range (only a forged form sends one):
		// said next to "other amount", where the donor can type one.
		v.forward(
			v.partialCheck(
				[['frequency'], ['amount_one_time'], ['amount_monthly'], ['other_amount']],
				(input) => chosenAmountCents(input, rules.language) !== null,
				() => m.donate_error_amount_choose()
			),
			['other_amount']
		),
		v.forward(
			v.partialCheck(
				[['frequency'], ['amount_one_time'], ['amount_monthly'], ['other_amount']],
				(input) => inRange(chosenAmountCents(input, rules.language)),
				() =>
					m.donate_error_amount_range({ min: money(rules.minCents), max: money(rules.maxCents) })
			),
			['other_amount']
		),
		v.forward(
			v.partialCheck(
				[['tribute'], ['tribute_name']],
				(input) => !['honour', 'memory'].includes(input.tribute) || input.tribute_name !== '',
				() => m.donate_error_tribute_name()
			),
			['tribute_name']
		),
		// What the CRA requires on an official receipt: the donor's name and address.
		v.forward(
			v.partialCheck(
				[['wants_receipt'], ['first_name']],
				(input) => !input.wants_receipt || input.first_name !== '',
				() => m.donate_error_receipt_first_name()
			),
			['first_name']
		),
		v.forward(
			v.partialCheck(
				[['wants_receipt'], ['last_name']],
				(input) => !input.wants_receipt || input.last_name !== '',
				() => m.donate_error_receipt_last_name()
			),
			['last_name']
		),
		v.forward(
			v.partialCheck(
				[['wants_receipt'], ['address_line1']],
				(input) => !input.wants_receipt || input.address_line1 !== '',
				() => m.donate_error_receipt_address()
			),
			['address_line1']
		),
		v.forward(
			v.partialCheck(
				[['wants_receipt'], ['city']],
				(input) => !input.wants_receipt || input.city !== '',
				() => m.donate_error_receipt_city()
			),
			['city']
		),
		v.forward(
			v.partialCheck(
				[['wants_receipt'], ['province']],
				(input) => !input.wants_receipt || input.province !== '',
				() => m.donate_error_receipt_province()
			),
			['province']
		),
		v.forward(
			v.partialCheck(
				[['wants_receipt'], ['postal_code']],
				(input) => !input.wants_receipt || input.postal_code !== '',
				() => m.donate_error_receipt_postal_code()
			),
			['postal_code']
		),
		v.transform((input) => {
			const tributeKind =
				input.tribute === 'honour' || input.tribute === 'memory' ? input.tribute : null;
			return {
				frequency: input.frequency as Frequency,
				amountCents: chosenAmountCents(input, rules.language)!,
				coverFees: input.cover_fees,
				campaign: input.designation || null,
				tribute: tributeKind
					? {
							kind: tributeKind,
							name: input.tribute_name,
							notifyEmail: input.tribute_email || null
						}
					: null,
				anonymous: input.anonymous,
				wantsReceipt: input.wants_receipt,
				email: input.email,
				firstName: input.first_name || null,
				lastName: input.last_name || null,
				// Only what a receipt needs is kept: no address without one.
				address: input.wants_receipt
					? {
							line1: input.address_line1,
							line2: input.address_line2 || null,
							city: input.city,
							province: input.province || null,
							postalCode: input.postal_code,
							country: 'Canada'
						}
					: null,
				emailConsent: input.email_consent
			};
		})
	);
}

export type DonationFormOutput = v.InferOutput<ReturnType<typeof donationSchema>>;

/** The test checkout's buttons (no Stripe key): what the donor's card or bank does. */
export const testPaySchema = v.object({
	outcome: v.picklist(['paid', 'declined', 'processing'])
});

/** Settling a test bank debit left processing. */
export const testSettleSchema = v.object({
	outcome: v.picklist(['succeeded', 'failed'])
});
