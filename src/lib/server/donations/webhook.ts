import type { Logger } from 'pino';
import { applyStripeEvent } from './stripe-events.ts';
import { stripe, verifyWebhook } from './stripe.ts';

/**
 * POST /api/webhooks/stripe. The signature is checked on the raw bytes (a forged,
 * unsigned or replayed event is refused with 400 and nothing is written); the
 * event is then applied in one transaction, recorded by its id. A failure answers
 * 500 so that Stripe sends the event again later; a repeat is harmless.
 */
export async function receiveStripeWebhook(options: {
	body: Buffer;
	signature: string | null;
	log: Logger;
}): Promise<{ status: 200 | 400 | 500; outcome?: string }> {
	let event;
	try {
		event = verifyWebhook(options.body, options.signature);
	} catch (error) {
		options.log.warn({ reason: (error as Error).message }, 'stripe webhook refused');
		return { status: 400 };
	}
	try {
		const outcome = await applyStripeEvent(event, stripe());
		options.log.info({ event: event.id, type: event.type, outcome }, 'stripe webhook');
		return { status: 200, outcome };
	} catch (error) {
		options.log.error({ err: error, event: event.id, type: event.type }, 'stripe webhook failed');
		return { status: 500 };
	}
}
