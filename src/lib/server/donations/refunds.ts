import * as audit from '../auth/audit.ts';
import { must, serviceDb } from '../db.ts';
import { applyReducedEvent } from './stripe-events.ts';
import { stripe, stripeSettings } from './stripe.ts';
import { refundTestGift } from './test-gateway.ts';

export type RefundOutcome =
	| { ok: true; refundedCents: number }
	| {
			ok: false;
			reason: 'not_found' | 'not_refundable' | 'too_much' | 'no_payment' | 'stripe_refused';
			message?: string;
	  };

interface RefundableGift {
	id: string;
	status: string;
	amount_cents: number;
	refunded_cents: number;
	currency: string;
	stripe_payment_intent: string | null;
	test: boolean;
}

/**
 * Refunds all or part of a gift through Stripe (or the test checkout for a test
 * gift), then records it at once as Stripe's charge.refunded would: the receipt is
 * voided and, after a partial refund, replaced. When the webhook comes it finds the
 * refund already counted (refund totals only grow). Audited.
 */
export async function refundGift(options: {
	giftId: string;
	amountCents: number;
	actor: string;
	ip: string | null;
}): Promise<RefundOutcome> {
	const { data } = await serviceDb()
		.from('gifts')
		.select('id, status, amount_cents, refunded_cents, currency, stripe_payment_intent, test')
		.eq('id', options.giftId)
		.maybeSingle();
	const gift = data as RefundableGift | null;
	if (!gift) return { ok: false, reason: 'not_found' };
	if (gift.status !== 'succeeded') return { ok: false, reason: 'not_refundable' };
	const left = Number(gift.amount_cents) - Number(gift.refunded_cents);
	if (
		!Number.isSafeInteger(options.amountCents) ||
		options.amountCents <= 0 ||
		options.amountCents > left
	) {
		return { ok: false, reason: 'too_much' };
	}
	if (!gift.stripe_payment_intent) return { ok: false, reason: 'no_payment' };

	const client = stripe();
	if (gift.stripe_payment_intent.startsWith('pi_local_') || !client) {
		if (!gift.test) return { ok: false, reason: 'no_payment' };
		await refundTestGift(
			gift as RefundableGift & { stripe_payment_intent: string },
			options.amountCents
		);
	} else {
		const refundedSoFar = Number(gift.refunded_cents);
		let refund;
		try {
			refund = await client.refunds.create(
				{
					payment_intent: gift.stripe_payment_intent,
					amount: options.amountCents,
					reason: 'requested_by_customer'
				},
				// The same refund asked twice (a double click, a retry) is made once.
				{ idempotencyKey: `refund:${gift.id}:${refundedSoFar}:${options.amountCents}` }
			);
		} catch (error) {
			return { ok: false, reason: 'stripe_refused', message: (error as Error).message };
		}
		// The refund is made: from here on, record it whatever else fails. The charge's
		// own total is best; without it, ours plus this refund (totals only grow).
		const charge = await client.charges.retrieve(refund.charge as string).catch(() => null);
		await applyReducedEvent({
			id: `refund:${gift.id}:${refundedSoFar}:${options.amountCents}`,
			type: 'charge.refunded',
			created: new Date().toISOString(),
			livemode: charge?.livemode ?? !stripeSettings.testMode,
			object: {
				payment_intent: gift.stripe_payment_intent,
				charge: charge?.id ?? (refund.charge as string),
				amount_refunded: charge?.amount_refunded ?? refundedSoFar + refund.amount,
				currency: charge?.currency ?? gift.currency
			}
		});
	}
	const after = must(
		await serviceDb().from('gifts').select('refunded_cents').eq('id', gift.id).single()
	) as { refunded_cents: number };
	await audit.record({
		staffId: options.actor,
		action: 'gift.refund',
		target: gift.id,
		details: { amount_cents: options.amountCents, currency: gift.currency },
		ip: options.ip
	});
	return { ok: true, refundedCents: Number(after.refunded_cents) };
}
