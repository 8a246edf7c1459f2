import type Stripe from 'stripe';
import * as audit from '../auth/audit.ts';
import { serviceDb } from '../db.ts';
import { logger } from '../log/index.ts';
import { donationSettings } from './settings.ts';
import { applyStripeEvent } from './stripe-events.ts';
import { stripe, stripeSettings } from './stripe.ts';
import {
	cancelTestSubscription,
	changeTestSubscriptionAmount,
	renewTestSubscription
} from './test-gateway.ts';

// A donor changes their monthly gift from /giving/manage: in Stripe's customer
// portal (card, amount, cancel) when a Stripe key is set; without one, the local
// test checkout's subscriptions are changed here, through the same events Stripe's
// portal would send (test-gateway.ts). Every action checks first that the monthly
// gift is the signed-in donor's.

interface OwnedMonthly {
	id: string;
	status: string;
	test: boolean;
	stripe_subscription: string;
	stripe_customer: string | null;
	amount_cents: number;
	currency: string;
}

/** The donor's own monthly gift, or null (someone else's, unknown, malformed id). */
async function ownMonthly(supporterId: string, recurringGiftId: string) {
	if (!/^[0-9a-f-]{36}$/i.test(recurringGiftId)) return null;
	const { data } = await serviceDb()
		.from('recurring_gifts')
		.select('id, status, test, stripe_subscription, stripe_customer, amount_cents, currency')
		.eq('id', recurringGiftId)
		.eq('supporter_id', supporterId)
		.maybeSingle();
	return data as OwnedMonthly | null;
}

function isLocal(gift: OwnedMonthly): boolean {
	return !stripeSettings.enabled && gift.test && gift.stripe_subscription.startsWith('sub_local_');
}

export type PortalResult =
	{ ok: true; url: string } | { ok: false; reason: 'not_found' | 'unavailable' | 'stripe_refused' };

/**
 * A Stripe customer portal session for the customer of the donor's monthly gift,
 * where they change the card or the amount, or cancel. Stripe tells us of each
 * change by webhook. `returnUrl` is where the portal's "back" link goes.
 */
export async function openPortal(
	supporterId: string,
	recurringGiftId: string,
	returnUrl: string
): Promise<PortalResult> {
	const gift = await ownMonthly(supporterId, recurringGiftId);
	if (!gift) return { ok: false, reason: 'not_found' };
	const client = stripe();
	if (!client || !gift.stripe_customer || gift.stripe_subscription.startsWith('sub_local_')) {
		return { ok: false, reason: 'unavailable' };
	}
	try {
		const session = await client.billingPortal.sessions.create({
			customer: gift.stripe_customer,
			return_url: returnUrl,
			configuration: stripeSettings.portalConfiguration ?? undefined
		});
		return { ok: true, url: session.url };
	} catch (error) {
		logger.error({ err: error }, 'stripe billing portal session failed');
		return { ok: false, reason: 'stripe_refused' };
	}
}

export type LocalChange =
	| { ok: true }
	| {
			ok: false;
			reason: 'not_found' | 'not_local' | 'canceled' | 'too_small' | 'too_large' | 'stripe_refused';
	  };

/** The checks every local change shares: the donor's own test subscription, still running. */
async function localMonthly(
	supporterId: string,
	recurringGiftId: string
): Promise<{ ok: true; gift: OwnedMonthly } | Extract<LocalChange, { ok: false }>> {
	const gift = await ownMonthly(supporterId, recurringGiftId);
	if (!gift) return { ok: false, reason: 'not_found' };
	if (!isLocal(gift)) return { ok: false, reason: 'not_local' };
	if (gift.status === 'canceled') return { ok: false, reason: 'canceled' };
	return { ok: true, gift };
}

/**
 * Changes the amount of a monthly gift, within the donation form's minimum and
 * maximum, from the next payment on (no proration). Stripe's portal cannot: it only
 * switches between prices listed in its configuration, and a gift's price is its
 * own. With a key, the subscription's price is replaced through Stripe's API and
 * recorded at once as its customer.subscription.updated would record it; without
 * one, the test subscription changes through the test checkout. Audited.
 */
