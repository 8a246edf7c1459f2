import { describe, expect, it } from 'vitest';
import { parsePreferencesForm } from './preferences.ts';

const form = (entries: [string, string][]) => {
	const data = new FormData();
	for (const [name, value] of entries) data.append(name, value);
	return data;
};

describe('the preference centre form', () => {
	it('reads every ticked topic and the language', () => {
		expect(
			parsePreferencesForm(
				form([
					['topics', 'results'],
					['topics', 'giving'],
					['language', 'fr']
				])
			)
		).toEqual({ ok: true, output: { language: 'fr', topics: ['results', 'giving'] } });
	});

	it('reads no ticked box as no topics wanted', () => {
		expect(parsePreferencesForm(form([['language', 'en']]))).toEqual({
			ok: true,
			output: { language: 'en', topics: [] }
		});
	});

	it('asks for English or French when no language or another one is sent', () => {
		for (const entries of [[], [['language', 'de']]] as [string, string][][]) {
			const parsed = parsePreferencesForm(form(entries));
			expect(parsed.ok).toBe(false);
			expect(!parsed.ok && parsed.errors.language).toEqual(['Choose English or French.']);
		}
	});

	it('refuses a topic that is not a topic key', () => {
		const parsed = parsePreferencesForm(
			form([
				['topics', 'results; drop table'],
				['language', 'en']
			])
		);
		expect(parsed.ok).toBe(false);
	});
});
