import { error } from '@sveltejs/kit';
import { stripeSettings } from '#lib/server/donations/stripe.ts';
import { receiveStripeWebhook } from '#lib/server/donations/webhook.ts';

/** Stripe's events (signed). Point a Stripe webhook endpoint here. */
export const POST = async ({ request, locals }) => {
	if (!stripeSettings.webhookSecret) error(404, 'Not found');
	const result = await receiveStripeWebhook({
		body: Buffer.from(await request.arrayBuffer()),
		signature: request.headers.get('stripe-signature'),
		log: locals.log
	});
	return Response.json(
		result.status === 200
			? { received: true, outcome: result.outcome }
			: { error: result.status === 400 ? 'invalid signature' : 'not applied, send again' },
		{ status: result.status }
	);
};
