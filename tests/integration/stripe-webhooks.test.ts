import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeDouble, type StripeDouble } from '../doubles/stripe.ts';
import {
	completedSession,
	dispute,
	invoice,
	refundedCharge,
	stripeId,
	subscription
} from '../doubles/stripe-objects.ts';
import { uniqueEmail, withSql } from './helpers.ts';
import { startSite } from './site.ts';

// The Stripe webhook on the built site, with the real `stripe` package verifying
// signatures, and events as Stripe sends them: repeated, late and out of order.

let stripe: StripeDouble;
let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
	stripe = await startStripeDouble();
	site = await startSite({
		STRIPE_SECRET_KEY: stripe.secretKey,
		STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
		STRIPE_API_URL: stripe.url
	});
}, 120_000);

afterAll(async () => {
	await site?.stop();
	await stripe?.close();
});

async function post(event: { body: string; signature: string }) {
	const response = await fetch(`${site.url}/api/webhooks/stripe`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
		body: event.body
	});
	return { status: response.status, body: (await response.json()) as { outcome?: string } };
}

const send = (type: string, object: Record<string, unknown>, options?: { created?: number }) =>
	post(stripe.signedEvent(type, object, options));

export interface CheckoutOptions {
	frequency?: 'one_time' | 'monthly';
	amountCents?: number;
	wantsReceipt?: boolean;
	email?: string;
}

/** A checkout as /donate records it, before Stripe. */
export async function insertCheckout(options: CheckoutOptions = {}): Promise<string> {
	return withSql(async (sql) => {
		const { rows } = await sql.query(
			`insert into donation_checkouts (test, frequency, amount_cents, currency, wants_receipt, email,
				first_name, last_name, address_line1, city, province, postal_code, country, language)
			values (true, $1, $2, 'cad', $3, $4, 'Ada', 'Lovelace', '12 Main St', 'Guelph', 'ON', 'N1H 1A1', 'Canada', 'en')
			returning id`,
			[
				options.frequency ?? 'one_time',
				options.amountCents ?? 5000,
				options.wantsReceipt ?? true,
				options.email ?? uniqueEmail('donor')
			]
		);
		return rows[0].id as string;
	});
}

async function giftsOf(checkoutId: string) {
	return withSql(async (sql) => {
		const { rows } = await sql.query(
			`select id, status, amount_cents::int, refunded_cents::int, net_cents::int, dispute_status, stripe_invoice,
				stripe_payment_intent, recurring_gift_id
			from gifts where checkout_id = $1 order by received_at, id`,
			[checkoutId]
		);
		return rows;
	});
}

async function receiptsOf(checkoutId: string) {
	return withSql(async (sql) => {
		const { rows } = await sql.query(
			`select distinct r.id, r.serial, r.status, r.amount_cents::int, r.void_reason, r.replaces_id, r.issued_at
			from receipts r join receipt_gifts rg on rg.receipt_id = r.id join gifts g on g.id = rg.gift_id
			where g.checkout_id = $1 order by r.issued_at, r.serial`,
			[checkoutId]
		);
		return rows;
	});
}

describe('the webhook refuses what Stripe did not sign', () => {
	it('answers 400 to a forged, unsigned or stale event and writes nothing', async () => {
		const checkoutId = await insertCheckout();
		const session = completedSession({ checkoutId, mode: 'payment', amountCents: 5000 });

		const forged = stripe.signedEvent('checkout.session.completed', session, {
			secret: 'whsec_wrong'
		});
		expect((await post(forged)).status).toBe(400);

		const unsigned = await fetch(`${site.url}/api/webhooks/stripe`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: forged.body
		});
		expect(unsigned.status).toBe(400);

		// Signed ten minutes ago: a replay.
		const stale = stripe.signedEvent('checkout.session.completed', session, {
			timestamp: Math.floor(Date.now() / 1000) - 600
		});
		expect((await post(stale)).status).toBe(400);

		// A body changed after signing.
		const good = stripe.signedEvent('checkout.session.completed', session);
		expect(
			(await post({ body: good.body.replace('5000', '500000'), signature: good.signature })).status
		).toBe(400);

		expect(await giftsOf(checkoutId)).toEqual([]);
		const recorded = await withSql((sql) =>
			sql.query('select count(*)::int as n from stripe_events where id = any($1)', [
				[forged.id, stale.id, good.id]
			])
		);
		expect(recorded.rows[0].n).toBe(0);
	});

	it('answers 200 to an event type it does not act on, and ignores it', async () => {
		const result = await send('customer.created', { id: stripeId('cus'), object: 'customer' });
		expect(result).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
	});
});

