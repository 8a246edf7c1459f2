import { describe, expect, it } from 'vitest';
import { allowFraming, securityHeaders } from './security-headers.ts';

const CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'";

describe('framing', () => {
	it('is refused everywhere by default: X-Frame-Options DENY', () => {
		expect(securityHeaders(new URL('https://champions.example/'))['x-frame-options']).toBe('DENY');
	});

	it('names only the listed origins in frame-ancestors, and drops X-Frame-Options', () => {
		const headers = new Headers({ 'content-security-policy': CSP });
		expect(allowFraming(headers, ['https://partner.example', 'http://localhost:8080'])).toBe(true);
		expect(headers.get('content-security-policy')).toBe(
			"default-src 'self'; frame-ancestors https://partner.example http://localhost:8080; base-uri 'self'"
		);
		expect(
			securityHeaders(new URL('https://champions.example/'), { framed: true })['x-frame-options']
		).toBeUndefined();
	});

	it.each([
		["https://partner.example; script-src 'unsafe-inline'"],
		['*'],
		['https://*.example'],
		['javascript:alert(1)'],
		['https://partner.example/path']
	])('never lets a stored value add a source or a directive: %s', (origin) => {
		const headers = new Headers({ 'content-security-policy': CSP });
		expect(allowFraming(headers, [origin])).toBe(false);
		expect(headers.get('content-security-policy')).toBe(CSP);
	});
});
