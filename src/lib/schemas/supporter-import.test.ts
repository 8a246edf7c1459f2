import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseForm } from './form.ts';
import {
	mappingFromForm,
	mappingSchema,
	readConsentDate,
	readConsentKind
} from './supporter-import.ts';

const form = (entries: Record<string, string>) => {
	const data = new FormData();
	for (const [name, value] of Object.entries(entries)) data.set(name, value);
	return data;
};

describe('the mapping form', () => {
	it('reads a target for each column and the tag', () => {
		const parsed = parseForm(
			mappingSchema(3),
			form({ column_0: 'email', column_1: 'ignore', column_2: 'tags', tag: '  fair 2025 ' })
		);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(mappingFromForm(3, parsed.output as Record<string, string>)).toEqual([
			'email',
			'ignore',
			'tags'
		]);
		expect((parsed.output as Record<string, string>).tag).toBe('fair 2025');
	});

	it('asks for the email column when none is chosen', () => {
		const parsed = parseForm(
			mappingSchema(2),
			form({ column_0: 'ignore', column_1: 'first_name' })
		);
		expect(parsed.ok || parsed.errors).toEqual({
			mapping: ['Choose the column that holds the email addresses.']
		});
	});

	it('puts “chosen twice” next to the second column that chose it', () => {
		const parsed = parseForm(
			mappingSchema(3),
			form({ column_0: 'email', column_1: 'last_name', column_2: 'last_name' })
		);
		expect(parsed.ok || parsed.errors).toEqual({
			column_2: ['“Last name” is chosen for more than one column: choose it for one only.']
		});
	});

	it('refuses a field that does not exist', () => {
		expect(v.safeParse(mappingSchema(1), { column_0: 'password' }).success).toBe(false);
	});
});

describe('consent dates and kinds', () => {
	it.each([
		['2024-06-15', '2024-06-15T00:00:00.000Z'],
		['2024/6/5', '2024-06-05T00:00:00.000Z'],
		['2024-06-15 09:30', '2024-06-15T09:30:00.000Z'],
		['2024-06-15T09:30:00-04:00', '2024-06-15T13:30:00.000Z'],
		['2024-02-30', undefined],
		['15/06/2024', undefined],
		['June 15', undefined]
	])('%j is %j', (text, iso) => {
		expect(readConsentDate(text)?.toISOString()).toBe(iso);
	});

	it.each([
		['', 'express'],
		['Express', 'express'],
		['exprès', 'express'],
		['implied (gift)', 'gift'],
		['Tacite - don', 'gift'],
		['implied: enquiry', 'enquiry'],
		['demande de renseignements', 'enquiry'],
		['implied', undefined]
	])('%j is %j', (text, kind) => {
		expect(readConsentKind(text)).toBe(kind);
	});
});
