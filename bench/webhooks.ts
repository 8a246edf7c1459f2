import http from 'node:http';
import os from 'node:os';
import pg from 'pg';
import { startStripeDouble } from '../tests/doubles/stripe.ts';
import {
	completedSession,
	invoice,
	refundedCharge,
	stripeId
} from '../tests/doubles/stripe-objects.ts';
import { percentile, startSiteOnStack } from './server.ts';

// `npm run bench -- webhooks`: signed Stripe events through POST /api/webhooks/stripe
// on the built site as `npm start` serves it, with the real `stripe` package checking
// each signature. The mix: completed one-time checkouts (each issuing a receipt and
// queueing the thanks), paid invoices of monthly gifts, and partial refunds (voiding
// and replacing a receipt). Then every event again (Stripe's repeats). Prints events
// per second with p50/p99, and checks the effects: every event once, totals to the cent.
// Goal: >= 200 events/s on PostgreSQL 15:
//   BENCH_DATABASE_URL=$(.ci/postgres.sh start 55433) npm run bench -- webhooks; .ci/postgres.sh stop

const ONE_TIME = Number(process.env.BENCH_ONE_TIME ?? 2000);
const MONTHLY = Number(process.env.BENCH_MONTHLY ?? 250);
const INVOICES = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface Signed {
	id: string;
	body: string;
	signature: string;
}

async function deliver(url: string, events: Signed[]) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
	const latencies: number[] = [];
	const failed: number[] = [];
	let next = 0;
	const post = (event: Signed) =>
		new Promise<number>((resolve, reject) => {
			const request = http.request(
				`${url}/api/webhooks/stripe`,
				{
					method: 'POST',
					agent,
					headers: {
						'content-type': 'application/json',
						'content-length': Buffer.byteLength(event.body),
						'stripe-signature': event.signature
					}
				},
				(response) => {
					response.resume();
					response.on('end', () => resolve(response.statusCode ?? 0));
				}
			);
			request.on('error', reject);
			request.end(event.body);
		});
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONNECTIONS }, async () => {
			while (next < events.length) {
				const event = events[next++];
				const sent = performance.now();
				const status = await post(event).catch(() => 0);
				latencies.push(performance.now() - sent);
				if (status !== 200) failed.push(status);
			}
		})
	);
	const seconds = (performance.now() - started) / 1000;
	agent.destroy();
	latencies.sort((a, b) => a - b);
	return { seconds, latencies, failed };
}

