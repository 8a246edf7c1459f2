import { SITE_URL } from '$app/env/public';
import { robotsTxt } from './robots.ts';

export const GET = () =>
	new Response(robotsTxt(SITE_URL), {
		headers: {
			'content-type': 'text/plain; charset=utf-8',
			'cache-control': 'public, max-age=3600'
		}
	});
