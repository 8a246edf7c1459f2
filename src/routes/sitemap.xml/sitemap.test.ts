import { describe, expect, it } from 'vitest';
import { PUBLIC_PAGES, sitemapXml } from './sitemap.ts';

const site = 'https://champions.example';
// The site's rule: English unprefixed, French under /fr (no trailing slash).
const localize = (path: string, locale: 'en' | 'fr') =>
	locale === 'en' ? path : path === '/' ? '/fr' : `/fr${path}`;

describe('sitemap', () => {
	const xml = sitemapXml(site, localize);

	it('lists every public page in English and in French, with absolute addresses', () => {
		const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]);
		expect(locs).toEqual([
			'https://champions.example/',
			'https://champions.example/fr',
			'https://champions.example/impact',
			'https://champions.example/fr/impact',
			'https://champions.example/campaigns',
			'https://champions.example/fr/campaigns',
			'https://champions.example/donate',
			'https://champions.example/fr/donate',
			'https://champions.example/privacy',
			'https://champions.example/fr/privacy'
		]);
		expect(locs).toHaveLength(PUBLIC_PAGES.length * 2);
	});

	it('names each page’s translations and the default on both language entries', () => {
		const impact = xml
			.split('<url>')
			.filter((entry) => entry.includes('<loc>https://champions.example/fr/impact</loc>'))[0];
		expect(impact).toContain(
			'<xhtml:link rel="alternate" hreflang="en-CA" href="https://champions.example/impact"/>'
		);
		expect(impact).toContain(
			'<xhtml:link rel="alternate" hreflang="fr-CA" href="https://champions.example/fr/impact"/>'
		);
		expect(impact).toContain(
			'<xhtml:link rel="alternate" hreflang="x-default" href="https://champions.example/impact"/>'
		);
	});

	it('is well-formed XML in the sitemaps.org namespace', () => {
		expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset')).toBe(true);
		expect(xml).toContain('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"');
		expect(xml.match(/<url>/g)).toHaveLength(xml.match(/<\/url>/g)!.length);
	});

	it('escapes characters XML reserves in an address', () => {
		expect(sitemapXml('https://x.example', localize, ['/a?b=1&c=2'])).toContain(
			'<loc>https://x.example/a?b=1&#38;c=2</loc>'
		);
	});
});