export async function run() {
	const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
	const stripe = await startStripeDouble();
	const site = await startSiteOnStack(databaseUrl, {
		STRIPE_SECRET_KEY: stripe.secretKey,
		STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
		STRIPE_API_URL: stripe.url
	});
	const sql = new pg.Client({ connectionString: site.dbUrl });
	await sql.connect();
	try {
		const database = (
			await sql.query<{ version: string }>('select version()')
		).rows[0].version.split(' on ')[0];

		const checkouts = (
			await sql.query<{ id: string; frequency: string; amount_cents: number }>(
				`insert into donation_checkouts (test, frequency, amount_cents, currency, wants_receipt, email,
					first_name, last_name, address_line1, city, province, postal_code, country, language)
				select true, case when n <= $1::int then 'one_time' else 'monthly' end, 1000 + (n % 97) * 250, 'cad', true,
					'bench.donor.' || n || '@example.org', 'Bench', 'Donor', n || ' Main St', 'Guelph', 'ON', 'N1H 1A1',
					'Canada', 'en'
				from generate_series(1, $1::int + $2::int) n
				returning id, frequency, amount_cents::int`,
				[ONE_TIME, MONTHLY]
			)
		).rows;

		const events: Signed[] = [];
		let expectedNet = 0;
		const sign = (type: string, object: Record<string, unknown>) =>
			events.push(stripe.signedEvent(type, object));
		for (const [index, checkout] of checkouts.entries()) {
			if (checkout.frequency === 'one_time') {
				const paymentIntent = stripeId('pi');
				sign(
					'checkout.session.completed',
					completedSession({
						checkoutId: checkout.id,
						mode: 'payment',
						amountCents: checkout.amount_cents,
						paymentIntent
					})
				);
				expectedNet += checkout.amount_cents;
				if (index % 5 === 0) {
					const refunded = Math.floor(checkout.amount_cents / 2);
					sign(
						'charge.refunded',
						refundedCharge({
							paymentIntent,
							amountCents: checkout.amount_cents,
							refundedCents: refunded
						})
					);
					expectedNet -= refunded;
				}
			} else {
				const subscription = stripeId('sub');
				sign(
					'checkout.session.completed',
					completedSession({
						checkoutId: checkout.id,
						mode: 'subscription',
						amountCents: checkout.amount_cents,
						subscription
					})
				);
				for (let month = 0; month < INVOICES; month += 1) {
					sign(
						'invoice.paid',
						invoice({
							checkoutId: checkout.id,
							subscription,
							amountCents: checkout.amount_cents,
							paymentIntent: stripeId('pi')
						})
					);
					expectedNet += checkout.amount_cents;
				}
			}
		}

		console.log(
			`\nStripe webhooks: ${events.length.toLocaleString('en')} signed events (${ONE_TIME} one-time gifts, ` +
				`${Math.ceil(ONE_TIME / 5)} partial refunds, ${MONTHLY} monthly gifts × (1 session + ${INVOICES} invoices)), ` +
				`${CONNECTIONS} at a time, on ${database}${databaseUrl ? '' : ' (PGlite)'}; ${os.cpus().length} cores, Node ${process.version}`
		);

		// A warm-up the figures leave out: the first requests pay for connections and plans.
		await deliver(site.url, events.slice(0, 200));
		const first = await deliver(site.url, events.slice(200));
		const repeats = await deliver(site.url, events);

		const rows = [
			{ name: 'first delivery', count: events.length - 200, ...first },
			{ name: 'all again (repeats)', count: events.length, ...repeats }
		];
		console.log('\nPOST /api/webhooks/stripe (signature checked, applied in one transaction)\n');
		console.table(
			rows.map((row) => ({
				'': row.name,
				events: row.count,
				'not 200': row.failed.length,
				seconds: Number(row.seconds.toFixed(1)),
				'per second': Math.round(row.count / row.seconds),
				'p50 ms': Number(percentile(row.latencies, 50).toFixed(1)),
				'p99 ms': Number(percentile(row.latencies, 99).toFixed(1))
			}))
		);

		const check = (
			await sql.query(
				`select (select count(*)::int from stripe_events where id = any($1)) as recorded,
					(select count(*)::int from gifts where checkout_id = any($2)) as gifts,
					(select coalesce(sum(net_cents), 0)::bigint from gifts where checkout_id = any($2)) as net,
					(select count(*)::int from receipts r where r.status = 'issued' and r.supporter_id in
						(select supporter_id from donation_checkouts where id = any($2))) as standing_receipts`,
				[events.map((event) => event.id), checkouts.map((checkout) => checkout.id)]
			)
		).rows[0];
		const expectedGifts = ONE_TIME + MONTHLY * INVOICES;
		console.log(
			`effects: ${check.recorded} events recorded of ${events.length}; ${check.gifts} gifts of ${expectedGifts}; ` +
				`net ${Number(check.net) / 100} of ${expectedNet / 100} CAD (${Number(check.net) === expectedNet ? 'to the cent' : 'WRONG'}); ` +
				`${check.standing_receipts} standing receipts for ${ONE_TIME} one-time gifts`
		);
		const perSecond = (events.length - 200) / first.seconds;
		console.log(
			`\nGoal: >= 200 events/s on PostgreSQL 15. This run: ${Math.round(perSecond)}/s, p99 ${percentile(first.latencies, 99).toFixed(0)} ms` +
				(databaseUrl ? '' : ' (on PGlite; run with BENCH_DATABASE_URL for PostgreSQL 15)')
		);
	} finally {
		await sql.end();
		await site.stop();
		await stripe.close();
	}
}
