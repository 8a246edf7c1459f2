import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks';
import { sequence } from '@sveltejs/kit/hooks';
import { SITE_URL } from '$app/env/public';
import { getTextDirection } from '#lib/paraglide/runtime.js';
import { paraglideMiddleware } from '#lib/paraglide/server.js';
import { m } from '#lib/paraglide/messages.js';
import { logger } from '#lib/server/log/index.ts';
import { allowFraming, securityHeaders } from '#lib/server/http/security-headers.ts';
import { assertDatabaseSettings } from '#lib/server/db.ts';
import { isForbiddenCrossSiteForm } from '#lib/server/http/csrf.ts';
import { isTooLarge } from '#lib/server/http/body-size.ts';
import { isCacheable, servePage } from '#lib/server/http/page-cache.ts';
import { assertEmailSettings } from '#lib/server/email/settings.ts';
import { assertStripeSettings } from '#lib/server/donations/stripe.ts';
import { staffFromCookie } from '#lib/server/auth/sessions.ts';

/** A missing setting stops the server before it takes its first request. */
export const init: ServerInit = () => {
	assertDatabaseSettings();
	assertEmailSettings();
	assertStripeSettings();
};

const handleRequest: Handle = async ({ event, resolve }) => {
	const requestId = crypto.randomUUID();
	event.locals.requestId = requestId;
	event.locals.log = logger.child({ requestId });

	if (isForbiddenCrossSiteForm(event.request, event.url, SITE_URL)) {
		return new Response(`Cross-site ${event.request.method} form submissions are forbidden`, {
			status: 403,
			headers: { 'content-type': 'text/plain', 'x-request-id': requestId }
		});
	}

	if (isTooLarge(event.request, event.url)) {
		return new Response('Request body too large', {
			status: 413,
			headers: { 'content-type': 'text/plain', 'x-request-id': requestId }
		});
	}

	const started = performance.now();
	const response = isCacheable(event.request, event.url)
		? await servePage(event.url, () => resolve(event))
		: await resolve(event);
	// A petition's embed names the partner sites that may frame it (its load sets this).
	const framed = allowFraming(response.headers, event.locals.frameAncestors ?? []);
	for (const [name, value] of Object.entries(securityHeaders(event.url, { framed }))) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	response.headers.set('x-request-id', requestId);
	event.locals.log.debug(
		{
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			ms: Math.round(performance.now() - started)
		},
		'request'
	);
	return response;
};

const handleLanguage: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) =>
		resolve(
			{ ...event, request },
			{
				transformPageChunk: ({ html }) =>
					html
						.replace('%paraglide.lang%', locale === 'fr' ? 'fr-CA' : 'en-CA')
						.replace('%paraglide.dir%', getTextDirection(locale))
			}
		)
	);

/** Staff sessions are read only where they are used: the admin. */
const handleStaff: Handle = async ({ event, resolve }) => {
	event.locals.staff = event.route.id?.startsWith('/admin')
		? await staffFromCookie(event.cookies)
		: null;
	return resolve(event);
};

export const handle: Handle = sequence(handleRequest, handleLanguage, handleStaff);

/**
 * Unexpected errors are logged once, under the request id, and the user sees only
 * that id and a kind message. Expected ones (`error(404)`, `error(400, ...)`) pass
 * through with their own message.
 */
export const handleError: HandleServerError = ({ kind, error, event }) => {
	if (kind !== 'unknown') return;
	const id = event.locals.requestId ?? crypto.randomUUID();
	(event.locals.log ?? logger).error({ err: error, path: event.url.pathname }, 'unhandled error');
	return { message: m.error_unexpected(), id };
};