describe('a one-time gift', () => {
	it('is recorded once from the completed session, with its receipt and thanks, however often it comes', async () => {
		const checkoutId = await insertCheckout({ amountCents: 7500 });
		const event = stripe.signedEvent(
			'checkout.session.completed',
			completedSession({ checkoutId, mode: 'payment', amountCents: 7500 })
		);
		const outcomes = await Promise.all([post(event), post(event), post(event)]);
		expect(outcomes.map((o) => o.status)).toEqual([200, 200, 200]);
		expect(outcomes.map((o) => o.body.outcome).sort()).toEqual([
			'applied',
			'duplicate',
			'duplicate'
		]);

		const gifts = await giftsOf(checkoutId);
		expect(gifts).toHaveLength(1);
		expect(gifts[0]).toMatchObject({ status: 'succeeded', amount_cents: 7500, net_cents: 7500 });
		const receipts = await receiptsOf(checkoutId);
		expect(receipts).toHaveLength(1);
		expect(receipts[0]).toMatchObject({ status: 'issued', amount_cents: 7500 });

		const emails = await withSql((sql) =>
			sql.query(`select template, data from email_outbox where idempotency_key = $1`, [
				`donation-thanks:${checkoutId}`
			])
		);
		expect(emails.rows).toHaveLength(1);
		expect(emails.rows[0].data.receipt_id).toBe(receipts[0].id);
	});

	it('takes its amount from Stripe, not from what was asked', async () => {
		const checkoutId = await insertCheckout({ amountCents: 5000 });
		await send(
			'checkout.session.completed',
			completedSession({ checkoutId, mode: 'payment', amountCents: 4999 })
		);
		expect((await giftsOf(checkoutId))[0].amount_cents).toBe(4999);
	});

	it('is pending while a bank debit clears, then failed, and no receipt is issued', async () => {
		const checkoutId = await insertCheckout();
		const session = completedSession({
			checkoutId,
			mode: 'payment',
			amountCents: 5000,
			paymentStatus: 'unpaid'
		});
		await send('checkout.session.completed', session);
		expect((await giftsOf(checkoutId))[0].status).toBe('pending');
		await send('checkout.session.async_payment_failed', session);
		expect((await giftsOf(checkoutId))[0].status).toBe('failed');
		expect(await receiptsOf(checkoutId)).toEqual([]);
		const checkout = await withSql((sql) =>
			sql.query('select status from donation_checkouts where id = $1', [checkoutId])
		);
		expect(checkout.rows[0].status).toBe('completed');
	});

	it('stays failed when the failure comes before the completion', async () => {
		const checkoutId = await insertCheckout();
		const session = completedSession({
			checkoutId,
			mode: 'payment',
			amountCents: 5000,
			paymentStatus: 'unpaid'
		});
		await send('checkout.session.async_payment_failed', session);
		await send('checkout.session.completed', session);
		expect((await giftsOf(checkoutId))[0].status).toBe('failed');
		const checkout = await withSql((sql) =>
			sql.query('select status from donation_checkouts where id = $1', [checkoutId])
		);
		expect(checkout.rows[0].status).toBe('failed');
	});

	it('succeeds when the bank debit clears, even if that news comes before the completion', async () => {
		const checkoutId = await insertCheckout();
		const paymentIntent = stripeId('pi');
		const session = completedSession({
			checkoutId,
			mode: 'payment',
			amountCents: 5000,
			paymentIntent,
			paymentStatus: 'unpaid'
		});
		await send('checkout.session.async_payment_succeeded', { ...session, payment_status: 'paid' });
		await send('checkout.session.completed', session);
		const gifts = await giftsOf(checkoutId);
		expect(gifts).toHaveLength(1);
		expect(gifts[0].status).toBe('succeeded');
		expect(await receiptsOf(checkoutId)).toHaveLength(1);
	});
});

