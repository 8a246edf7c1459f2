/**
 * Headers every response carries unless a route set its own. The Content
 * Security Policy itself is SvelteKit's (`csp` in vite.config.ts), with nonces.
 */
export function securityHeaders(url: URL): Record<string, string> {
	const headers: Record<string, string> = {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'strict-origin-when-cross-origin',
		'x-frame-options': 'DENY',
		'cross-origin-opener-policy': 'same-origin',
		'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(self)'
	};
	if (url.protocol === 'https:') {
		headers['strict-transport-security'] = 'max-age=63072000; includeSubDomains';
	}
	return headers;
}