export async function changeMonthlyAmount(options: {
	supporterId: string;
	recurringGiftId: string;
	amountCents: number;
	ip: string | null;
}): Promise<LocalChange> {
	const client = stripe();
	const found = client
		? await stripeMonthly(options.supporterId, options.recurringGiftId)
		: await localMonthly(options.supporterId, options.recurringGiftId);
	if (!found.ok) return found;
	const settings = await donationSettings();
	if (options.amountCents < settings.minCents) return { ok: false, reason: 'too_small' };
	if (options.amountCents > settings.maxCents) return { ok: false, reason: 'too_large' };
	if (client) {
		try {
			await changeStripeAmount(client, found.gift, options.amountCents);
		} catch (error) {
			logger.error({ err: error }, 'stripe subscription amount change failed');
			return { ok: false, reason: 'stripe_refused' };
		}
	} else {
		await changeTestSubscriptionAmount(found.gift.id, options.amountCents);
	}
	await audit.record({
		staffId: null,
		action: 'giving.monthly_amount_changed',
		target: options.supporterId,
		details: {
			recurring_gift_id: found.gift.id,
			from_cents: Number(found.gift.amount_cents),
			to_cents: options.amountCents,
			currency: found.gift.currency
		},
		ip: options.ip
	});
	return { ok: true };
}

/** A monthly gift of the donor's that Stripe holds, still running. */
async function stripeMonthly(
	supporterId: string,
	recurringGiftId: string
): Promise<{ ok: true; gift: OwnedMonthly } | Extract<LocalChange, { ok: false }>> {
	const gift = await ownMonthly(supporterId, recurringGiftId);
	if (!gift) return { ok: false, reason: 'not_found' };
	if (gift.stripe_subscription.startsWith('sub_local_')) return { ok: false, reason: 'not_local' };
	if (gift.status === 'canceled') return { ok: false, reason: 'canceled' };
	return { ok: true, gift };
}

async function changeStripeAmount(client: Stripe, gift: OwnedMonthly, amountCents: number) {
	const subscription = await client.subscriptions.retrieve(gift.stripe_subscription);
	const item = subscription.items.data[0];
	const product =
		typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
	const updated = await client.subscriptions.update(
		gift.stripe_subscription,
		{
			items: [
				{
					id: item.id,
					price_data: {
						currency: gift.currency,
						unit_amount: amountCents,
						product,
						recurring: { interval: 'month' }
					}
				}
			],
			proration_behavior: 'none'
		},
		// The same change asked twice (a double click) is made once. Each change makes a
		// new price, so changing back to an earlier amount is a new request.
		{ idempotencyKey: `monthly-amount:${gift.id}:${item.price.id}:${amountCents}` }
	);
	await applyStripeEvent(
		{
			id: `monthly-amount:${gift.id}:${updated.items.data[0]?.price.id ?? item.price.id}`,
			object: 'event',
			type: 'customer.subscription.updated',
			created: Math.floor(Date.now() / 1000),
			livemode: updated.livemode,
			data: { object: updated }
		} as unknown as Stripe.Event,
		client
	);
}

/** Cancels a test monthly gift (what the portal would do). Audited. */
export async function cancelMonthly(options: {
	supporterId: string;
	recurringGiftId: string;
	ip: string | null;
}): Promise<LocalChange> {
	const found = await localMonthly(options.supporterId, options.recurringGiftId);
	if (!found.ok) return found;
	await cancelTestSubscription(found.gift.id);
	await audit.record({
		staffId: null,
		action: 'giving.monthly_cancelled',
		target: options.supporterId,
		details: { recurring_gift_id: found.gift.id },
		ip: options.ip
	});
	return { ok: true };
}

/** The test checkout's "next month's renewal, now": a paid invoice for a test monthly gift. */
export async function renewTestMonthly(options: {
	supporterId: string;
	recurringGiftId: string;
}): Promise<LocalChange> {
	const found = await localMonthly(options.supporterId, options.recurringGiftId);
	if (!found.ok) return found;
	await renewTestSubscription(found.gift.id, true);
	return { ok: true };
}
