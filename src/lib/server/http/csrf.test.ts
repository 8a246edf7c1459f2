import { describe, expect, it } from 'vitest';
import { isForbiddenCrossSiteForm } from './csrf.ts';

const site = 'https://champions.example';

function post(path: string, headers: Record<string, string>) {
	const url = new URL(path, site);
	return isForbiddenCrossSiteForm(new Request(url, { method: 'POST', headers }), url);
}

describe('cross-site form posts', () => {
	it.each([
		[
			'a form posted from another site',
			'/petitions/x',
			{ 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
			true
		],
		[
			'a form posted with no Origin',
			'/petitions/x',
			{ 'content-type': 'multipart/form-data; boundary=x' },
			true
		],
		[
			'a body with no content type from another site',
			'/petitions/x',
			{ origin: 'https://evil.example' },
			true
		],
		[
			'a form from the site itself',
			'/petitions/x',
			{ 'content-type': 'application/x-www-form-urlencoded', origin: site },
			false
		],
		[
			'JSON (a browser cannot send it cross-site without CORS)',
			'/petitions/x',
			{ 'content-type': 'application/json' },
			false
		],
		[
			'one-click unsubscribe from a mail provider',
			'/email/unsubscribe/abc123',
			{ 'content-type': 'application/x-www-form-urlencoded' },
			false
		],
		[
			'one-click unsubscribe, French link',
			'/fr/email/unsubscribe/abc123',
			{ 'content-type': 'multipart/form-data; boundary=x' },
			false
		],
		['a scheduler calling the cron endpoint', '/api/cron/email', {}, false],
		[
			'something that only looks like the unsubscribe path',
			'/email/unsubscribe/abc/../../admin',
			{ 'content-type': 'application/x-www-form-urlencoded' },
			true
		]
	])('%s → forbidden: %s', (_name, path, headers, forbidden) => {
		expect(post(path, headers)).toBe(forbidden);
	});

	it('never blocks a GET', () => {
		const url = new URL('/petitions/x', site);
		expect(isForbiddenCrossSiteForm(new Request(url), url)).toBe(false);
	});

	it('accepts the site’s own form when it is served over http at SITE_URL', () => {
		const url = new URL('https://127.0.0.1:4173/petitions/x');
		const request = new Request(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				origin: 'http://127.0.0.1:4173'
			}
		});
		expect(isForbiddenCrossSiteForm(request, url)).toBe(true);
		expect(isForbiddenCrossSiteForm(request, url, 'http://127.0.0.1:4173')).toBe(false);
		expect(isForbiddenCrossSiteForm(request, url, 'https://champions.example')).toBe(true);
	});
});
