/**
 * Headers every response carries unless a route set its own. The Content
 * Security Policy itself is SvelteKit's (`csp` in vite.config.ts), with nonces.
 * A response that partner sites may frame (a petition's embed) carries no
 * X-Frame-Options: it cannot name origins, and DENY would contradict the CSP.
 */
export function securityHeaders(
	url: URL,
	options: { framed?: boolean } = {}
): Record<string, string> {
	const headers: Record<string, string> = {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'strict-origin-when-cross-origin',
		'cross-origin-opener-policy': 'same-origin',
		'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(self)'
	};
	if (!options.framed) headers['x-frame-options'] = 'DENY';
	if (url.protocol === 'https:') {
		headers['strict-transport-security'] = 'max-age=63072000; includeSubDomains';
	}
	return headers;
}

/** An origin as a CSP source may name it: scheme, host, optional port; nothing else. */
const ORIGIN =
	/^https?:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i;

/**
 * Lets `origins` frame this response: its CSP's frame-ancestors names them instead
 * of 'none'. Anything that is not a plain origin is dropped, so a stored value can
 * never add a directive. True when some origin may frame it.
 */
export function allowFraming(headers: Headers, origins: readonly string[]): boolean {
	const allowed = origins.filter((origin) => ORIGIN.test(origin));
	const csp = headers.get('content-security-policy');
	if (allowed.length === 0 || !csp) return false;
	headers.set(
		'content-security-policy',
		/frame-ancestors [^;]*/.test(csp)
			? csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${allowed.join(' ')}`)
			: `${csp}; frame-ancestors ${allowed.join(' ')}`
	);
	return true;
}
