import { describe, expect, it } from 'vitest';
import { scrub, scrubString } from './scrub.ts';

describe('scrub', () => {
	it.each([
		['signed by Jane.Doe+x@Example.org today', 'signed by [email] today'],
		[
			'key eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ used',
			'key [jwt] used'
		],
		['stripe sk_test_51HxYzAbCdEfGh and whsec_abcdefgh12345', 'stripe [key] and [key]'],
		['nothing secret here', 'nothing secret here']
	])('masks %s', (input, expected) => {
		expect(scrubString(input)).toBe(expected);
	});

	it('masks values under secret-looking keys and strings at any depth', () => {
		const out = scrub({
			headers: { authorization: 'Bearer abc', cookie: 'session=1', accept: 'text/html' },
			user: { email: 'someone@example.org' },
			service_role_key: 'anything'
		});
		expect(out).toEqual({
			headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'text/html' },
			user: { email: '[email]' },
			service_role_key: '[redacted]'
		});
	});

	it('keeps an error’s type, message and stack, masked', () => {
		const error = Object.assign(new Error('no supporter jane@example.org'), { code: 'P0002' });
		const out = scrub({ err: error }) as { err: Record<string, string> };
		expect(out.err.type).toBe('Error');
		expect(out.err.message).toBe('no supporter [email]');
		expect(out.err.code).toBe('P0002');
		expect(out.err.stack).toContain('scrub.test.ts');
	});
});
