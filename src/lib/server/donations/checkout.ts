import type Stripe from 'stripe';
import { SITE_URL } from '$app/env/public';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { coverFeeCents, type Frequency } from '#lib/donations/money.ts';
import { must, serviceDb } from '../db.ts';
import type { Language } from '../email/types.ts';
import { donationSettings } from './settings.ts';
import { stripe, stripeSettings } from './stripe.ts';

const STRIPE_MAX_CENTS = 99_999_999;

/** What the donation form asks for, once validated (src/lib/schemas/donation.ts). */
export interface DonationRequest {
	frequency: Frequency;
	/** The gift the donor chose, before covering fees. */
	amountCents: number;
	coverFees: boolean;
	/** A published campaign's slug, or null for "where most needed". */
	campaign: string | null;
	tribute: { kind: 'honour' | 'memory'; name: string; notifyEmail: string | null } | null;
	anonymous: boolean;
	wantsReceipt: boolean;
	email: string;
	firstName: string | null;
	lastName: string | null;
	address: {
		line1: string;
		line2: string | null;
		city: string;
		province: string | null;
		postalCode: string;
		country: string;
	} | null;
	language: Language;
	/** "Keep me informed", with the exact words shown beside it. */
	emailConsent: { wording: string; source: string } | null;
	/** What Stripe's page calls the gift ("Monthly gift to IJM Canada: <campaign>"). */
	productName: string;
}

export type CheckoutStart =
	| { ok: true; checkoutId: string; url: string }
	| { ok: false; reason: 'amount_too_small' | 'amount_too_large' | 'campaign_not_open' };

/**
 * Records what the donor asked for, then opens a Stripe Checkout session for it
 * (or, without a Stripe key, the local test checkout). The amount charged is
 * computed here from the settings, never taken from the browser.
 */
export async function startCheckout(request: DonationRequest): Promise<CheckoutStart> {
	const settings = await donationSettings();
	if (request.amountCents < settings.minCents) return { ok: false, reason: 'amount_too_small' };
	if (request.amountCents > settings.maxCents) return { ok: false, reason: 'amount_too_large' };
	let campaignId: string | null = null;
	if (request.campaign) {
		const { data } = await serviceDb()
			.from('campaigns')
			.select('id')
			.eq('slug', request.campaign)
			.eq('status', 'published')
			.maybeSingle();
		if (!data) return { ok: false, reason: 'campaign_not_open' };
		campaignId = data.id as string;
	}
	const feeCents = request.coverFees ? coverFeeCents(request.amountCents, settings.fee) : 0;
	// Stripe takes at most $999,999.99 in one payment, fee included.
	if (request.amountCents + feeCents > STRIPE_MAX_CENTS)
		return { ok: false, reason: 'amount_too_large' };
	const row = must(
		await serviceDb()
			.from('donation_checkouts')
			.insert({
				test: stripeSettings.testMode,
				frequency: request.frequency,
				amount_cents: request.amountCents + feeCents,
				fee_cents: feeCents,
				currency: settings.currency,
				campaign_id: campaignId,
				tribute_kind: request.tribute?.kind ?? null,
				tribute_name: request.tribute?.name ?? null,
				tribute_notify_email: request.tribute?.notifyEmail ?? null,
				anonymous: request.anonymous,
				wants_receipt: request.wantsReceipt,
				email: request.email.trim(),
				first_name: request.firstName,
				last_name: request.lastName,
				address_line1: request.address?.line1 ?? null,
				address_line2: request.address?.line2 ?? null,
				city: request.address?.city ?? null,
				province: request.address?.province ?? null,
				postal_code: request.address?.postalCode ?? null,
				country: request.address?.country ?? null,
				language: request.language,
				email_consent: request.emailConsent !== null,
				consent_wording: request.emailConsent?.wording ?? null,
				consent_source: request.emailConsent?.source ?? null
			})
			.select('id, amount_cents, currency')
			.single()
	) as { id: string; amount_cents: number; currency: string };

	const client = stripe();
	if (!client) {
		return {
			ok: true,
			checkoutId: row.id,
			url: localizeHref(`/donate/test-checkout/${row.id}`, { locale: request.language })
		};
	}
	const session = await createSession(client, row, request);
	must(
		await serviceDb()
			.from('donation_checkouts')
			.update({ stripe_session_id: session.id })
			.eq('id', row.id)
	);
	return { ok: true, checkoutId: row.id, url: session.url! };
}

/** Where Stripe sends the donor back: the thank-you page that reads the payment's state. */
export function thanksPath(checkoutId: string, language: Language): string {
	return localizeHref(`/donate/thanks/${checkoutId}`, { locale: language });
}

async function createSession(
	client: Stripe,
	checkout: { id: string; amount_cents: number; currency: string },
	request: DonationRequest
): Promise<Stripe.Checkout.Session> {
	const metadata = { checkout_id: checkout.id };
	const monthly = request.frequency === 'monthly';
	const description = request.productName;
	const params: Stripe.Checkout.SessionCreateParams = {
		mode: monthly ? 'subscription' : 'payment',
		client_reference_id: checkout.id,
		customer_email: request.email.trim(),
		locale: request.language === 'fr' ? 'fr-CA' : 'en',
		line_items: [
			{
				quantity: 1,
				price_data: {
					currency: checkout.currency,
					unit_amount: Number(checkout.amount_cents),
					product_data: { name: description },
					...(monthly && { recurring: { interval: 'month' as const } })
				}
			}
		],
		metadata,
		success_url: SITE_URL + thanksPath(checkout.id, request.language),
		cancel_url:
			SITE_URL +
			localizeHref(
				`/donate${request.campaign ? `?campaign=${encodeURIComponent(request.campaign)}` : ''}`,
				{
					locale: request.language
				}
			),
		...(monthly
			? { subscription_data: { metadata, description } }
			: {
					submit_type: 'donate' as const,
					customer_creation: 'always' as const,
					payment_intent_data: { metadata, description }
				})
	};
	// One session per checkout, even if this call is retried.
	return client.checkout.sessions.create(params, {
		idempotencyKey: `checkout-session:${checkout.id}`
	});
}
