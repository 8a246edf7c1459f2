import { SITE_URL } from '$app/env/public';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { publicPaths } from '#lib/server/campaigns/index.ts';
import { PUBLIC_PAGES, sitemapXml } from './sitemap.ts';

// The fixed pages, then every published or closed campaign and petition.
export const GET = async () =>
	new Response(
		sitemapXml(SITE_URL, (path, locale) => localizeHref(path, { locale }), [
			...PUBLIC_PAGES,
			...(await publicPaths())
		]),
		{
			headers: {
				'content-type': 'application/xml; charset=utf-8',
				'cache-control': 'public, max-age=3600'
			}
		}
	);
