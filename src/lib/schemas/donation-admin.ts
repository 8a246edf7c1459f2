import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import { parseDollarsToCents } from './campaign.ts';

// Staff's donation pages: the filters they keep in the URL (a GET form, so a list
// can be bookmarked) and the forms they submit. The filters are checked again in
// SQL (gifts_matching, recurring_gifts_find, receipts_find), where they are evaluated.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isoDate = v.pipe(v.string(), v.isoDate());
const search = v.pipe(v.string(), v.trim(), v.maxLength(254));

export const FREQUENCIES = ['one_time', 'monthly'] as const;
export const GIFT_STATUSES = ['pending', 'succeeded', 'failed', 'refunded'] as const;
export const SUBSCRIPTION_STATUSES = [
	'active',
	'past_due',
	'unpaid',
	'canceled',
	'incomplete',
	'incomplete_expired',
	'trialing',
	'paused'
] as const;
export const RECEIPT_STATUSES = ['issued', 'void'] as const;
export const RECEIPT_KINDS = ['gift', 'annual'] as const;

export const giftFilterSchema = v.object({
	from: v.optional(isoDate),
	to: v.optional(isoDate),
	frequency: v.optional(v.picklist(FREQUENCIES)),
	/** 'general' is "where most needed"; otherwise a campaign's id. */
	designation: v.optional(v.union([v.literal('general'), v.pipe(v.string(), v.regex(UUID))])),
	status: v.optional(v.picklist(GIFT_STATUSES)),
	/** Test gifts only (never mixed with real ones in a total). */
	test: v.optional(v.literal(true)),
	q: v.optional(search)
});
export type GiftFilter = v.InferOutput<typeof giftFilterSchema>;

export const monthlyFilterSchema = v.object({
	failed: v.optional(v.literal(true)),
	status: v.optional(v.picklist(SUBSCRIPTION_STATUSES)),
	test: v.optional(v.literal(true)),
	q: v.optional(search)
});
export type MonthlyFilter = v.InferOutput<typeof monthlyFilterSchema>;

export const receiptFilterSchema = v.object({
	year: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2000), v.maxValue(2200))),
	status: v.optional(v.picklist(RECEIPT_STATUSES)),
	kind: v.optional(v.picklist(RECEIPT_KINDS)),
	/** true: test and sample receipts only; false: official ones only. */
	test: v.optional(v.boolean()),
	q: v.optional(search)
});
export type ReceiptFilter = v.InferOutput<typeof receiptFilterSchema>;

/** Keeps each value that parses, drops the rest: a bad value never fails the page. */
function pick<Schema extends v.ObjectSchema<v.ObjectEntries, undefined>>(
	schema: Schema,
	candidate: Record<string, unknown>
): v.InferOutput<Schema> {
	const filter: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(candidate)) {
		if (value === undefined || value === '' || value === null) continue;
		const parsed = v.safeParse(schema.entries[key], value);
		if (parsed.success && parsed.output !== undefined && parsed.output !== '') {
			filter[key] = parsed.output;
		}
	}
	return filter as v.InferOutput<Schema>;
}

const flag = (params: URLSearchParams, name: string) => (params.get(name) ? true : undefined);

export function giftFilterFromSearchParams(params: URLSearchParams): GiftFilter {
	return pick(giftFilterSchema, {
		from: params.get('from'),
		to: params.get('to'),
		frequency: params.get('frequency'),
		designation: params.get('designation'),
		status: params.get('status'),
		test: flag(params, 'test'),
		q: params.get('q')
	});
}

export function giftFilterToSearchParams(filter: GiftFilter): URLSearchParams {
	const params = new URLSearchParams();
	for (const key of ['q', 'from', 'to', 'frequency', 'designation', 'status'] as const) {
		if (filter[key]) params.set(key, filter[key]);
	}
	if (filter.test) params.set('test', '1');
	return params;
}

export function monthlyFilterFromSearchParams(params: URLSearchParams): MonthlyFilter {
	return pick(monthlyFilterSchema, {
		failed: flag(params, 'failed'),
		status: params.get('status'),
		test: flag(params, 'test'),
		q: params.get('q')
	});
}

export function monthlyFilterToSearchParams(filter: MonthlyFilter): URLSearchParams {
	const params = new URLSearchParams();
	if (filter.q) params.set('q', filter.q);
	if (filter.status) params.set('status', filter.status);
	if (filter.failed) params.set('failed', '1');
	if (filter.test) params.set('test', '1');
	return params;
}

export function receiptFilterFromSearchParams(params: URLSearchParams): ReceiptFilter {
	const year = params.get('year');
	const test = params.get('test');
	return pick(receiptFilterSchema, {
		year: year && /^\d{4}$/.test(year) ? Number(year) : undefined,
		status: params.get('status'),
		kind: params.get('kind'),
		test: test === 'test' ? true : test === 'official' ? false : undefined,
		q: params.get('q')
	});
}

export function receiptFilterToSearchParams(filter: ReceiptFilter): URLSearchParams {
	const params = new URLSearchParams();
	if (filter.q) params.set('q', filter.q);
	if (filter.year) params.set('year', String(filter.year));
	if (filter.status) params.set('status', filter.status);
	if (filter.kind) params.set('kind', filter.kind);
	if (filter.test !== undefined) params.set('test', filter.test ? 'test' : 'official');
	return params;
}