describe('refunds and disputes', () => {
	it('voids the receipt of a partly refunded gift and issues one that replaces it', async () => {
		const checkoutId = await insertCheckout({ amountCents: 10_000 });
		const paymentIntent = stripeId('pi');
		await send(
			'checkout.session.completed',
			completedSession({ checkoutId, mode: 'payment', amountCents: 10_000, paymentIntent })
		);
		const [first] = await receiptsOf(checkoutId);

		const refund = stripe.signedEvent(
			'charge.refunded',
			refundedCharge({ paymentIntent, amountCents: 10_000, refundedCents: 2500 })
		);
		await post(refund);
		await post(refund);

		const gifts = await giftsOf(checkoutId);
		expect(gifts[0]).toMatchObject({ status: 'succeeded', refunded_cents: 2500, net_cents: 7500 });
		const receipts = await receiptsOf(checkoutId);
		expect(receipts).toHaveLength(2);
		expect(receipts[0]).toMatchObject({
			id: first.id,
			status: 'void',
			void_reason: 'partially_refunded'
		});
		expect(receipts[1]).toMatchObject({
			status: 'issued',
			amount_cents: 7500,
			replaces_id: first.id
		});
		expect(receipts[1].serial).not.toBe(first.serial);

		// A later, full refund: the gift is refunded and no receipt stands.
		await send(
			'charge.refunded',
			refundedCharge({ paymentIntent, amountCents: 10_000, refundedCents: 10_000 })
		);
		expect((await giftsOf(checkoutId))[0]).toMatchObject({ status: 'refunded', net_cents: 0 });
		expect((await receiptsOf(checkoutId)).map((r) => r.status)).toEqual(['void', 'void']);
	});

	it('keeps a refund that arrives before its gift, and receipts only what is left', async () => {
		const checkoutId = await insertCheckout({ amountCents: 8000 });
		const paymentIntent = stripeId('pi');
		await send(
			'charge.refunded',
			refundedCharge({ paymentIntent, amountCents: 8000, refundedCents: 3000 })
		);
		// An older event with a smaller cumulative refund changes nothing.
		await send(
			'charge.refunded',
			refundedCharge({ paymentIntent, amountCents: 8000, refundedCents: 1000 })
		);
		await send(
			'checkout.session.completed',
			completedSession({ checkoutId, mode: 'payment', amountCents: 8000, paymentIntent })
		);
		expect((await giftsOf(checkoutId))[0]).toMatchObject({ refunded_cents: 3000, net_cents: 5000 });
		const receipts = await receiptsOf(checkoutId);
		expect(receipts).toHaveLength(1);
		expect(receipts[0]).toMatchObject({ status: 'issued', amount_cents: 5000 });
	});

	it('takes a lost dispute out of the totals and voids the receipt; a late "created" does not reopen it', async () => {
		const checkoutId = await insertCheckout({ amountCents: 6000 });
		const paymentIntent = stripeId('pi');
		await send(
			'checkout.session.completed',
			completedSession({ checkoutId, mode: 'payment', amountCents: 6000, paymentIntent })
		);
		await send(
			'charge.dispute.created',
			dispute({ paymentIntent, amountCents: 6000, status: 'needs_response' })
		);
		expect((await giftsOf(checkoutId))[0]).toMatchObject({
			dispute_status: 'open',
			net_cents: 6000
		});
		await send(
			'charge.dispute.closed',
			dispute({ paymentIntent, amountCents: 6000, status: 'lost' })
		);
		await send(
			'charge.dispute.created',
			dispute({ paymentIntent, amountCents: 6000, status: 'needs_response' })
		);
		expect((await giftsOf(checkoutId))[0]).toMatchObject({ dispute_status: 'lost', net_cents: 0 });
		expect((await receiptsOf(checkoutId)).map((r) => [r.status, r.void_reason])).toEqual([
			['void', 'dispute_lost']
		]);
	});
});

