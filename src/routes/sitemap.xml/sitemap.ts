/**
 * The public pages search engines should find, as unlocalized paths. A new public
 * page adds its path here; each is listed in English and French, with hreflang links.
 */
export const PUBLIC_PAGES = ['/', '/impact', '/campaigns', '/donate', '/privacy'];

/** The site's languages, as the page <link rel="alternate"> tags name them. */
export const SITEMAP_LANGUAGES = [
	{ locale: 'en', hreflang: 'en-CA' },
	{ locale: 'fr', hreflang: 'fr-CA' }
] as const;

export type SitemapLocale = (typeof SITEMAP_LANGUAGES)[number]['locale'];

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * A sitemap (sitemaps.org 0.9) with every page in every language; each entry names
 * all its translations, English as x-default (Google's hreflang in sitemaps).
 */
export function sitemapXml(
	siteUrl: string,
	localize: (path: string, locale: SitemapLocale) => string,
	pages: readonly string[] = PUBLIC_PAGES
): string {
	const entries = pages.flatMap((path) => {
		const links = SITEMAP_LANGUAGES.map(({ locale, hreflang }) => ({
			hreflang,
			href: siteUrl + localize(path, locale)
		}));
		const alternates = [...links, { hreflang: 'x-default', href: links[0].href }]
			.map(
				(link) =>
					`\t\t<xhtml:link rel="alternate" hreflang="${link.hreflang}" href="${escapeXml(link.href)}"/>`
			)
			.join('\n');
		return links.map(
			(link) => `\t<url>\n\t\t<loc>${escapeXml(link.href)}</loc>\n${alternates}\n\t</url>`
		);
	});
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
		...entries,
		'</urlset>',
		''
	].join('\n');
}
