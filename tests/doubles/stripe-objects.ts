import { randomBytes } from 'node:crypto';
import { fixture } from './stripe.ts';

// Stripe objects as our /donate makes them happen, built on Stripe's own samples:
// what checkout, invoice, subscription, charge and dispute events carry.

export const stripeId = (prefix: string) => `${prefix}_test_${randomBytes(10).toString('hex')}`;

export function completedSession(options: {
	checkoutId: string;
	mode: 'payment' | 'subscription';
	amountCents: number;
	currency?: string;
	paymentIntent?: string | null;
	subscription?: string | null;
	customer?: string;
	paymentStatus?: 'paid' | 'unpaid';
}) {
	return fixture('checkout.session', {
		id: stripeId('cs'),
		client_reference_id: options.checkoutId,
		metadata: { checkout_id: options.checkoutId },
		mode: options.mode,
		status: 'complete',
		payment_status: options.paymentStatus ?? 'paid',
		amount_total: options.amountCents,
		amount_subtotal: options.amountCents,
		currency: options.currency ?? 'cad',
		payment_intent: options.mode === 'payment' ? (options.paymentIntent ?? stripeId('pi')) : null,
		subscription:
			options.mode === 'subscription' ? (options.subscription ?? stripeId('sub')) : null,
		customer: options.customer ?? stripeId('cus'),
		livemode: false
	});
}

export function invoice(options: {
	checkoutId: string;
	subscription: string;
	amountCents: number;
	currency?: string;
	id?: string;
	/** The payment intent, included as an expanded `payments` list; omitted, the handler asks Stripe. */
	paymentIntent?: string;
	paid?: boolean;
}) {
	const paid = options.paid ?? true;
	return fixture('invoice', {
		id: options.id ?? stripeId('in'),
		customer: stripeId('cus'),
		currency: options.currency ?? 'cad',
		amount_due: options.amountCents,
		amount_paid: paid ? options.amountCents : 0,
		amount_remaining: paid ? 0 : options.amountCents,
		status: paid ? 'paid' : 'open',
		billing_reason: 'subscription_cycle',
		parent: {
			type: 'subscription_details',
			quote_details: null,
			subscription_details: {
				subscription: options.subscription,
				metadata: { checkout_id: options.checkoutId }
			}
		},
		...(options.paymentIntent && {
			payments: {
				object: 'list',
				has_more: false,
				url: '/v1/invoice_payments',
				data: [
					fixture('invoice_payment', {
						status: 'paid',
						payment: { type: 'payment_intent', payment_intent: options.paymentIntent }
					})
				]
			}
		}),
		livemode: false
	});
}

export function subscription(options: {
	checkoutId: string;
	id: string;
	amountCents: number;
	status: string;
	currency?: string;
}) {
	const base = fixture<{ items: { data: Record<string, unknown>[] } }>('subscription');
	const item = { ...base.items.data[0], quantity: 1, price: { unit_amount: options.amountCents } };
	return fixture('subscription', {
		id: options.id,
		metadata: { checkout_id: options.checkoutId },
		status: options.status,
		currency: options.currency ?? 'cad',
		items: { ...base.items, data: [item] },
		canceled_at: options.status === 'canceled' ? Math.floor(Date.now() / 1000) : null,
		ended_at: options.status === 'canceled' ? Math.floor(Date.now() / 1000) : null,
		livemode: false
	});
}

export function refundedCharge(options: {
	paymentIntent: string;
	amountCents: number;
	refundedCents: number;
	currency?: string;
}) {
	return fixture('charge', {
		id: stripeId('ch'),
		payment_intent: options.paymentIntent,
		amount: options.amountCents,
		amount_captured: options.amountCents,
		amount_refunded: options.refundedCents,
		refunded: options.refundedCents === options.amountCents,
		currency: options.currency ?? 'cad',
		livemode: false
	});
}

export function dispute(options: { paymentIntent: string; amountCents: number; status: string }) {
	return fixture('dispute', {
		id: stripeId('dp'),
		charge: stripeId('ch'),
		payment_intent: options.paymentIntent,
		amount: options.amountCents,
		status: options.status,
		livemode: false
	});
}
