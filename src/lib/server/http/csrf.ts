// SvelteKit's own CSRF check refuses every form POST whose Origin is not the
// site's, including requests that carry no Origin at all. Two kinds of request
// legitimately do that, and are safe because they are not authorised by cookies:
//   * one-click unsubscribe (RFC 8058): the mail provider's server POSTs
//     `List-Unsubscribe=One-Click` to the link in the header; the unguessable token
//     in the URL is the authority, and unsubscribing is harmless to repeat;
//   * /api/ endpoints (webhooks, cron): each checks a signature or a secret.
// So the built-in check is replaced (csrf.trustedOrigins ['*'] in vite.config.ts)
// by this one: the same rule, with those two exceptions. The site's own origin is
// the request's, or SITE_URL's: adapter-node assumes https unless a proxy header
// says otherwise, so a site served over plain http (npm start on this machine)
// names its address in SITE_URL.

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Paths that accept cross-site form posts (see above). */
const EXEMPT = [/^\/api\//, /^(\/fr)?\/email\/unsubscribe\/[A-Za-z0-9]+$/];

export function isForbiddenCrossSiteForm(request: Request, url: URL, siteUrl?: string): boolean {
	if (!MUTATING.has(request.method)) return false;
	const type = request.headers.get('content-type')?.split(';')[0].trim().toLowerCase();
	if (type && !FORM_TYPES.includes(type)) return false;
	const origin = request.headers.get('origin');
	if (origin === url.origin || (siteUrl && origin === new URL(siteUrl).origin)) return false;
	return !EXEMPT.some((pattern) => pattern.test(url.pathname));
}
