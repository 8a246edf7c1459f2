/** Paths crawlers are asked to leave alone: staff pages, tools, endpoints, personal email links. */
const PRIVATE_PREFIXES = ['/admin', '/dev', '/api', '/email', '/bench'];

/**
 * robots.txt: the public site open to every crawler, the private parts closed (in both
 * languages: /fr/admin is the admin too), and where the sitemap is. Not a security
 * measure: those pages check who asks.
 */
export function robotsTxt(siteUrl: string): string {
	const disallow = PRIVATE_PREFIXES.flatMap((prefix) => [prefix, `/fr${prefix}`]);
	return [
		'User-agent: *',
		'Allow: /',
		...disallow.map((path) => `Disallow: ${path}`),
		'',
		`Sitemap: ${siteUrl}/sitemap.xml`,
		''
	].join('\n');
}
