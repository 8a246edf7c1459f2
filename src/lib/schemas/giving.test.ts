import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { givingRequestSchema, monthlyAmountSchema } from './giving.ts';

const GIFT = '6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f';
const limits = { minCents: 500, maxCents: 2_500_000, currency: 'cad' };

describe('a new monthly amount', () => {
	it.each([
		['en', '40', 4000],
		['en', '$40.50', 4050],
		['en', '1,000', 100_000],
		['fr', '40,50', 4050],
		['fr', '25 000', 2_500_000],
		['en', ' 5 ', 500]
	])('in %s, reads %j as %i cents', (language, amount, cents) => {
		const schema = monthlyAmountSchema({ ...limits, language });
		expect(v.parse(schema, { gift: GIFT, amount })).toEqual({ gift: GIFT, amount: cents });
	});

	it.each([
		['en', '', 'Enter an amount in dollars, for example 25 or 25.50.'],
		['en', 'a lot', 'Enter an amount in dollars, for example 25 or 25.50.'],
		['en', '4.99', 'The smallest monthly gift is $5.'],
		['en', '25000.01', 'The largest monthly gift online is $25,000.'],
		['en', '-10', 'Enter an amount in dollars, for example 25 or 25.50.']
	])('in %s, refuses %j next to the field: %s', (language, amount, message) => {
		const result = v.safeParse(monthlyAmountSchema({ ...limits, language }), {
			gift: GIFT,
			amount
		});
		expect(result.success).toBe(false);
		expect(v.flatten(result.issues!).nested).toEqual({ amount: [message] });
	});

	it('refuses a gift id that is not one', () => {
		const schema = monthlyAmountSchema({ ...limits, language: 'en' });
		expect(v.is(schema, { gift: "' or 1=1 --", amount: '40' })).toBe(false);
	});
});

describe('the link request form', () => {
	it('takes an address, trimmed', () => {
		expect(v.parse(givingRequestSchema, { email: ' Jane@Example.org ' })).toEqual({
			email: 'Jane@Example.org'
		});
	});
	it.each(['', 'not-an-address', `${'a'.repeat(250)}@example.org`])('refuses %j', (email) => {
		expect(v.is(givingRequestSchema, { email })).toBe(false);
	});
});
