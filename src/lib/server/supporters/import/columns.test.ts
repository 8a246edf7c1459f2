import { describe, expect, it } from 'vitest';
import { guessField, guessMapping } from './columns.ts';

describe('guessField', () => {
	it.each([
		['Email', 'email'],
		['E-mail', 'email'],
		['Courriel', 'email'],
		['Adresse courriel', 'email'],
		['First name', 'first_name'],
		['Prénom', 'first_name'],
		['Last name', 'last_name'],
		['Nom', 'last_name'],
		['Nom de famille', 'last_name'],
		['Language', 'language'],
		['Langue', 'language'],
		['Postal code', 'postal_code'],
		['Code postal', 'postal_code'],
		['Province', 'province'],
		['Tags', 'tags'],
		['Étiquettes', 'tags'],
		['Consent', 'consent'],
		['Email consent', 'consent'],
		['Consentement', 'consent'],
		['Consent date', 'consent_date'],
		['Date du consentement', 'consent_date'],
		['Consent source', 'consent_source'],
		['Source du consentement', 'consent_source'],
		['Consent wording', 'consent_wording'],
		['Libellé du consentement', 'consent_wording'],
		['Consent kind', 'consent_kind'],
		['Type de consentement', 'consent_kind'],
		['Last gift date', undefined],
		['Name', undefined],
		['City', undefined]
	])('%j suggests %j', (header, field) => {
		expect(guessField(header)).toBe(field);
	});
});

describe('guessMapping', () => {
	it('gives each field to the first column that suggests it', () => {
		expect(guessMapping(['Email', 'Courriel', 'City'], [])).toEqual(['email', 'ignore', 'ignore']);
	});
});
