import { describe, expect, it } from 'vitest';
import { SITE_URL } from '$app/env/public';
import {
	describeChange,
	describeSource,
	isToken,
	maskEmail,
	wordings,
	type LedgerRow
} from './preferences.ts';
import { recipientFields, renderEmail } from './render.ts';

// The preference centre's pure parts: what the page shows of the address and of
// each ledger row, the words a change is recorded with, and the link every
// broadcast carries to it.

describe('maskEmail', () => {
	it.each([
		['jane.doe@example.org', 'j•••@example.org'],
		['J@x.ca', 'J•••@x.ca'],
		['élodie@courriel.qc.ca', 'é•••@courriel.qc.ca'],
		['😀smile@example.org', '😀•••@example.org'],
		['odd"@name"@example.org', 'o•••@example.org'],
		['not-an-address', '•••']
	])('shows %s as %s: the first character and the domain', (email, masked) => {
		expect(maskEmail(email)).toBe(masked);
	});
});

describe('isToken', () => {
	it('takes the hex tokens of email links and nothing else', () => {
		expect(isToken('a'.repeat(64))).toBe(true);
		expect(isToken('A'.repeat(64))).toBe(false);
		expect(isToken('abc')).toBe(false);
		expect(isToken(`${'a'.repeat(64)}/../x`)).toBe(false);
	});
});

const row = (fields: Partial<LedgerRow>): LedgerRow => ({
	recorded_at: '2027-03-01T15:00:00Z',
	given_at: null,
	channel: 'email',
	topic: null,
	status: 'granted',
	kind: 'express',
	source: '/preferences',
	wording: 'Yes.',
	language: 'en',
	expires_at: null,
	...fields
});

describe('describeChange', () => {
	it.each([
		[row({}), 'en', 'Subscribed'],
		[row({ status: 'withdrawn' }), 'en', 'Unsubscribed from all email'],
		[row({ status: 'withdrawn' }), 'fr', 'Désabonnement de tous les courriels'],
		[
			row({ kind: 'implied', expires_at: '2029-03-01T00:00:00Z' }),
			'en',
			'Subscribed (implied consent, until March 1, 2029)'
		],
		[
			row({ channel: 'email_topic', topic: 'results', status: 'withdrawn' }),
			'en',
			'Stopped getting: Results and impact'
		],
		[
			row({ channel: 'email_topic', topic: 'giving', status: 'granted' }),
			'fr',
			'Choisi de recevoir : Appels et dons'
		]
	] as const)('says what a row did (%#)', (ledgerRow, locale, text) => {
		expect(describeChange(ledgerRow, locale)).toBe(text);
	});
});

describe('describeSource', () => {
	it('names email links and imports, and shows a page address as it is', () => {
		expect(describeSource('/preferences', 'en')).toBe('Email preferences page');
		expect(describeSource('email:list-unsubscribe-post', 'fr')).toBe(
			'Désabonnement en un clic dans votre logiciel de courriel'
		);
		expect(describeSource('import:donors-2019.csv:gala', 'en')).toBe(
			'Added by our staff from an earlier list'
		);
		expect(describeSource('/petitions/clean-water/thanks', 'en')).toBe(
			'/petitions/clean-water/thanks'
		);
	});
});

describe('wordings', () => {
	it('has the words of every change the page can make, in the page’s language', () => {
		const words = wordings(['results', 'campaigns'], 'fr');
		expect(Object.keys(words).sort()).toEqual(
			[
				'subscribe',
				'unsubscribe',
				'topic_in:campaigns',
				'topic_in:results',
				'topic_out:campaigns',
				'topic_out:results'
			].sort()
		);
		expect(words['topic_out:results']).toBe(
			'J’ai décoché « Résultats et impact : Ce que vos signatures et vos dons ont changé : personnes secourues, causes gagnées, lois appliquées. » dans mes préférences de courriel.'
		);
		expect(words.subscribe).toMatch(/^Oui, envoyez-moi par courriel les nouvelles de .+/);
	});
});

describe('the link to the preference centre in emails', () => {
	const flat = (text: string) => text.replace(/\s+/g, ' ');
	const email = (kind: 'broadcast' | 'transactional', language: 'en' | 'fr') =>
		renderEmail({
			template: 'sample',
			kind,
			language,
			data: {},
			to: 'jane@example.org',
			from: 'Charity <updates@example.org>',
			recipient: recipientFields({ firstName: 'Jane', emailToken: 'ab12'.repeat(16), language })
		});

	it('is in every broadcast, beside unsubscribe, in the reader’s language', () => {
		const english = email('broadcast', 'en');
		expect(english.html).toContain(`href="${SITE_URL}/preferences/${'ab12'.repeat(16)}"`);
		expect(flat(english.text)).toContain('Unsubscribe [');
		expect(flat(english.text)).toContain('Manage your email preferences');
		const french = email('broadcast', 'fr');
		expect(french.html).toContain(`href="${SITE_URL}/fr/preferences/${'ab12'.repeat(16)}"`);
		expect(flat(french.text)).toContain('Gérer vos préférences de courriel');
	});

	it('is not in a transactional email', () => {
		const receipt = email('transactional', 'en');
		expect(receipt.html).not.toContain('/preferences/');
		expect(flat(receipt.text)).not.toContain('Manage your email preferences');
	});
});
