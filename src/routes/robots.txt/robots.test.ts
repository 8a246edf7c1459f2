import { describe, expect, it } from 'vitest';
import { robotsTxt } from './robots.ts';

describe('robots.txt', () => {
	const text = robotsTxt('https://champions.example');
	const lines = text.split('\n');

	it('lets every crawler read the public site', () => {
		expect(lines.slice(0, 2)).toEqual(['User-agent: *', 'Allow: /']);
	});

	it('keeps crawlers out of the admin, tools, endpoints and email links, in both languages', () => {
		for (const path of ['/admin', '/dev', '/api', '/email', '/fr/admin', '/fr/dev', '/fr/email']) {
			expect(lines).toContain(`Disallow: ${path}`);
		}
		expect(lines.filter((line) => line.startsWith('Disallow:'))).not.toContain('Disallow: /');
	});

	it('points to the sitemap by its absolute address', () => {
		expect(lines).toContain('Sitemap: https://champions.example/sitemap.xml');
	});
});
