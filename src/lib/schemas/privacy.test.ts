import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { newToken } from '#lib/server/auth/tokens.ts';
import { privacyRequestSchema, privacyTokenSchema } from './privacy.ts';

describe('the privacy request form', () => {
	it.each([
		[
			{ email: ' Jane@Example.org ', kind: 'access' },
			{ email: 'Jane@Example.org', kind: 'access' }
		],
		[
			{ email: 'jane@example.org', kind: 'erasure' },
			{ email: 'jane@example.org', kind: 'erasure' }
		]
	])('accepts %j', (input, output) => {
		expect(v.parse(privacyRequestSchema, input)).toEqual(output);
	});

	it.each([
		[{ email: 'not-an-address', kind: 'access' }, ['email']],
		[{ email: '', kind: 'access' }, ['email']],
		[{ email: 'jane@example.org' }, ['kind']],
		[{ email: 'jane@example.org', kind: 'everything' }, ['kind']],
		[{ email: 'x', kind: '' }, ['email', 'kind']]
	])('refuses %j with a message on %j', (input, fields) => {
		const result = v.safeParse(privacyRequestSchema, input);
		expect(result.success).toBe(false);
		expect(Object.keys(v.flatten(result.issues!).nested ?? {}).sort()).toEqual(fields);
	});
});

describe('a confirmation link token', () => {
	it('is 32 base32 characters, as tokens are made; nothing else is looked up', () => {
		expect(v.is(privacyTokenSchema, { token: newToken() })).toBe(true);
		expect(v.is(privacyTokenSchema, { token: 'abcdefghijklmnopqrstuvwxyz234567' })).toBe(true);
		expect(v.is(privacyTokenSchema, { token: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567' })).toBe(false);
		expect(v.is(privacyTokenSchema, { token: "' or 1=1 --" })).toBe(false);
	});
});
