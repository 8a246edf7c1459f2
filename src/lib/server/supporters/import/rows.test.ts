import { describe, expect, it } from 'vitest';
import type { ColumnTarget } from '#lib/schemas/supporter-import.ts';
import { readRow } from './rows.ts';

const mapping: ColumnTarget[] = [
	'email',
	'first_name',
	'last_name',
	'language',
	'postal_code',
	'province',
	'tags',
	'consent',
	'consent_date',
	'consent_source',
	'consent_kind',
	'ignore'
];

function row(values: Partial<Record<ColumnTarget, string>>) {
	const cells = mapping.map((field) => values[field] ?? '');
	return readRow(7, cells, mapping, 'donors.csv');
}

describe('readRow', () => {
	it('reads a full row, normalised', () => {
		expect(
			row({
				email: ' Ana@Example.org ',
				first_name: 'Ana',
				language: 'Français',
				postal_code: 'h2x1y4',
				province: 'Québec',
				tags: 'volunteer; Donor, volunteer',
				consent: 'Oui',
				consent_date: '2025-03-01',
				consent_source: 'gala sign-up sheet',
				consent_kind: 'implied (gift)'
			})
		).toEqual({
			row_number: 7,
			email_key: 'ana@example.org',
			reasons: [],
			email: 'Ana@Example.org',
			first_name: 'Ana',
			last_name: null,
			language: 'fr',
			postal_code: 'H2X 1Y4',
			province: 'QC',
			tags: ['volunteer', 'Donor'],
			consent_given_at: '2025-03-01T00:00:00.000Z',
			consent_kind: 'gift',
			consent_source: 'gala sign-up sheet',
			consent_wording: null,
			consent_wording_en:
				'Consent to email was stated in the imported file “donors.csv” (source: gala sign-up sheet; date: 2025-03-01).',
			consent_wording_fr:
				'Le consentement aux courriels est indiqué dans le fichier importé « donors.csv » (source : gala sign-up sheet; date : 2025-03-01).',
			consent_unrecorded: false
		});
	});

	it.each([
		[{ email: '' }, 'email_missing'],
		[{ email: 'not-an-address' }, 'email_invalid'],
		[{ email: 'a@x.ca', first_name: 'x'.repeat(101) }, 'first_name_long'],
		[{ email: 'a@x.ca', last_name: 'x'.repeat(101) }, 'last_name_long'],
		[{ email: 'a@x.ca', language: 'Deutsch' }, 'language_invalid'],
		[{ email: 'a@x.ca', province: 'Texas' }, 'province_invalid'],
		[{ email: 'a@x.ca', postal_code: '90210' }, 'postal_code_invalid'],
		[{ email: 'a@x.ca', tags: `ok; ${'t'.repeat(61)}` }, 'tag_long'],
		[{ email: 'a@x.ca', consent: 'maybe' }, 'consent_invalid'],
		[{ email: 'a@x.ca', consent: 'yes', consent_date: '2025-02-30' }, 'consent_date_invalid'],
		[{ email: 'a@x.ca', consent: 'yes', consent_date: '03/15/2025' }, 'consent_date_invalid'],
		[{ email: 'a@x.ca', consent: 'yes', consent_date: '2999-01-01' }, 'consent_date_future'],
		[{ email: 'a@x.ca', consent_kind: 'implied' }, 'consent_kind_invalid']
	])('rejects %j: %s', (values, code) => {
		expect(row(values).reasons).toEqual([{ code }]);
	});

	it('keeps the address of a row rejected for another reason, so a later row can be its duplicate', () => {
		expect(row({ email: 'A@x.ca', postal_code: 'nope' }).email_key).toBe('a@x.ca');
		expect(row({ email: 'nope' }).email_key).toBeNull();
	});

	it.each([
		['ON', 'ON'],
		['Ontario', 'ON'],
		['quebec', 'QC'],
		['Colombie-Britannique', 'BC'],
		['Île-du-Prince-Édouard', 'PE'],
		['Nfld.', 'NL']
	])('reads the province %j as %s', (province, code) => {
		expect(row({ email: 'a@x.ca', province }).province).toBe(code);
	});

	it.each(['English', 'anglais', 'EN', 'en'])('reads %j as English', (language) => {
		expect(row({ email: 'a@x.ca', language }).language).toBe('en');
	});

	it('records consent only with a source and a date; a yes without them is counted', () => {
		const noSource = row({ email: 'a@x.ca', consent: 'yes', consent_date: '2025-01-01' });
		expect(noSource).toMatchObject({
			reasons: [],
			consent_given_at: null,
			consent_unrecorded: true
		});
		const noDate = row({ email: 'a@x.ca', consent: 'x', consent_source: 'web form' });
		expect(noDate).toMatchObject({ reasons: [], consent_given_at: null, consent_unrecorded: true });
		const no = row({
			email: 'a@x.ca',
			consent: 'non',
			consent_date: '2025-01-01',
			consent_source: 'web'
		});
		expect(no).toMatchObject({ consent_given_at: null, consent_unrecorded: false });
		const express = row({
			email: 'a@x.ca',
			consent: 'TRUE',
			consent_date: '2025-01-01T14:30:00-05:00',
			consent_source: 'web'
		});
		expect(express).toMatchObject({
			consent_given_at: '2025-01-01T19:30:00.000Z',
			consent_kind: 'express'
		});
	});

	it('an empty cell is null, so it never erases what a supporter has', () => {
		expect(row({ email: 'a@x.ca' })).toMatchObject({
			first_name: null,
			last_name: null,
			language: null,
			postal_code: null,
			province: null,
			tags: []
		});
	});
});
