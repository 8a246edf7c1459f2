import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { petitionLaterConsentSchema, petitionSignatureSchema } from './petition.ts';

const valid = {
	first_name: ' Marie ',
	last_name: 'Tremblay',
	email: ' Marie@Example.org ',
	postal_code: 'h2x1y4'
};

function invalidFields(input: Record<string, string>) {
	const result = v.safeParse(petitionSignatureSchema, input);
	expect(result.success).toBe(false);
	return Object.keys(v.flatten(result.issues!).nested ?? {}).sort();
}

describe('the petition form', () => {
	it('accepts a signature, tidies it, and reads unticked boxes as no', () => {
		expect(v.parse(petitionSignatureSchema, valid)).toEqual({
			first_name: 'Marie',
			last_name: 'Tremblay',
			email: 'Marie@Example.org',
			postal_code: 'H2X 1Y4',
			comment: '',
			consent: false,
			show_name: false
		});
	});

	it('reads ticked boxes as yes', () => {
		const parsed = v.parse(petitionSignatureSchema, { ...valid, consent: 'yes', show_name: 'yes' });
		expect([parsed.consent, parsed.show_name]).toEqual([true, true]);
	});

	it.each([
		[{ ...valid, first_name: '  ' }, ['first_name']],
		[{ ...valid, last_name: '' }, ['last_name']],
		[{ ...valid, email: 'marie@' }, ['email']],
		[{ ...valid, postal_code: '' }, ['postal_code']],
		[{ ...valid, postal_code: '12345' }, ['postal_code']],
		[{ ...valid, postal_code: 'D1A 1A1' }, ['postal_code']],
		[{ ...valid, comment: 'x'.repeat(501) }, ['comment']],
		[
			{ first_name: '', last_name: '', email: '', postal_code: '' },
			['email', 'first_name', 'last_name', 'postal_code']
		]
	])('refuses %j with a message on %j', (input, fields) => {
		expect(invalidFields(input)).toEqual(fields);
	});

	it('allows a comment of exactly 500 characters', () => {
		expect(
			v.parse(petitionSignatureSchema, { ...valid, comment: 'x'.repeat(500) }).comment
		).toHaveLength(500);
	});

	it('asks for the box to be ticked on the second chance for updates', () => {
		expect(v.safeParse(petitionLaterConsentSchema, {}).success).toBe(false);
		expect(v.safeParse(petitionLaterConsentSchema, { consent: 'yes' }).success).toBe(true);
	});
});
