import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import {
	campaignSchema,
	centsToDollarsField,
	localDateTimeIn,
	parseDollarsToCents,
	parseLocalDateTime,
	parseOrigins,
	parseWholeNumber,
	petitionSchema
} from './campaign.ts';

describe('amounts and numbers as staff type them', () => {
	it.each([
		['50000', 5_000_000],
		['50,000', 5_000_000],
		['50 000', 5_000_000],
		['50\u00a0000,50', 5_000_050],
		['50000.5', 5_000_050],
		['$1,250.75', 125_075],
		['0', 0]
	])('reads %j as %i cents', (input, cents) => {
		expect(parseDollarsToCents(input)).toBe(cents);
	});

	it.each(['', 'fifty', '50,0000', '-5', '5.123', '1,2,3'])('refuses %j as an amount', (input) => {
		expect(parseDollarsToCents(input)).toBeNull();
	});

	it('shows cents back as dollars a form can read again', () => {
		expect(centsToDollarsField(5_000_000)).toBe('50000');
		expect(centsToDollarsField(5_000_050)).toBe('50000.50');
		expect(centsToDollarsField(null)).toBe('');
		expect(parseDollarsToCents(centsToDollarsField(5_000_050))).toBe(5_000_050);
	});

	it('reads whole numbers with or without group separators', () => {
		expect(parseWholeNumber('10,000')).toBe(10_000);
		expect(parseWholeNumber('10 000')).toBe(10_000);
		expect(parseWholeNumber('10.5')).toBeNull();
	});
});

describe('deadlines on the charity’s wall clock', () => {
	it('accepts what a datetime-local field sends, and refuses dates that do not exist', () => {
		expect(parseLocalDateTime('2027-06-30T23:59')).toBe('2027-06-30T23:59');
		expect(parseLocalDateTime('2027-06-30 23:59:00')).toBe('2027-06-30T23:59');
		expect(parseLocalDateTime('2027-02-30T10:00')).toBeNull();
		expect(parseLocalDateTime('2027-06-30T24:00')).toBeNull();
		expect(parseLocalDateTime('next friday')).toBeNull();
	});

	it('shows an instant as Toronto’s clock shows it, summer and winter', () => {
		expect(localDateTimeIn('2027-07-01T03:59:00Z')).toBe('2027-06-30T23:59');
		expect(localDateTimeIn('2027-01-15T17:00:00Z')).toBe('2027-01-15T12:00');
	});
});

describe('origins allowed to embed a petition', () => {
	it('keeps https origins, one a line, as browsers send them', () => {
		expect(parseOrigins('https://Partner.example.org/\n\n  https://a.example:8443  \r\n')).toEqual({
			origins: ['https://partner.example.org', 'https://a.example:8443']
		});
	});

	it.each([
		'http://partner.example.org',
		'https://partner.example.org/petition',
		'https://partner.example.org?x=1',
		'partner.example.org',
		'https://user:pass@partner.example.org',
		'javascript:alert(1)'
	])('names %j as not an https origin', (line) => {
		expect(parseOrigins(`https://ok.example\n${line}`)).toEqual({ invalid: line });
	});
});

const petitionForm = {
	slug: 'Free-Them',
	name: 'Free them (Minister)',
	status: 'published',
	campaign_id: '',
	goal: '10,000',
	deadline: '2027-06-30T23:59',
	embed_origins: 'https://partner.example.org',
	en_title: 'Free them',
	en_target: 'The Minister',
	en_letter: 'Dear Minister',
	fr_title: 'Libérez-les',
	fr_target: 'Le ministre',
	fr_letter: 'Monsieur le Ministre'
};

describe('the petition form', () => {
	it('turns the fields into what petition_save takes', () => {
		const output = v.parse(petitionSchema, petitionForm);
		expect(output).toMatchObject({
			slug: 'free-them',
			title: 'Free them (Minister)',
			campaign_id: null,
			goal: 10_000,
			deadline: '2027-06-30T23:59',
			time_zone: 'America/Toronto',
			embed_origins: ['https://partner.example.org'],
			fr: { title: 'Libérez-les', target: 'Le ministre', letter: 'Monsieur le Ministre' }
		});
	});

	it('puts each problem on its own field', () => {
		const result = v.safeParse(petitionSchema, {
			...petitionForm,
			slug: 'free them!',
			goal: 'many',
			deadline: 'soon',
			embed_origins: 'http://partner.example.org',
			fr_letter: ' '
		});
		expect(result.success).toBe(false);
		const fields = Object.keys(v.flatten(result.issues!).nested ?? {}).sort();
		expect(fields).toEqual(['deadline', 'embed_origins', 'fr_letter', 'goal', 'slug']);
	});
});

describe('the campaign form', () => {
	it('stores the donation goal in cents, and none when left empty', () => {
		const form = {
			slug: 'protect',
			status: 'draft',
			goal: '50 000',
			en_title: 'T',
			en_summary: 'S',
			en_story: 'Story',
			fr_title: 'T',
			fr_summary: 'R',
			fr_story: 'Récit'
		};
		expect(v.parse(campaignSchema, form).goal_cents).toBe(5_000_000);
		expect(v.parse(campaignSchema, { ...form, goal: '' }).goal_cents).toBeNull();
		expect(v.safeParse(campaignSchema, { ...form, goal: '0' }).success).toBe(false);
	});
});
