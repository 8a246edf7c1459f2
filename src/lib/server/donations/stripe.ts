import Stripe from 'stripe';
import {
	STRIPE_API_URL,
	STRIPE_PORTAL_CONFIGURATION,
	STRIPE_SECRET_KEY,
	STRIPE_WEBHOOK_SECRET
} from '$app/env/private';

/** Stripe settings, read once (declared and validated in src/env.ts). */
export const stripeSettings = {
	/** Without a key, /donate uses the local test checkout (test-gateway.ts). */
	enabled: Boolean(STRIPE_SECRET_KEY),
	/** sk_test_… keys make test gifts, as the local test checkout does. */
	testMode:
		!STRIPE_SECRET_KEY ||
		STRIPE_SECRET_KEY.startsWith('sk_test_') ||
		STRIPE_SECRET_KEY.startsWith('rk_test_'),
	webhookSecret: STRIPE_WEBHOOK_SECRET,
	portalConfiguration: STRIPE_PORTAL_CONFIGURATION
};

/** A key without its webhook secret would take money whose gifts are never recorded. */
export function assertStripeSettings(): void {
	if (STRIPE_SECRET_KEY && !STRIPE_WEBHOOK_SECRET) {
		throw new Error(
			'STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not. Add a webhook endpoint in ' +
				'Stripe (Developers → Webhooks: <site>/api/webhooks/stripe) and set its signing secret.'
		);
	}
}

let client: Stripe | undefined;

/** The Stripe client, or null when no key is set (the test checkout stands in). */
export function stripe(): Stripe | null {
	if (!STRIPE_SECRET_KEY) return null;
	return (client ??= createStripeClient(STRIPE_SECRET_KEY, STRIPE_API_URL));
}

/**
 * The real `stripe` package. `apiUrl` points it elsewhere (a local double in tests
 * and benchmarks) through its own host, port and protocol options.
 */
export function createStripeClient(secretKey: string, apiUrl?: string): Stripe {
	const url = apiUrl ? new URL(apiUrl) : undefined;
	return new Stripe(secretKey, {
		maxNetworkRetries: 2,
		timeout: 20_000,
		appInfo: { name: 'Champions' },
		...(url && {
			host: url.hostname,
			port: url.port || (url.protocol === 'https:' ? 443 : 80),
			protocol: url.protocol === 'https:' ? 'https' : 'http'
		})
	});
}

/**
 * Checks a webhook's signature on its raw body and returns the event; throws when it
 * is forged, unsigned or older than five minutes (a replay).
 */
export function verifyWebhook(rawBody: Buffer | string, signature: string | null): Stripe.Event {
	if (!STRIPE_WEBHOOK_SECRET) throw new Error('STRIPE_WEBHOOK_SECRET is not set');
	if (!signature) throw new Error('no Stripe-Signature header');
	return Stripe.webhooks.constructEvent(rawBody, signature, STRIPE_WEBHOOK_SECRET, 300);
}
