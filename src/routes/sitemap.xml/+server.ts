import { SITE_URL } from '$app/env/public';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { sitemapXml } from './sitemap.ts';

export const GET = () =>
	new Response(
		sitemapXml(SITE_URL, (path, locale) => localizeHref(path, { locale })),
		{
			headers: {
				'content-type': 'application/xml; charset=utf-8',
				'cache-control': 'public, max-age=3600'
			}
		}
	);
