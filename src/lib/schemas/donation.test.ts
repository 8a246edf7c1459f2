import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { chosenAmountCents, donationSchema, testPaySchema } from './donation.ts';

const rules = { minCents: 500, maxCents: 2_500_000, currency: 'cad', language: 'en' as const };
const schema = donationSchema(rules);

const valid = {
	frequency: 'one_time',
	amount_one_time: '10000',
	amount_monthly: '5000',
	email: ' Marie@Example.org '
};

const receipt = {
	wants_receipt: 'yes',
	first_name: 'Marie',
	last_name: 'Tremblay',
	address_line1: '12 rue Principale',
	city: 'Montréal',
	province: 'QC',
	postal_code: 'h2x1y4'
};

/** Each refused field with the message shown next to it. */
function refusals(input: Record<string, string>, ruleSet = rules) {
	const result = v.safeParse(donationSchema(ruleSet), input);
	expect(result.success).toBe(false);
	const nested = v.flatten(result.issues!).nested ?? {};
	return Object.fromEntries(Object.entries(nested).map(([key, messages]) => [key, messages![0]]));
}

describe('the donation form', () => {
	it('gives the ladder amount of the chosen frequency, with nothing else asked', () => {
		expect(v.parse(schema, valid)).toEqual({
			frequency: 'one_time',
			amountCents: 10_000,
			coverFees: false,
			campaign: null,
			tribute: null,
			anonymous: false,
			wantsReceipt: false,
			email: 'Marie@Example.org',
			firstName: null,
			lastName: null,
			address: null,
			emailConsent: false
		});
		expect(v.parse(schema, { ...valid, frequency: 'monthly' }).amountCents).toBe(5000);
	});

	it('gives an amount typed in "other amount" instead of the ladder’s, in either language', () => {
		expect(v.parse(schema, { ...valid, other_amount: '1,234.50' }).amountCents).toBe(123_450);
		expect(
			v.parse(donationSchema({ ...rules, language: 'fr' }), { ...valid, other_amount: '40,50 $' })
				.amountCents
		).toBe(4050);
	});

	it('reads ticked boxes as yes: cover the fees, anonymous, keep me informed', () => {
		const parsed = v.parse(schema, {
			...valid,
			cover_fees: 'yes',
			anonymous: 'yes',
			email_consent: 'yes'
		});
		expect([parsed.coverFees, parsed.anonymous, parsed.emailConsent]).toEqual([true, true, true]);
	});

	it.each([
		['not a number', 'forty', 'Enter an amount in dollars, like 40 or 40.50.'],
		['below the minimum', '4.99', 'The smallest gift we can take online is $5.'],
		[
			'above the maximum',
			'25000.01',
			'The largest gift we can take online is $25,000. For a larger gift, please contact us.'
		],
		['too many decimals', '10.001', 'Enter an amount in dollars, like 40 or 40.50.']
	])('refuses an other amount %s with a message next to it', (_, amount, message) => {
		expect(refusals({ ...valid, other_amount: amount })).toEqual({ other_amount: message });
	});

	it('accepts the minimum and the maximum themselves', () => {
		expect(v.parse(schema, { ...valid, other_amount: '5' }).amountCents).toBe(500);
		expect(v.parse(schema, { ...valid, other_amount: '25,000' }).amountCents).toBe(2_500_000);
	});

	it('asks for an amount when none is chosen, and refuses a forged ladder amount', () => {
		expect(refusals({ email: 'a@example.org' })).toEqual({
			other_amount: 'Choose an amount above, or type one here.'
		});
		expect(refusals({ ...valid, amount_one_time: '1' })).toEqual({
			other_amount: 'Choose an amount from $5 to $25,000.'
		});
	});

	it('asks for a valid email address', () => {
		expect(refusals({ ...valid, email: '' })).toEqual({
			email: 'Enter your email address, like name@example.org.'
		});
		expect(Object.keys(refusals({ ...valid, email: 'marie@' }))).toEqual(['email']);
	});

	it('keeps the name and address a receipt needs, tidied', () => {
		const parsed = v.parse(schema, { ...valid, ...receipt });
		expect(parsed.wantsReceipt).toBe(true);
		expect([parsed.firstName, parsed.lastName]).toEqual(['Marie', 'Tremblay']);
		expect(parsed.address).toEqual({
			line1: '12 rue Principale',
			line2: null,
			city: 'Montréal',
			province: 'QC',
			postalCode: 'H2X 1Y4',
			country: 'Canada'
		});
	});

	it('asks for every field the CRA requires when a receipt is wanted, each next to its field', () => {
		expect(refusals({ ...valid, wants_receipt: 'yes' })).toEqual({
			first_name: 'A tax receipt needs your first name.',
			last_name: 'A tax receipt needs your last name.',
			address_line1: 'A tax receipt needs your street address.',
			city: 'A tax receipt needs your city.',
			province: 'A tax receipt needs your province or territory.',
			postal_code: 'A tax receipt needs your postal code.'
		});
	});

	it('refuses a postal code that is not Canadian and a province not in the list', () => {
		expect(Object.keys(refusals({ ...valid, ...receipt, postal_code: '90210' }))).toEqual([
			'postal_code'
		]);
		expect(Object.keys(refusals({ ...valid, ...receipt, province: 'XX' }))).toEqual(['province']);
	});

	it('keeps no address without a receipt, even one typed', () => {
		expect(v.parse(schema, { ...valid, ...receipt, wants_receipt: '' }).address).toBeNull();
	});

	it('needs the name of the person a tribute is for; their email is optional but must be one', () => {
		expect(refusals({ ...valid, tribute: 'memory' })).toEqual({
			tribute_name: 'Enter the name of the person you give in honour or in memory of.'
		});
		expect(
			v.parse(schema, { ...valid, tribute: 'honour', tribute_name: ' Grand-maman ' }).tribute
		).toEqual({ kind: 'honour', name: 'Grand-maman', notifyEmail: null });
		expect(
			Object.keys(
				refusals({ ...valid, tribute: 'honour', tribute_name: 'Lou', tribute_email: 'lou@' })
			)
		).toEqual(['tribute_email']);
		expect(v.parse(schema, { ...valid, tribute: 'none', tribute_name: 'Lou' }).tribute).toBeNull();
	});

	it('takes a campaign slug as the designation and refuses anything else', () => {
		expect(v.parse(schema, { ...valid, designation: 'protect-children-online' }).campaign).toBe(
			'protect-children-online'
		);
		expect(Object.keys(refusals({ ...valid, designation: '../admin' }))).toEqual(['designation']);
	});

	it('says everything wrong at once', () => {
		expect(
			Object.keys(refusals({ other_amount: 'x', email: 'nope', wants_receipt: 'yes' })).sort()
		).toEqual([
			'address_line1',
			'city',
			'email',
			'first_name',
			'last_name',
			'other_amount',
			'postal_code',
			'province'
		]);
	});
});

describe('the chosen amount (shown live as the donor types)', () => {
	it.each([
		[{ frequency: 'one_time', amount_one_time: '5000' }, 5000],
		[{ frequency: 'monthly', amount_one_time: '5000', amount_monthly: '2500' }, 2500],
		[{ frequency: 'monthly', amount_monthly: '2500', other_amount: '12.34' }, 1234],
		[{ frequency: 'one_time', other_amount: 'abc' }, null],
		[{ frequency: 'one_time' }, null],
		[{ frequency: 'one_time', amount_one_time: '12abc' }, null]
	])('%j is %j cents', (values, cents) => {
		expect(chosenAmountCents(values, 'en')).toBe(cents);
	});
});

describe('the test checkout’s buttons', () => {
	it('knows only pay, decline and bank debit', () => {
		expect(v.is(testPaySchema, { outcome: 'paid' })).toBe(true);
		expect(v.is(testPaySchema, { outcome: 'refund' })).toBe(false);
	});
});
