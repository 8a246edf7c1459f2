import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import {
	giftFilterFromSearchParams,
	giftFilterToSearchParams,
	ladderAmountSchema,
	normalizeRegistrationNumber,
	pageFromSearchParams,
	parsePercentToBasisPoints,
	receiptFilterFromSearchParams,
	receiptFilterToSearchParams,
	refundSchema,
	settingsSchema
} from './donation-admin.ts';

const settings = {
	min: '5',
	max: '25,000',
	fee_percent: '2.9',
	fee_fixed: '0.30',
	charity_legal_name: 'International Justice Mission Canada',
	charity_address: '',
	registration_number: '',
	receipt_location: '',
	signatory_name: '',
	signatory_title: ''
};

describe('the gift filter in the URL', () => {
	it('keeps what parses and drops the rest, so a bad value never fails the page', () => {
		const filter = giftFilterFromSearchParams(
			new URLSearchParams(
				'q=%20zoe%20&from=2026-01-01&to=not-a-date&frequency=weekly&designation=general&status=refunded&test=1'
			)
		);
		expect(filter).toEqual({
			q: 'zoe',
			from: '2026-01-01',
			designation: 'general',
			status: 'refunded',
			test: true
		});
	});

	it('reads back what it writes', () => {
		const filter = {
			q: 'zoe',
			from: '2026-01-01',
			to: '2026-01-31',
			frequency: 'monthly' as const,
			designation: '0b9c6a3e-52a1-4a8e-9c55-0c4ce4f8a2b1',
			test: true as const
		};
		expect(giftFilterFromSearchParams(giftFilterToSearchParams(filter))).toEqual(filter);
	});

	it('takes a designation that is "where most needed" or a campaign id, nothing else', () => {
		expect(giftFilterFromSearchParams(new URLSearchParams('designation=drop table'))).toEqual({});
	});

	it('reads official or test receipts, and a four-digit year', () => {
		expect(receiptFilterFromSearchParams(new URLSearchParams('test=official&year=2025'))).toEqual({
			test: false,
			year: 2025
		});
		expect(receiptFilterFromSearchParams(new URLSearchParams('test=maybe&year=25'))).toEqual({});
		expect(receiptFilterToSearchParams({ test: true, status: 'void' }).toString()).toBe(
			'status=void&test=test'
		);
	});

	it.each([
		['', 1],
		['3', 3],
		['0', 1],
		['-2', 1],
		['1.5', 1],
		['abc', 1]
	])('reads page %j as %i', (text, page) => {
		expect(pageFromSearchParams(new URLSearchParams(`page=${text}`))).toBe(page);
	});
});

describe('the donation settings form', () => {
	it.each([
		['2.9', 290],
		['2,9', 290],
		['2.95', 295],
		['0', 0],
		['10', 1000],
		['3 %', 300]
	])('reads %j percent as %i basis points', (text, bp) => {
		expect(parsePercentToBasisPoints(text)).toBe(bp);
	});

	it('forgives spaces, dashes and case in a registration number', () => {
		expect(normalizeRegistrationNumber(' 123456789 rr 0001 ')).toBe('123456789RR0001');
		expect(normalizeRegistrationNumber('123456789-RR-0001')).toBe('123456789RR0001');
	});

	it('turns what an admin typed into cents, basis points and nulls for what is not set', () => {
		expect(
			v.parse(settingsSchema, {
				...settings,
				registration_number: '123456789rr0001',
				charity_address: ' 1 Main St\nToronto ON '
			})
		).toEqual({
			min_cents: 500,
			max_cents: 2_500_000,
			fee_percent_bp: 290,
			fee_fixed_cents: 30,
			charity_legal_name: 'International Justice Mission Canada',
			charity_address: '1 Main St\nToronto ON',
			registration_number: '123456789RR0001',
			receipt_location: null,
			signatory_name: null,
			signatory_title: null
		});
	});

	it('says what is wrong next to each field', () => {
		const result = v.safeParse(settingsSchema, {
			...settings,
			min: 'five',
			fee_percent: '12',
			registration_number: '12345RR0001',
			charity_legal_name: ' '
		});
		expect(result.success).toBe(false);
		const nested = v.flatten(result.issues!).nested!;
		expect(Object.keys(nested).sort()).toEqual([
			'charity_legal_name',
			'fee_percent',
			'min',
			'registration_number'
		]);
	});

	it('refuses a maximum that is not above the minimum, on the maximum', () => {
		const result = v.safeParse(settingsSchema, { ...settings, min: '100', max: '100' });
		expect(result.success).toBe(false);
		expect(Object.keys(v.flatten(result.issues!).nested!)).toEqual(['max']);
	});
});

describe('refunds and the ladder', () => {
	it.each([
		['25', 2500],
		['25.5', 2550],
		['25,50', 2550],
		['$1,000', 100_000]
	])('reads a refund of %j as %i cents', (amount, cents) => {
		expect(v.parse(refundSchema, { amount })).toEqual({ amount: cents });
	});

	it.each(['', '0', 'ten', '-5', '5.123'])('refuses a refund of %j', (amount) => {
		expect(v.safeParse(refundSchema, { amount }).success).toBe(false);
	});

	it('reads a ladder amount with its default box', () => {
		expect(
			v.parse(ladderAmountSchema, {
				frequency: 'monthly',
				amount: '35',
				is_default: 'on',
				impact_en: 'Each month…',
				impact_fr: 'Chaque mois…'
			})
		).toEqual({
			frequency: 'monthly',
			amount_cents: 3500,
			is_default: true,
			impact_en: 'Each month…',
			impact_fr: 'Chaque mois…'
		});
	});
});
