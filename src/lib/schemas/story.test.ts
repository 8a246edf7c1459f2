import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { attentionFor, consentState } from '#lib/components/admin/stories.ts';
import { namedPlace, storyConsentSchema, storyNewSchema, storyWordsSchema } from './story.ts';

const words = {
	kind: 'survivor',
	quote_en: 'Do not lose hope.',
	quote_fr: 'Ne perdez pas espoir.',
	attribution_en: 'Elsa*, a survivor of sex trafficking from the Philippines',
	attribution_fr: 'Elsa*, survivante de la traite à des fins sexuelles, originaire des Philippines',
	pseudonym: 'on',
	hide_face: 'on',
	hide_place: 'on'
};
const consent = {
	consent_given_on: '2026-01-15',
	consent_given_to: 'Maria Santos, IJM Philippines',
	consent_web: 'on',
	consent_until: '2028-01-15'
};

const fieldsWithErrors = (schema: v.GenericSchema, input: Record<string, string>) => {
	const result = v.safeParse(schema, input);
	expect(result.success).toBe(false);
	return v.flatten(result.issues!).nested ?? {};
};

describe('a known place in words that must hide it', () => {
	it.each([
		['a survivor from Cebu', 'Cebu'],
		['rescued in PHNOM PENH', 'Phnom Penh'],
		['elle vivait à Montréal', 'Montreal'],
		['from Lapu Lapu City', 'Lapu-Lapu'],
		['near Siem-Reap', 'Siem Reap']
	])('finds it in “%s”', (text, place) => {
		expect(namedPlace(text)).toBe(place);
	});

	it.each([
		'a survivor from the Philippines',
		'Cebuano speaker',
		'Elsa*, survivante des Philippines'
	])('finds none in “%s” (a country, or a word that only starts like a city)', (text) => {
		expect(namedPlace(text)).toBeUndefined();
	});
});

describe('the story words form', () => {
	it('accepts the report’s words for Elsa, with empty extras as none', () => {
		expect(v.parse(storyWordsSchema, words)).toMatchObject({
			pseudonym: true,
			hide_face: true,
			hide_place: true,
			account_en: null,
			photo_url: null
		});
	});

	it('refuses a city in the attribution when the place must be hidden, next to that field', () => {
		const errors = fieldsWithErrors(storyWordsSchema, {
			...words,
			attribution_en: 'Elsa*, a survivor from Cebu'
		});
		expect(Object.keys(errors)).toEqual(['attribution_en']);
		expect(errors.attribution_en![0]).toContain('Cebu');
		expect(
			v.is(storyWordsSchema, { ...words, hide_place: '', attribution_en: 'Elsa*, Cebu' })
		).toBe(true);
	});

	it.each([
		[{ attribution_fr: 'Elsa, survivante' }, ['attribution_fr']],
		[{ account_en: 'She was rescued in 2012.' }, ['account_fr']],
		[{ photo_url: '/stories/elsa.jpg' }, ['photo_alt_en', 'photo_alt_fr']],
		[{ photo_url: '//evil.example/x.jpg', photo_alt_en: 'x', photo_alt_fr: 'x' }, ['photo_url']],
		[
			{ photo_url: 'http://example.org/x.jpg', photo_alt_en: 'x', photo_alt_fr: 'x' },
			['photo_url']
		],
		[{ quote_fr: '   ' }, ['quote_fr']],
		[{ kind: 'celebrity' }, ['kind']]
	])('refuses %j with a message on %j', (change, fields) => {
		expect(Object.keys(fieldsWithErrors(storyWordsSchema, { ...words, ...change })).sort()).toEqual(
			fields
		);
	});
});

describe('the consent form', () => {
	it('accepts a consent for the web until a day', () => {
		expect(v.parse(storyConsentSchema, consent)).toMatchObject({
			consent_web: true,
			consent_email: false,
			consent_note: null
		});
	});

	it.each([
		[{ consent_web: '' }, ['consent_uses']],
		[{ consent_until: '2025-01-01' }, ['consent_until']],
		[{ consent_given_on: '2999-01-01', consent_until: '2999-02-01' }, ['consent_given_on']],
		[{ consent_until: '' }, ['consent_until']],
		[{ consent_given_on: '15/01/2026' }, ['consent_given_on']],
		[{ consent_given_to: '' }, ['consent_given_to']]
	])('refuses %j with a message on %j', (change, fields) => {
		expect(
			Object.keys(fieldsWithErrors(storyConsentSchema, { ...consent, ...change })).sort()
		).toEqual(fields);
	});

	it('a new story needs its words and its consent, each error next to its field', () => {
		const errors = fieldsWithErrors(storyNewSchema, {
			...words,
			...consent,
			attribution_en: 'Elsa, from Manila',
			consent_web: ''
		});
		expect(Object.keys(errors).sort()).toEqual(['attribution_en', 'consent_uses']);
	});
});

describe('what staff are told about a story’s consent', () => {
	const story = {
		status: 'published' as const,
		seeded: false,
		consent_given_on: '2026-01-01',
		consent_until: '2026-06-30',
		consent_withdrawn_at: null,
		published_at: '2026-02-01T12:00:00Z'
	};

	it.each([
		['2026-05-01', { kind: 'current', until: '2026-06-30' }, undefined],
		['2026-06-01', { kind: 'ending', on: '2026-06-30', days: 29 }, 'ending'],
		['2026-06-30', { kind: 'ending', on: '2026-06-30', days: 0 }, 'ending'],
		['2026-07-01', { kind: 'ended', on: '2026-06-30' }, 'hidden']
	])('on %s: %j, %s', (today, state, attention) => {
		expect(consentState(story, today)).toEqual(state);
		expect(attentionFor(story, today)).toBe(attention);
	});

	it('a withdrawal is news for 30 days, if the story had been published', () => {
		const withdrawn = {
			...story,
			status: 'unpublished' as const,
			consent_withdrawn_at: '2026-03-01T09:00:00Z'
		};
		expect(attentionFor(withdrawn, '2026-03-20')).toBe('hidden');
		expect(attentionFor(withdrawn, '2026-04-15')).toBeUndefined();
		expect(attentionFor({ ...withdrawn, published_at: null }, '2026-03-02')).toBeUndefined();
	});

	it('a seeded story without its consent record says so', () => {
		expect(
			consentState(
				{ ...story, seeded: true, consent_given_on: null, consent_until: null },
				'2026-01-01'
			)
		).toEqual({ kind: 'printed' });
	});
});