/** The page number in ?page= (1 when missing or not a number). */
export function pageFromSearchParams(params: URLSearchParams): number {
	const page = Number(params.get('page'));
	return Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

// Forms. Messages are functions: read in the staff member's language when checked.

/** Dollars typed as people write them (25, 25.50, 25,50, 1,000, 1 000) to cents. */
const dollars = (options: { min: number; max: number; optional?: false }) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, () => m.admin_donations_error_required()),
		v.check(
			(value) => parseDollarsToCents(value) !== null,
			() => m.admin_donations_error_amount()
		),
		v.transform((value) => parseDollarsToCents(value)!),
		v.check(
			(cents) => cents >= options.min,
			() => m.admin_donations_error_amount_min({ min: centsToDollarsText(options.min) })
		),
		v.check(
			(cents) => cents <= options.max,
			() => m.admin_donations_error_amount_max({ max: centsToDollarsText(options.max) })
		)
	);

/** Cents as plain dollars, for a form field or a message: 2500 → "25.00". */
export function centsToDollarsText(cents: number): string {
	return (cents / 100).toFixed(2);
}

/** A refund: an amount in dollars (at most what is left is checked against the gift). */
export const refundSchema = v.object({
	amount: dollars({ min: 1, max: 99_999_999 }),
	confirm: v.optional(v.string())
});

const required = (max: number) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, () => m.admin_donations_error_required()),
		v.maxLength(max, () => m.admin_donations_error_long({ max }))
	);

const optional = (max: number) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(max, () => m.admin_donations_error_long({ max })),
		v.transform((value) => (value === '' ? null : value))
	);

/** A CRA registration number: nine digits, RR, four digits (spaces and case forgiven). */
export function normalizeRegistrationNumber(input: string): string {
	return input.replace(/[\s-]/g, '').toUpperCase();
}

const registrationNumber = v.pipe(
	v.string(),
	v.transform(normalizeRegistrationNumber),
	v.check(
		(value) => value === '' || /^[0-9]{9}RR[0-9]{4}$/.test(value),
		() => m.admin_donations_error_registration()
	),
	v.transform((value) => (value === '' ? null : value))
);

/** "2.9" or "2,9" percent to basis points (290); 0 to 10 %. */
export function parsePercentToBasisPoints(input: string): number | null {
	const match = /^(\d{1,2})(?:[.,](\d{1,2}))?\s*%?$/.exec(input.trim());
	if (!match) return null;
	return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

const feePercent = v.pipe(
	v.string(),
	v.trim(),
	v.minLength(1, () => m.admin_donations_error_required()),
	v.check(
		(value) => (parsePercentToBasisPoints(value) ?? 1001) <= 1000,
		() => m.admin_donations_error_percent()
	),
	v.transform((value) => parsePercentToBasisPoints(value)!)
);

export interface DonationSettingsFields {
	min_cents: number;
	max_cents: number;
	fee_percent_bp: number;
	fee_fixed_cents: number;
	charity_legal_name: string;
	charity_address: string | null;
	registration_number: string | null;
	receipt_location: string | null;
	signatory_name: string | null;
	signatory_title: string | null;
}

export const settingsSchema = v.pipe(
	v.object({
		min: dollars({ min: 100, max: 99_999_999 }),
		max: dollars({ min: 100, max: 99_999_999 }),
		fee_percent: feePercent,
		fee_fixed: dollars({ min: 0, max: 500 }),
		charity_legal_name: required(200),
		charity_address: optional(500),
		registration_number: registrationNumber,
		receipt_location: optional(200),
		signatory_name: optional(200),
		signatory_title: optional(200)
	}),
	v.forward(
		v.partialCheck(
			[['min'], ['max']],
			(input) => input.min < input.max,
			() => m.admin_donations_error_min_max()
		),
		['max']
	),
	v.transform((input): DonationSettingsFields => ({
		min_cents: input.min,
		max_cents: input.max,
		fee_percent_bp: input.fee_percent,
		fee_fixed_cents: input.fee_fixed,
		charity_legal_name: input.charity_legal_name,
		charity_address: input.charity_address,
		registration_number: input.registration_number,
		receipt_location: input.receipt_location,
		signatory_name: input.signatory_name,
		signatory_title: input.signatory_title
	}))
);

export interface LadderAmountFields {
	frequency: (typeof FREQUENCIES)[number];
	amount_cents: number;
	is_default: boolean;
	impact_en: string;
	impact_fr: string;
}

/** One amount of the ladder (its range against the settings is checked on save). */
export const ladderAmountSchema = v.pipe(
	v.object({
		frequency: v.picklist(FREQUENCIES, () => m.admin_donations_error_frequency()),
		amount: dollars({ min: 100, max: 99_999_999 }),
		is_default: v.optional(v.string()),
		impact_en: required(200),
		impact_fr: required(200)
	}),
	v.transform((input): LadderAmountFields => ({
		frequency: input.frequency,
		amount_cents: input.amount,
		is_default: Boolean(input.is_default),
		impact_en: input.impact_en,
		impact_fr: input.impact_fr
	}))
);

/** The tax year of annual receipts: from 2000 to this year. */
export const annualReceiptsSchema = v.object({
	year: v.pipe(
		v.string(),
		v.trim(),
		v.regex(/^\d{4}$/, () => m.admin_donations_error_year()),
		v.transform(Number),
		v.check(
			(year) => year >= 2000 && year <= new Date().getFullYear(),
			() => m.admin_donations_error_year()
		)
	)
});
