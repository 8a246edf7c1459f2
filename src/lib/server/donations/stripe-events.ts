import type Stripe from 'stripe';
import { serviceDb } from '../db.ts';

/**
 * A Stripe event reduced to what `stripe_event_apply` (SQL) acts on: ids, amounts
 * in cents with their currency, statuses. Everything comes from Stripe's objects,
 * never from a browser.
 */
export interface ReducedEvent {
	id: string;
	type: string;
	/** When Stripe made the event (ISO). */
	created: string;
	livemode: boolean;
	object: Record<string, string | number | boolean | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our checkout's id, when the object came from /donate (else the event is not ours). */
function checkoutId(...candidates: (string | null | undefined)[]): string | null {
	return candidates.find((value): value is string => !!value && UUID.test(value)) ?? null;
}

const idOf = (value: string | { id: string } | null | undefined) =>
	typeof value === 'string' ? value : (value?.id ?? null);

const isoFromUnix = (seconds: number | null | undefined) =>
	seconds ? new Date(seconds * 1000).toISOString() : null;

/**
 * Reduces an event. `client` is used only for what an event does not carry: the
 * payment intent of a renewal (an invoice's payments are not expanded in webhooks)
 * and of a dispute on an old API version.
 */
export async function reduceEvent(
	event: Stripe.Event,
	client: Stripe | null
): Promise<ReducedEvent> {
	const base = {
		id: event.id,
		type: event.type,
		created: new Date(event.created * 1000).toISOString(),
		livemode: event.livemode
	};
	switch (event.type) {
		case 'checkout.session.completed':
		case 'checkout.session.async_payment_succeeded':
		case 'checkout.session.async_payment_failed':
		case 'checkout.session.expired': {
			const session = event.data.object;
			return {
				...base,
				object: {
					checkout_id: checkoutId(session.client_reference_id, session.metadata?.checkout_id),
					session: session.id,
					mode: session.mode,
					payment_status: session.payment_status,
					payment_intent: idOf(session.payment_intent),
					subscription: idOf(session.subscription),
					customer: idOf(session.customer),
					amount_cents: session.amount_total,
					currency: session.currency
				}
			};
		}
		case 'invoice.paid':
		case 'invoice.payment_failed': {
			const invoice = event.data.object;
			const details = invoice.parent?.subscription_details;
			const paid = event.type === 'invoice.paid';
			return {
				...base,
				object: {
					checkout_id: checkoutId(details?.metadata?.checkout_id, invoice.metadata?.checkout_id),
					invoice: invoice.id ?? null,
					subscription: idOf(details?.subscription),
					customer: idOf(invoice.customer),
					amount_cents: paid ? invoice.amount_paid : invoice.amount_due,
					currency: invoice.currency,
					payment_intent: paid ? await invoicePaymentIntent(invoice, client) : null,
					failure_reason: paid ? null : 'payment_failed'
				}
			};
		}
		case 'customer.subscription.updated':
		case 'customer.subscription.deleted': {
			const subscription = event.data.object;
			const item = subscription.items?.data?.[0];
			const unit = item?.price?.unit_amount;
			return {
				...base,
				object: {
					checkout_id: checkoutId(subscription.metadata?.checkout_id),
					subscription: subscription.id,
					customer: idOf(subscription.customer),
					status: subscription.status,
					amount_cents: unit == null ? null : unit * (item?.quantity ?? 1),
					currency: subscription.currency,
					canceled_at: isoFromUnix(subscription.ended_at ?? subscription.canceled_at),
					started_at: isoFromUnix(subscription.start_date)
				}
			};
		}
		case 'charge.refunded': {
			const charge = event.data.object;
			return {
				...base,
				object: {
					payment_intent: idOf(charge.payment_intent),
					charge: charge.id,
					amount_refunded: charge.amount_refunded,
					currency: charge.currency
				}
			};
		}
		case 'charge.dispute.created':
		case 'charge.dispute.closed': {
			const dispute = event.data.object;
			let paymentIntent = idOf(dispute.payment_intent);
			if (!paymentIntent && client) {
				const charge = await client.charges.retrieve(idOf(dispute.charge)!);
				paymentIntent = idOf(charge.payment_intent);
			}
			return {
				...base,
				object: {
					payment_intent: paymentIntent,
					charge: idOf(dispute.charge),
					dispute_status: dispute.status
				}
			};
		}
		default:
			return { ...base, object: {} };
	}
}

/** The payment intent that paid an invoice: from its payments if expanded, else asked of Stripe. */
async function invoicePaymentIntent(
	invoice: Stripe.Invoice,
	client: Stripe | null
): Promise<string | null> {
	const fromList = (payments: Stripe.InvoicePayment[] | undefined) =>
		idOf(
			payments?.find(
				(payment) => payment.status === 'paid' && payment.payment.type === 'payment_intent'
			)?.payment.payment_intent
		);
	const inline = fromList(invoice.payments?.data);
	if (inline || !client || !invoice.id) return inline;
	const listed = await client.invoicePayments.list({ invoice: invoice.id, limit: 10 });
	return fromList(listed.data);
}

/** What applying an event did: 'applied', 'duplicate', 'ignored', or why nothing happened. */
export type ApplyOutcome = string;

/** Applies a reduced event in one transaction (recorded by id first: see the migration). */
export async function applyReducedEvent(reduced: ReducedEvent): Promise<ApplyOutcome> {
	const { data, error } = await serviceDb().rpc('stripe_event_apply', { p_event: reduced });
	if (error) throw new Error(`stripe_event_apply failed: ${error.message}`);
	return data as ApplyOutcome;
}

/** The one way a Stripe event (from the webhook or the test checkout) takes effect. */
export async function applyStripeEvent(
	event: Stripe.Event,
	client: Stripe | null
): Promise<ApplyOutcome> {
	return applyReducedEvent(await reduceEvent(event, client));
}
