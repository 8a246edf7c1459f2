import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeDouble, type StripeDouble } from '../doubles/stripe.ts';
import { completedSession } from '../doubles/stripe-objects.ts';
import { uniqueEmail, withSql } from './helpers.ts';
import { startSite } from './site.ts';

// The donor's pages on a site with a Stripe key (the e2e tests run without one):
// /donate opens a Stripe Checkout session named for the gift and sends the donor
// there; the thank-you page waits for Stripe's word and then says the gift was
// received; the local test checkout does not exist.

type Site = Awaited<ReturnType<typeof startSite>>;
let stripe: StripeDouble;
let site: Site;

beforeAll(async () => {
	stripe = await startStripeDouble();
	site = await startSite({
		ADDRESS_HEADER: 'x-forwarded-for',
		STRIPE_SECRET_KEY: stripe.secretKey,
		STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
		STRIPE_API_URL: stripe.url
	});
}, 240_000);

afterAll(async () => {
	await site?.stop();
	await stripe?.close();
});

let ipCounter = 0;
/** Each test gives from its own address, so the per-address limit stays apart. */
function newIp(): string {
	ipCounter += 1;
	return `203.0.113.${ipCounter}`;
}

function give(path: string, fields: Record<string, string>, ip = newIp()) {
	return fetch(`${site.url}${path}`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			accept: 'text/html',
			origin: site.url,
			'content-type': 'application/x-www-form-urlencoded',
			'x-forwarded-for': ip
		},
		body: new URLSearchParams(fields)
	});
}

async function checkoutOf(email: string) {
	const rows = await withSql((sql) =>
		sql.query<{ id: string; amount_cents: number; fee_cents: number; test: boolean }>(
			`select id, amount_cents::int, fee_cents::int, test from donation_checkouts
			  where lower(email) = lower($1)`,
			[email]
		)
	);
	return rows.rows;
}

const text = (html: string) =>
	html
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();

describe('/donate with a Stripe key', () => {
	it('sends the donor to Stripe Checkout, for the gift plus the fee they chose to cover, named for its campaign', async () => {
		const email = uniqueEmail('stripe-donor');
		const response = await give('/fr/donate', {
			frequency: 'one_time',
			amount_one_time: '10000',
			cover_fees: 'yes',
			designation: 'protect-children-online',
			email
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\//);

		const [checkout] = await checkoutOf(email);
		expect(checkout).toMatchObject({ amount_cents: 10_330, fee_cents: 330, test: true });
		const call = stripe.requests
			.filter((r) => r.path === '/v1/checkout/sessions')
			.find((r) => r.body.client_reference_id === checkout.id)!;
		expect(call.body).toMatchObject({
			mode: 'payment',
			locale: 'fr-CA',
			line_items: {
				'0': {
					price_data: {
						unit_amount: '10330',
						product_data: {
							name: 'Don à IJM Canada : Protéger les enfants de l’exploitation sexuelle en ligne aux Philippines'
						}
					}
				}
			}
		});
		expect(String(call.body.cancel_url)).toMatch(/\/fr\/donate\?campaign=protect-children-online$/);
	});

	it('names a monthly gift as one', async () => {
		const email = uniqueEmail('stripe-monthly');
		const response = await give('/donate', {
			frequency: 'monthly',
			amount_monthly: '2500',
			email
		});
		expect(response.status).toBe(303);
		const [checkout] = await checkoutOf(email);
		const call = stripe.requests.find((r) => r.body.client_reference_id === checkout.id)!;
		expect(call.body).toMatchObject({
			mode: 'subscription',
			line_items: {
				'0': {
					price_data: {
						unit_amount: '2500',
						product_data: { name: 'Monthly gift to IJM Canada' },
						recurring: { interval: 'month' }
					}
				}
			}
		});
	});

	it('refuses a bad form without reaching Stripe, with the message next to the field', async () => {
		const before = stripe.requests.length;
		const response = await give('/donate', {
			frequency: 'one_time',
			other_amount: '2',
			email: uniqueEmail('too-small')
		});
		expect(response.status).toBe(400);
		const html = await response.text();
		expect(html).toContain('aria-invalid="true"');
		expect(text(html)).toContain('The smallest gift we can take online is $5.');
		expect(stripe.requests.length).toBe(before);
	});

	it('has no test checkout, and the thank-you page waits for Stripe, then says the gift was received', async () => {
		const email = uniqueEmail('stripe-thanks');
		await give('/donate', { frequency: 'one_time', amount_one_time: '5000', email });
		const [checkout] = await checkoutOf(email);

		const testPage = await fetch(`${site.url}/donate/test-checkout/${checkout.id}`);
		expect(testPage.status).toBe(404);

		const waiting = await fetch(`${site.url}/donate/thanks/${checkout.id}`);
		expect(waiting.status).toBe(200);
		expect(waiting.headers.get('cache-control')).toBe('private, no-store');
		const waitingText = text(await waiting.text());
		expect(waitingText).toContain(
			'We are waiting for confirmation from Stripe that your payment went through.'
		);
		// A test-mode key makes test gifts; nothing here offers to settle them by hand.
		expect(waitingText).not.toContain('Settle');

		const event = stripe.signedEvent(
			'checkout.session.completed',
			completedSession({ checkoutId: checkout.id, mode: 'payment', amountCents: 5000 })
		);
		const delivered = await fetch(`${site.url}/api/webhooks/stripe`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
			body: event.body
		});
		expect(delivered.status).toBe(200);

		const paid = text(await (await fetch(`${site.url}/donate/thanks/${checkout.id}`)).text());
		expect(paid).toContain('Thank you for your gift');
		expect(paid).toContain('Your gift of $50 to IJM Canada was received.');
	});

	it('answers an unknown or malformed checkout with 404', async () => {
		for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
			expect((await fetch(`${site.url}/donate/thanks/${id}`)).status).toBe(404);
		}
	});
});
