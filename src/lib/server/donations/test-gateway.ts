import type Stripe from 'stripe';
import { must, serviceDb } from '../db.ts';
import { applyStripeEvent } from './stripe-events.ts';
import { stripeSettings } from './stripe.ts';

// The local test checkout: without a Stripe key, /donate/test-checkout/<id> stands
// in for Stripe's page. What the donor does there becomes the events Stripe would
// send, in Stripe's shapes, applied by the same code as the webhook's
// (stripe-events.ts). Every gift made here is a test gift, never in totals.

/** Ids that look like Stripe's and say where they came from. */
function localId(prefix: string): string {
	return `${prefix}_local_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

function event<T extends Stripe.Event['type']>(
	type: T,
	object: Record<string, unknown>
): Stripe.Event {
	return {
		id: localId('evt'),
		object: 'event',
		api_version: null,
		created: Math.floor(Date.now() / 1000),
		livemode: false,
		pending_webhooks: 0,
		request: { id: null, idempotency_key: null },
		type,
		data: { object }
	} as unknown as Stripe.Event;
}

export interface TestCheckout {
	id: string;
	status: 'open' | 'completed' | 'failed' | 'expired';
	frequency: 'one_time' | 'monthly';
	amountCents: number;
	feeCents: number;
	currency: string;
	email: string;
	language: 'en' | 'fr';
	test: boolean;
}

/** A checkout the test page may act on: only without a Stripe key, and only a test one. */
export async function testCheckout(id: string): Promise<TestCheckout | null> {
	if (stripeSettings.enabled) return null;
	const { data } = await serviceDb()
		.from('donation_checkouts')
		.select('id, status, frequency, amount_cents, fee_cents, currency, email, language, test')
		.eq('id', id)
		.maybeSingle();
	if (!data || !data.test) return null;
	return {
		id: data.id,
		status: data.status,
		frequency: data.frequency,
		amountCents: Number(data.amount_cents),
		feeCents: Number(data.fee_cents),
		currency: data.currency,
		email: data.email,
		language: data.language,
		test: data.test
	};
}

/**
 * The donor "pays" on the test page. 'paid' completes it; 'processing' completes
 * it with the payment still pending (as a bank debit does), settled later with
 * `settleTestPayment`. A declined card never completes a Stripe session, so the
 * page shows the decline and the checkout stays open.
 */
export async function payTestCheckout(
	checkout: TestCheckout,
	outcome: 'paid' | 'processing'
): Promise<void> {
	const session = {
		id: `cs_local_${checkout.id.replaceAll('-', '')}`,
		object: 'checkout.session',
		client_reference_id: checkout.id,
		metadata: { checkout_id: checkout.id },
		amount_total: checkout.amountCents,
		currency: checkout.currency,
		customer_email: checkout.email
	};
	if (checkout.frequency === 'one_time') {
		await applyStripeEvent(
			event('checkout.session.completed', {
				...session,
				mode: 'payment',
				payment_status: outcome === 'paid' ? 'paid' : 'unpaid',
				payment_intent: localId('pi'),
				subscription: null,
				customer: localId('cus')
			}),
			null
		);
		return;
	}
	const subscription = localId('sub');
	const customer = localId('cus');
	await applyStripeEvent(
		event('checkout.session.completed', {
			...session,
			mode: 'subscription',
			payment_status: 'paid',
			payment_intent: null,
			subscription,
			customer
		}),
		null
	);
	await applyStripeEvent(
		invoiceEvent('invoice.paid', {
			checkoutId: checkout.id,
			subscription,
			customer,
			amountCents: checkout.amountCents,
			currency: checkout.currency
		}),
		null
	);
}

/** Settles a test payment left processing: Stripe's async_payment_succeeded or _failed. */
export async function settleTestPayment(checkout: TestCheckout, succeeded: boolean): Promise<void> {
	const { data } = await serviceDb()
		.from('gifts')
		.select('stripe_payment_intent')
		.eq('checkout_id', checkout.id)
		.eq('frequency', 'one_time')
		.maybeSingle();
	await applyStripeEvent(
		event(
			succeeded
				? 'checkout.session.async_payment_succeeded'
				: 'checkout.session.async_payment_failed',
			{
				id: `cs_local_${checkout.id.replaceAll('-', '')}`,
				object: 'checkout.session',
				client_reference_id: checkout.id,
				metadata: { checkout_id: checkout.id },
				mode: 'payment',
				payment_status: succeeded ? 'paid' : 'unpaid',
				payment_intent: data?.stripe_payment_intent ?? null,
				amount_total: checkout.amountCents,
				currency: checkout.currency
			}
		),
		null
	);
}

function invoiceEvent(
	type: 'invoice.paid' | 'invoice.payment_failed',
	invoice: {
		checkoutId: string;
		subscription: string;
		customer: string | null;
		amountCents: number;
		currency: string;
	}
): Stripe.Event {
	const paid = type === 'invoice.paid';
	return event(type, {
		id: localId('in'),
		object: 'invoice',
		customer: invoice.customer,
		currency: invoice.currency,
		amount_due: invoice.amountCents,
		amount_paid: paid ? invoice.amountCents : 0,
		status: paid ? 'paid' : 'open',
		parent: {
			type: 'subscription_details',
			subscription_details: {
				subscription: invoice.subscription,
				metadata: { checkout_id: invoice.checkoutId }
			}
		},
		// Stripe does not expand payments in webhooks; the test gateway includes them so
		// no call to Stripe is needed to learn the payment intent.
		payments: {
			object: 'list',
			data: paid
				? [{ status: 'paid', payment: { type: 'payment_intent', payment_intent: localId('pi') } }]
				: []
		}
	});
}

interface TestSubscription {
	id: string;
	checkout_id: string;
	stripe_subscription: string;
	stripe_customer: string | null;
	amount_cents: number;
	currency: string;
	status: string;
	test: boolean;
}

async function testSubscription(recurringGiftId: string): Promise<TestSubscription> {
	const row = must(
		await serviceDb()
			.from('recurring_gifts')
			.select(
				'id, checkout_id, stripe_subscription, stripe_customer, amount_cents, currency, status, test'
			)
			.eq('id', recurringGiftId)
			.single()
	) as TestSubscription;
	if (!row.test || !row.stripe_subscription.startsWith('sub_local_')) {
		throw new Error('not a test subscription');
	}
	return row;
}

/** "A monthly renewal on demand": next month's invoice, paid or failed. */
export async function renewTestSubscription(recurringGiftId: string, paid: boolean): Promise<void> {
	const subscription = await testSubscription(recurringGiftId);
	if (subscription.status === 'canceled') throw new Error('the monthly gift is cancelled');
	await applyStripeEvent(
		invoiceEvent(paid ? 'invoice.paid' : 'invoice.payment_failed', {
			checkoutId: subscription.checkout_id,
			subscription: subscription.stripe_subscription,
			customer: subscription.stripe_customer,
			amountCents: Number(subscription.amount_cents),
			currency: subscription.currency
		}),
		null
	);
}

function subscriptionObject(
	subscription: TestSubscription,
	changes: { status?: string; amountCents?: number }
) {
	return {
		id: subscription.stripe_subscription,
		object: 'subscription',
		customer: subscription.stripe_customer,
		currency: subscription.currency,
		status: changes.status ?? subscription.status,
		metadata: { checkout_id: subscription.checkout_id },
		items: {
			object: 'list',
			data: [
				{
					quantity: 1,
					price: { unit_amount: changes.amountCents ?? Number(subscription.amount_cents) }
				}
			]
		},
		canceled_at: changes.status === 'canceled' ? Math.floor(Date.now() / 1000) : null,
		ended_at: changes.status === 'canceled' ? Math.floor(Date.now() / 1000) : null
	};
}

/** What Stripe's customer portal does when a donor changes their monthly amount. */
export async function changeTestSubscriptionAmount(
	recurringGiftId: string,
	amountCents: number
): Promise<void> {
	const subscription = await testSubscription(recurringGiftId);
	await applyStripeEvent(
		event('customer.subscription.updated', subscriptionObject(subscription, { amountCents })),
		null
	);
}

/** What Stripe's customer portal does when a donor cancels their monthly gift. */
export async function cancelTestSubscription(recurringGiftId: string): Promise<void> {
	const subscription = await testSubscription(recurringGiftId);
	await applyStripeEvent(
		event(
			'customer.subscription.deleted',
			subscriptionObject(subscription, { status: 'canceled' })
		),
		null
	);
}

/**
 * A refund of a test gift, as Stripe reports it: charge.refunded with the charge's
 * total refunded so far.
 */
export async function refundTestGift(
	gift: {
		stripe_payment_intent: string;
		amount_cents: number;
		refunded_cents: number;
		currency: string;
	},
	amountCents: number
): Promise<void> {
	await applyStripeEvent(
		event('charge.refunded', {
			id: localId('ch'),
			object: 'charge',
			payment_intent: gift.stripe_payment_intent,
			amount: Number(gift.amount_cents),
			amount_refunded: Math.min(
				Number(gift.refunded_cents) + amountCents,
				Number(gift.amount_cents)
			),
			currency: gift.currency,
			refunded: Number(gift.refunded_cents) + amountCents >= Number(gift.amount_cents)
		}),
		null
	);
}