describe('a monthly gift', () => {
	it('is right whatever the order: a renewal before the completion, a late update after the cancellation', async () => {
		const checkoutId = await insertCheckout({ frequency: 'monthly', amountCents: 2500 });
		const sub = stripeId('sub');
		const first = invoice({
			checkoutId,
			subscription: sub,
			amountCents: 2500,
			paymentIntent: stripeId('pi')
		});
		const second = invoice({ checkoutId, subscription: sub, amountCents: 2500 });
		stripe.payInvoice(second.id as string, stripeId('pi'));
		const t = Math.floor(Date.now() / 1000);

		// The second month's invoice first, then the session, then the first invoice twice.
		await send('invoice.paid', second, { created: t + 2 });
		await send(
			'checkout.session.completed',
			completedSession({ checkoutId, mode: 'subscription', amountCents: 2500, subscription: sub })
		);
		const firstEvent = stripe.signedEvent('invoice.paid', first, { created: t });
		await post(firstEvent);
		await post(firstEvent);

		const gifts = await giftsOf(checkoutId);
		expect(gifts).toHaveLength(2);
		expect(
			gifts.every(
				(g) => g.status === 'succeeded' && g.recurring_gift_id === gifts[0].recurring_gift_id
			)
		).toBe(true);
		// The renewal's payment intent was asked of Stripe (webhooks do not expand an invoice's payments).
		expect(gifts.every((g) => g.stripe_payment_intent)).toBe(true);
		expect(stripe.requests.some((r) => r.path === '/v1/invoice_payments')).toBe(true);

		// Monthly gifts are receipted once a year, not each month.
		expect(await receiptsOf(checkoutId)).toEqual([]);
		const thanks = await withSql((sql) =>
			sql.query(`select count(*)::int as n from email_outbox where idempotency_key like $1`, [
				`donation-thanks:${checkoutId}%`
			])
		);
		expect(thanks.rows[0].n).toBe(1);

		// Cancelled, then an older update arrives: it stays cancelled.
		await send(
			'customer.subscription.deleted',
			subscription({ checkoutId, id: sub, amountCents: 2500, status: 'canceled' }),
			{ created: t + 10 }
		);
		await send(
			'customer.subscription.updated',
			subscription({ checkoutId, id: sub, amountCents: 4000, status: 'active' }),
			{ created: t + 5 }
		);
		const recurring = await withSql((sql) =>
			sql.query(
				'select status, amount_cents::int from recurring_gifts where stripe_subscription = $1',
				[sub]
			)
		);
		expect(recurring.rows).toEqual([{ status: 'canceled', amount_cents: 2500 }]);
	});

	it('counts failed renewals, tells the donor, and a later payment of the same invoice succeeds', async () => {
		const checkoutId = await insertCheckout({ frequency: 'monthly', amountCents: 3000 });
		const sub = stripeId('sub');
		await send(
			'checkout.session.completed',
			completedSession({ checkoutId, mode: 'subscription', amountCents: 3000, subscription: sub })
		);
		const renewal = invoice({ checkoutId, subscription: sub, amountCents: 3000, paid: false });
		await send('invoice.payment_failed', renewal);
		// Stripe tries a failed invoice again, and tells us each time: one missed month.
		await send('invoice.payment_failed', renewal);
		let state = await withSql((sql) =>
			sql.query('select failed_renewals from recurring_gifts where stripe_subscription = $1', [sub])
		);
		expect(state.rows[0].failed_renewals).toBe(1);
		const mail = await withSql((sql) =>
			sql.query('select template from email_outbox where idempotency_key = $1', [
				`donation-renewal-failed:${renewal.id}`
			])
		);
		expect(mail.rows).toEqual([{ template: 'donation-renewal-failed' }]);

		await send('invoice.paid', { ...renewal, amount_paid: 3000, status: 'paid' });
		// A late copy of the failure does not undo the payment.
		await send('invoice.payment_failed', renewal);
		const gifts = await giftsOf(checkoutId);
		expect(gifts.map((g) => [g.stripe_invoice, g.status])).toEqual([[renewal.id, 'succeeded']]);
		state = await withSql((sql) =>
			sql.query('select failed_renewals from recurring_gifts where stripe_subscription = $1', [sub])
		);
		expect(state.rows[0].failed_renewals).toBe(0);
	});

	it('records the donor and their consent once, when a renewal is the first news', async () => {
		const checkoutId = await insertCheckout({ frequency: 'monthly', amountCents: 2000 });
		await withSql((sql) =>
			sql.query(
				`update donation_checkouts set email_consent = true, consent_wording = 'Keep me informed.',
					consent_source = '/donate' where id = $1`,
				[checkoutId]
			)
		);
		const sub = stripeId('sub');
		await send(
			'invoice.paid',
			invoice({ checkoutId, subscription: sub, amountCents: 2000, paymentIntent: stripeId('pi') })
		);
		await send(
			'checkout.session.completed',
			completedSession({ checkoutId, mode: 'subscription', amountCents: 2000, subscription: sub })
		);
		const consents = await withSql((sql) =>
			sql.query(
				`select c.wording, c.source from consents c join donation_checkouts d on d.supporter_id = c.supporter_id
				where d.id = $1`,
				[checkoutId]
			)
		);
		expect(consents.rows).toEqual([{ wording: 'Keep me informed.', source: '/donate' }]);
	});

	it('issues one yearly receipt per gift even when two staff run it at once', async () => {
		const checkoutId = await insertCheckout({ frequency: 'monthly', amountCents: 1500 });
		const sub = stripeId('sub');
		for (let month = 0; month < 3; month += 1) {
			await send(
				'invoice.paid',
				invoice({ checkoutId, subscription: sub, amountCents: 1500, paymentIntent: stripeId('pi') })
			);
		}
		const admin = await withSql(
			async (sql) =>
				(
					await sql.query(`insert into staff (email, role) values ($1, 'admin') returning id`, [
						uniqueEmail('annual')
					])
				).rows[0].id as string
		);
		const year = new Date().getFullYear();
		await Promise.all([
			withSql((sql) =>
				sql.query('select public.receipts_issue_annual($1, $2, null)', [admin, year])
			),
			withSql((sql) =>
				sql.query('select public.receipts_issue_annual($1, $2, null)', [admin, year])
			)
		]);
		const receipts = await receiptsOf(checkoutId);
		expect(receipts).toHaveLength(1);
		expect(receipts[0]).toMatchObject({ status: 'issued', amount_cents: 4500 });
	});

	it('is updated by a change of amount in the customer portal', async () => {
		const checkoutId = await insertCheckout({ frequency: 'monthly', amountCents: 2000 });
		const sub = stripeId('sub');
		await send(
			'checkout.session.completed',
			completedSession({ checkoutId, mode: 'subscription', amountCents: 2000, subscription: sub })
		);
		await send(
			'customer.subscription.updated',
			subscription({ checkoutId, id: sub, amountCents: 3500, status: 'active' })
		);
		const recurring = await withSql((sql) =>
			sql.query(
				'select status, amount_cents::int from recurring_gifts where stripe_subscription = $1',
				[sub]
			)
		);
		expect(recurring.rows).toEqual([{ status: 'active', amount_cents: 3500 }]);
	});
});

describe('events that are not ours', () => {
	it('records no gift for an invoice of nothing (a trial or a credit)', async () => {
		const checkoutId = await insertCheckout({ frequency: 'monthly', amountCents: 2500 });
		const result = await send(
			'invoice.paid',
			invoice({
				checkoutId,
				subscription: stripeId('sub'),
				amountCents: 0,
				paymentIntent: stripeId('pi')
			})
		);
		expect(result.body.outcome).toBe('nothing paid');
		expect(await giftsOf(checkoutId)).toEqual([]);
	});

	it('ignores a session made elsewhere (no checkout of ours) without failing', async () => {
		const session = completedSession({
			checkoutId: 'not-a-uuid',
			mode: 'payment',
			amountCents: 1000
		});
		session.client_reference_id = null;
		session.metadata = {};
		expect(await send('checkout.session.completed', session)).toEqual({
			status: 200,
			body: { received: true, outcome: 'not from our checkout' }
		});
	});
});
