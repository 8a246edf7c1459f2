import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeDouble, type StripeDouble } from '../doubles/stripe.ts';
import { uniqueEmail, useStackForServerCode, withSql } from './helpers.ts';

// Opening a Stripe Checkout session, through the real `stripe` package and a
// local double of Stripe's API: the amount is the server's, the session is made
// once per checkout (idempotency key), and every later event can find the checkout.

let stripe: StripeDouble;
let checkout: typeof import('../../src/lib/server/donations/checkout.ts');

beforeAll(async () => {
	stripe = await startStripeDouble();
	process.env.STRIPE_SECRET_KEY = stripe.secretKey;
	process.env.STRIPE_WEBHOOK_SECRET = stripe.webhookSecret;
	process.env.STRIPE_API_URL = stripe.url;
	await useStackForServerCode();
	checkout = await import('../../src/lib/server/donations/checkout.ts');
});

afterAll(async () => {
	await stripe?.close();
});

function request(
	changes: Partial<import('../../src/lib/server/donations/checkout.ts').DonationRequest> = {}
) {
	return {
		frequency: 'one_time' as const,
		amountCents: 10_000,
		coverFees: false,
		campaign: null,
		tribute: null,
		anonymous: false,
		wantsReceipt: false,
		email: uniqueEmail('donor'),
		firstName: 'Ada',
		lastName: 'Lovelace',
		address: null,
		language: 'en' as const,
		emailConsent: null,
		productName: 'Gift to IJM Canada',
		...changes
	};
}

describe('startCheckout with a Stripe key', () => {
	it('asks Stripe for a one-time payment of the amount plus the covered fee, once', async () => {
		const started = await checkout.startCheckout(request({ coverFees: true, language: 'fr' }));
		expect(started.ok).toBe(true);
		if (!started.ok) return;
		expect(started.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);

		const calls = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions');
		const call = calls.at(-1)!;
		expect(call.idempotencyKey).toBe(`checkout-session:${started.checkoutId}`);
		expect(call.body).toMatchObject({
			mode: 'payment',
			submit_type: 'donate',
			client_reference_id: started.checkoutId,
			locale: 'fr-CA',
			metadata: { checkout_id: started.checkoutId },
			payment_intent_data: { metadata: { checkout_id: started.checkoutId } },
			line_items: { '0': { quantity: '1', price_data: { currency: 'cad', unit_amount: '10330' } } }
		});
		expect(String(call.body.success_url)).toContain(`/fr/donate/thanks/${started.checkoutId}`);

		const row = await withSql((sql) =>
			sql.query(
				'select amount_cents::int, fee_cents::int, stripe_session_id from donation_checkouts where id = $1',
				[started.checkoutId]
			)
		);
		expect(row.rows[0]).toMatchObject({ amount_cents: 10_330, fee_cents: 330 });
		expect(stripe.sessions.has(row.rows[0].stripe_session_id)).toBe(true);
	});

	it('asks for a monthly subscription whose events carry the checkout', async () => {
		const started = await checkout.startCheckout(
			request({ frequency: 'monthly', amountCents: 2500 })
		);
		if (!started.ok) throw new Error(started.reason);
		const call = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions').at(-1)!;
		expect(call.body).toMatchObject({
			mode: 'subscription',
			subscription_data: { metadata: { checkout_id: started.checkoutId } },
			line_items: {
				'0': { price_data: { unit_amount: '2500', recurring: { interval: 'month' } } }
			}
		});
	});

	it('refuses an amount outside the settings before anything reaches Stripe', async () => {
		const before = stripe.requests.length;
		expect(await checkout.startCheckout(request({ amountCents: 100 }))).toEqual({
			ok: false,
			reason: 'amount_too_small'
		});
		expect(await checkout.startCheckout(request({ amountCents: 99_999_999 }))).toEqual({
			ok: false,
			reason: 'amount_too_large'
		});
		expect(await checkout.startCheckout(request({ campaign: 'no-such-campaign' }))).toEqual({
			ok: false,
			reason: 'campaign_not_open'
		});
		expect(stripe.requests.length).toBe(before);
	});
});
