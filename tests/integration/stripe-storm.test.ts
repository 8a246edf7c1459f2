import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStripeDouble, type StripeDouble } from '../doubles/stripe.ts';
import { completedSession, invoice, refundedCharge, stripeId } from '../doubles/stripe-objects.ts';
import { uniqueEmail, withSql } from './helpers.ts';
import { startSite } from './site.ts';

// The storm: 200 distinct Stripe events (60 one-time gifts, 40 partial refunds of
// them, 20 monthly gifts with 4 paid invoices each), each sent 5 times, shuffled,
// 20 at a time, to the webhook of the built site. Exactly 200 effects; totals to
// the cent; one standing receipt per gift; every serial used once.

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

function shuffle<T>(items: T[]): T[] {
	for (let i = items.length - 1; i > 0; i -= 1) {
		const j = Math.floor(Math.random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}

it('applies 200 events sent 5 times each, shuffled and concurrent, exactly once each', async () => {
	const marker = `storm${Date.now().toString(36)}`;
	const checkouts = await withSql(async (sql) => {
		const { rows } = await sql.query(
			`insert into donation_checkouts (test, frequency, amount_cents, currency, wants_receipt, email,
				first_name, last_name, address_line1, city, province, postal_code, country, language)
			select true, case when n <= 60 then 'one_time' else 'monthly' end, 1000 + n * 137, 'cad', true,
				$1 || '.' || n || '@example.org', 'Storm', 'Donor ' || n, n || ' Rain St', 'Guelph', 'ON', 'N1H 1A1', 'Canada',
				case when n % 3 = 0 then 'fr' else 'en' end
			from generate_series(1, 80) n
			returning id, frequency, amount_cents::int`,
			[uniqueEmail(marker).split('@')[0]]
		);
		return rows as { id: string; frequency: string; amount_cents: number }[];
	});

	const events: { type: string; object: Record<string, unknown> }[] = [];
	let expectedNet = 0;
	const oneTime = checkouts.filter((c) => c.frequency === 'one_time');
	const monthly = checkouts.filter((c) => c.frequency === 'monthly');
	oneTime.forEach((checkout, index) => {
		const paymentIntent = stripeId('pi');
		events.push({
			type: 'checkout.session.completed',
			object: completedSession({
				checkoutId: checkout.id,
				mode: 'payment',
				amountCents: checkout.amount_cents,
				paymentIntent
			})
		});
		expectedNet += checkout.amount_cents;
		if (index < 40) {
			const refunded = Math.floor(checkout.amount_cents / 4);
			events.push({
				type: 'charge.refunded',
				object: refundedCharge({
					paymentIntent,
					amountCents: checkout.amount_cents,
					refundedCents: refunded
				})
			});
			expectedNet -= refunded;
		}
	});
	for (const checkout of monthly) {
		const subscription = stripeId('sub');
		events.push({
			type: 'checkout.session.completed',
			object: completedSession({
				checkoutId: checkout.id,
				mode: 'subscription',
				amountCents: checkout.amount_cents,
				subscription
			})
		});
		for (let month = 0; month < 4; month += 1) {
			events.push({
				type: 'invoice.paid',
				object: invoice({
					checkoutId: checkout.id,
					subscription,
					amountCents: checkout.amount_cents,
					paymentIntent: stripeId('pi')
				})
			});
			expectedNet += checkout.amount_cents;
		}
	}
	expect(events).toHaveLength(200);

	const signed = events.map((event) => stripe.signedEvent(event.type, event.object));
	const deliveries = shuffle(signed.flatMap((event) => Array.from({ length: 5 }, () => event)));
	const statuses: number[] = [];
	let next = 0;
	await Promise.all(
		Array.from({ length: 20 }, async () => {
			while (next < deliveries.length) {
				const event = deliveries[next++];
				const response = await fetch(`${site.url}/api/webhooks/stripe`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
					body: event.body
				});
				statuses.push(response.status);
				await response.arrayBuffer();
			}
		})
	);
	expect(statuses.filter((status) => status !== 200)).toEqual([]);

	const ids = checkouts.map((c) => c.id);
	await withSql(async (sql) => {
		const applied = await sql.query(
			`select outcome, count(*)::int as n from stripe_events where id = any($1) group by outcome`,
			[signed.map((event) => event.id)]
		);
		// A refund shuffled ahead of its gift is kept for it ("kept for its gift"), then applied by the gift.
		expect(applied.rows.reduce((sum, row) => sum + row.n, 0)).toBe(200);
		expect(applied.rows.map((row) => row.outcome).sort()).toEqual(
			expect.arrayContaining(['applied'])
		);
		expect(
			applied.rows.filter((row) => !['applied', 'kept for its gift'].includes(row.outcome))
		).toEqual([]);

		const gifts = await sql.query(
			`select count(*)::int as n, sum(net_cents)::int as net,
				count(*) filter (where frequency = 'monthly')::int as monthly
			from gifts where checkout_id = any($1)`,
			[ids]
		);
		expect(gifts.rows[0]).toEqual({ n: 140, net: expectedNet, monthly: 80 });
		const recurring = await sql.query(
			'select count(*)::int as n from recurring_gifts where checkout_id = any($1)',
			[ids]
		);
		expect(recurring.rows[0].n).toBe(20);

		// Monthly donors' gifts are receipted once for the year, by staff.
		const [staff] = (
			await sql.query(`insert into staff (email, role) values ($1, 'admin') returning id`, [
				uniqueEmail('storm-admin')
			])
		).rows;
		const year = new Date().getFullYear();
		await sql.query('select public.receipts_issue_annual($1, $2, null)', [staff.id, year]);
		await sql.query('select public.receipts_issue_annual($1, $2, null)', [staff.id, year]);

		// Every gift: exactly one standing receipt, for exactly what it brought in.
		const perGift = await sql.query(
			`select g.id, g.net_cents::int as net,
				count(r.id) filter (where r.status = 'issued')::int as issued,
				sum(rg.amount_cents) filter (where r.status = 'issued')::int as receipted
			from gifts g
			left join receipt_gifts rg on rg.gift_id = g.id
			left join receipts r on r.id = rg.receipt_id
			where g.checkout_id = any($1)
			group by g.id`,
			[ids]
		);
		expect(perGift.rows.filter((row) => row.issued !== 1 || row.receipted !== row.net)).toEqual([]);

		const receipts = await sql.query(
			`select distinct r.id, r.serial, r.status, r.replaces_id from receipts r
			join receipt_gifts rg on rg.receipt_id = r.id join gifts g on g.id = rg.gift_id
			where g.checkout_id = any($1)`,
			[ids]
		);
		// 60 one-time receipts and 20 annual ones stand. A refund that came after its
		// gift's receipt voided it and issued one that replaces it; one that came before
		// (kept for its gift) made the receipt for the amount left in the first place.
		const keptRefunds = applied.rows.find((row) => row.outcome === 'kept for its gift')?.n ?? 0;
		const issued = receipts.rows.filter((r) => r.status === 'issued');
		const voided = receipts.rows.filter((r) => r.status === 'void');
		expect(issued).toHaveLength(80);
		expect(voided).toHaveLength(40 - keptRefunds);
		expect(new Set(receipts.rows.map((r) => r.replaces_id).filter(Boolean))).toEqual(
			new Set(voided.map((r) => r.id))
		);

		// Serials: none reused, none skipped, in the whole series.
		const series = await sql.query(
			`select count(*)::int as n, count(distinct serial)::int as distinct_serials,
				max(split_part(serial, '-', 3)::int) as highest
			from receipts where serial like $1`,
			[`TEST-${year}-%`]
		);
		expect(series.rows[0].distinct_serials).toBe(series.rows[0].n);
		expect(series.rows[0].highest).toBe(series.rows[0].n);

		const thanks = await sql.query(
			`select count(*)::int as n from email_outbox where idempotency_key = any($1)`,
			[ids.map((id) => `donation-thanks:${id}`)]
		);
		expect(thanks.rows[0].n).toBe(80);
	});
}, 300_000);
