import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

// A local stand-in for the Stripe API, for the real `stripe` package to talk to (its
// host, port and protocol options, through STRIPE_API_URL). It answers with Stripe's
// own sample objects (stripe-fixtures.json, from Stripe's OpenAPI repository) with
// the fields of the request applied, keeps idempotency keys as Stripe does, and
// makes signed webhook events the way Stripe signs them.

const fixtures = JSON.parse(
	readFileSync(new URL('./stripe-fixtures.json', import.meta.url), 'utf8')
).resources as Record<string, Record<string, unknown>>;

/** A fresh copy of one of Stripe's sample objects. */
export function fixture<T = Record<string, unknown>>(
	name: string,
	changes: Record<string, unknown> = {}
): T {
	return { ...structuredClone(fixtures[name]), ...changes } as T;
}

/** `a[b][0][c]=v` form fields (what the stripe package sends) as nested objects. */
export function parseStripeForm(body: string): Record<string, unknown> {
	const root: Record<string, unknown> = {};
	for (const [key, value] of new URLSearchParams(body)) {
		const path = key.split(/\[|\]\[|\]/).filter((part) => part !== '');
		let node: Record<string, unknown> = root;
		path.forEach((part, index) => {
			if (index === path.length - 1) {
				node[part] = value;
			} else {
				node = (node[part] ??= {}) as Record<string, unknown>;
			}
		});
	}
	return root;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

export interface StripeRequest {
	method: string;
	path: string;
	idempotencyKey: string | null;
	body: Record<string, unknown>;
}

export interface StripeDouble {
	url: string;
	secretKey: string;
	webhookSecret: string;
	requests: StripeRequest[];
	/** Sessions created, by id. */
	sessions: Map<string, Record<string, unknown>>;
	/** The payment intent that paid an invoice (what GET /v1/invoice_payments lists). */
	payInvoice(invoiceId: string, paymentIntent: string): void;
	/** A subscription Stripe holds, made by a checkout of ours (what GET and POST /v1/subscriptions/:id use). */
	addSubscription(
		id: string,
		options: { checkoutId: string; amountCents: number; currency: string }
	): void;
	/** A charge Stripe holds for a payment intent (what refunds and GET /v1/charges use). */
	addCharge(paymentIntent: string, amount: number, currency: string): string;
	/** A Stripe event with this object, signed as Stripe signs it (now, or at `timestamp`). */
	signedEvent(
		type: string,
		object: Record<string, unknown>,
		options?: { id?: string; created?: number; timestamp?: number; secret?: string }
	): { body: string; signature: string; id: string };
	close(): Promise<void>;
}

export async function startStripeDouble(): Promise<StripeDouble> {
	const requests: StripeRequest[] = [];
	const sessions = new Map<string, Record<string, unknown>>();
	const invoicePayments = new Map<string, string>();
	const charges = new Map<string, Record<string, unknown>>();
	const subscriptions = new Map<string, Record<string, unknown>>();
	const idempotent = new Map<string, { params: string; status: number; body: unknown }>();
	const webhookSecret = 'whsec_double_' + randomBytes(16).toString('hex');

	function answer(method: string, path: string, body: Record<string, unknown>): [number, unknown] {
		if (method === 'POST' && path === '/v1/checkout/sessions') {
			const items = (body.line_items ?? {}) as Record<
				string,
				Record<string, Record<string, string>>
			>;
			const first = items['0'] ?? {};
			const amount = Number(first.price_data?.unit_amount ?? 0) * Number(first.quantity ?? 1);
			const sessionId = id('cs');
			const session = fixture('checkout.session', {
				id: sessionId,
				object: 'checkout.session',
				mode: body.mode,
				client_reference_id: body.client_reference_id ?? null,
				customer_email: body.customer_email ?? null,
				metadata: body.metadata ?? {},
				amount_total: amount,
				amount_subtotal: amount,
				currency: first.price_data?.currency ?? 'cad',
				success_url: body.success_url,
				cancel_url: body.cancel_url,
				locale: body.locale ?? null,
				status: 'open',
				payment_status: 'unpaid',
				livemode: false,
				url: `https://checkout.stripe.com/c/pay/${sessionId}`
			});
			sessions.set(sessionId, session);
			return [200, session];
		}
		if (method === 'GET' && path.startsWith('/v1/charges/')) {
			const charge = charges.get(path.slice('/v1/charges/'.length));
			return charge ? [200, charge] : notFound('charge');
		}
		if (method === 'POST' && path === '/v1/refunds') {
			const charge = [...charges.values()].find((c) => c.payment_intent === body.payment_intent);
			if (!charge) return notFound('payment_intent');
			const amount = Number(body.amount ?? Number(charge.amount) - Number(charge.amount_refunded));
			if (Number(charge.amount_refunded) + amount > Number(charge.amount)) {
				return [
					400,
					{
						error: {
							type: 'invalid_request_error',
							code: 'charge_already_refunded',
							message: `Refund amount ($${amount / 100}) is greater than unrefunded amount on charge`
						}
					}
				];
			}
			charge.amount_refunded = Number(charge.amount_refunded) + amount;
			charge.refunded = charge.amount_refunded === charge.amount;
			return [
				200,
				fixture('refund', {
					id: id('re'),
					amount,
					charge: charge.id,
					payment_intent: charge.payment_intent,
					currency: charge.currency,
					status: 'succeeded'
				})
			];
		}
		if ((method === 'GET' || method === 'POST') && path.startsWith('/v1/subscriptions/')) {
			const subscription = subscriptions.get(path.slice('/v1/subscriptions/'.length));
			if (!subscription) return notFound('subscription');
			const items = subscription.items as { data: { price: Record<string, unknown> }[] };
			const change = (
				body.items as Record<string, { price_data?: Record<string, string> }> | undefined
			)?.['0'];
			if (method === 'POST' && change?.price_data) {
				items.data[0].price = {
					...items.data[0].price,
					id: id('price'),
					unit_amount: Number(change.price_data.unit_amount),
					currency: change.price_data.currency
				};
			}
			return [200, subscription];
		}
		if (method === 'DELETE' && path.startsWith('/v1/subscriptions/')) {
			return [
				200,
				fixture('subscription', {
					id: path.slice('/v1/subscriptions/'.length),
					status: 'canceled',
					canceled_at: Math.floor(Date.now() / 1000),
					livemode: false
				})
			];
		}
		if (method === 'POST' && path === '/v1/billing_portal/sessions') {
			return [
				200,
				fixture('billing_portal.session', {
					id: id('bps'),
					customer: body.customer,
					return_url: body.return_url,
					url: `https://billing.stripe.com/p/session/${id('ps')}`
				})
			];
		}
		return notFound(path);
	}

	// invoice_payments is answered from what the test said paid each invoice.
	function answerInvoicePayments(url: URL): [number, unknown] {
		const invoice = url.searchParams.get('invoice');
		const paymentIntent = invoice ? invoicePayments.get(invoice) : undefined;
		const data = paymentIntent
			? [
					fixture('invoice_payment', {
						id: id('inpay'),
						invoice,
						status: 'paid',
						payment: { type: 'payment_intent', payment_intent: paymentIntent }
					})
				]
			: [];
		return [200, { object: 'list', url: '/v1/invoice_payments', has_more: false, data }];
	}

	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://double');
			const body = parseStripeForm(raw);
			const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
			requests.push({ method: req.method ?? 'GET', path: url.pathname, idempotencyKey: key, body });
			const send = (status: number, payload: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
				res.end(JSON.stringify(payload));
			};
			if (!/^Bearer sk_test_/.test(req.headers.authorization ?? '')) {
				return send(401, {
					error: { type: 'invalid_request_error', message: 'Invalid API Key provided' }
				});
			}
			// Stripe replays the first answer to a repeated key, and refuses the key with other parameters.
			if (key && req.method === 'POST') {
				const seen = idempotent.get(key);
				if (seen) {
					if (seen.params !== raw) {
						return send(400, {
							error: {
								type: 'idempotency_error',
								message:
									'Keys for idempotent requests can only be used with the same parameters they were first used with.'
							}
						});
					}
					res.setHeader('idempotent-replayed', 'true');
					return send(seen.status, seen.body);
				}
			}
			const [status, payload] =
				req.method === 'GET' && url.pathname === '/v1/invoice_payments'
					? answerInvoicePayments(url)
					: answer(req.method ?? 'GET', url.pathname, body);
			if (key && req.method === 'POST') idempotent.set(key, { params: raw, status, body: payload });
			send(status, payload);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		secretKey: 'sk_test_double',
		webhookSecret,
		requests,
		sessions,
		payInvoice(invoiceId, paymentIntent) {
			invoicePayments.set(invoiceId, paymentIntent);
		},
		addSubscription(subscriptionId, options) {
			const base = fixture<{ items: { data: Record<string, unknown>[] } }>('subscription');
			const item = base.items.data[0] as { price: Record<string, unknown> };
			subscriptions.set(
				subscriptionId,
				fixture('subscription', {
					id: subscriptionId,
					status: 'active',
					currency: options.currency,
					metadata: { checkout_id: options.checkoutId },
					canceled_at: null,
					ended_at: null,
					livemode: false,
					items: {
						...base.items,
						data: [
							{
								...item,
								id: id('si'),
								quantity: 1,
								price: {
									...item.price,
									unit_amount: options.amountCents,
									currency: options.currency,
									product: 'prod_test_gift'
								}
							}
						]
					}
				})
			);
		},
		addCharge(paymentIntent, amount, currency) {
			const chargeId = id('ch');
			charges.set(
				chargeId,
				fixture('charge', {
					id: chargeId,
					payment_intent: paymentIntent,
					amount,
					amount_captured: amount,
					amount_refunded: 0,
					currency,
					captured: true,
					paid: true,
					refunded: false,
					status: 'succeeded'
				})
			);
			return chargeId;
		},
		signedEvent(type, object, options = {}) {
			const eventId = options.id ?? id('evt');
			const body = JSON.stringify(
				fixture('event', {
					id: eventId,
					type,
					created: options.created ?? Math.floor(Date.now() / 1000),
					livemode: false,
					data: { object }
				}),
				null,
				2
			);
			const signature = Stripe.webhooks.generateTestHeaderString({
				payload: body,
				secret: options.secret ?? webhookSecret,
				timestamp: options.timestamp
			});
			return { body, signature, id: eventId };
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

function notFound(what: string): [number, unknown] {
	return [
		404,
		{
			error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}` }
		}
	];
}
