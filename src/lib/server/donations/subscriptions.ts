import { serviceDb } from '../db.ts';
import { applyReducedEvent } from './stripe-events.ts';
import { stripe } from './stripe.ts';
import { cancelTestSubscription } from './test-gateway.ts';

/**
 * Cancels every monthly gift of a supporter that is still running (before their
 * data is erased at their request: nothing may be charged to a person we no longer
 * know). Through Stripe, or the test checkout for test gifts; recorded at once as
 * Stripe's customer.subscription.deleted would record it.
 */
export async function cancelMonthlyGiftsOf(supporterId: string): Promise<number> {
	const { data, error } = await serviceDb()
		.from('recurring_gifts')
		.select('id, checkout_id, stripe_subscription')
		.eq('supporter_id', supporterId)
		.not('status', 'in', '(canceled,incomplete_expired)');
	if (error) throw new Error(error.message);
	const client = stripe();
	for (const gift of data ?? []) {
		if (gift.stripe_subscription.startsWith('sub_local_')) {
			await cancelTestSubscription(gift.id);
			continue;
		}
		if (!client)
			throw new Error('a Stripe subscription cannot be cancelled without STRIPE_SECRET_KEY');
		const cancelled = await client.subscriptions.cancel(gift.stripe_subscription, undefined, {
			idempotencyKey: `cancel:${gift.stripe_subscription}`
		});
		await applyReducedEvent({
			id: `cancel:${gift.stripe_subscription}`,
			type: 'customer.subscription.deleted',
			created: new Date().toISOString(),
			livemode: cancelled.livemode,
			object: {
				checkout_id: gift.checkout_id,
				subscription: gift.stripe_subscription,
				status: 'canceled',
				canceled_at: new Date().toISOString()
			}
		});
	}
	return data?.length ?? 0;
}
