import type { Frequency } from '#lib/donations/money.ts';
import { must, serviceDb } from '../db.ts';
import type { Language } from '../email/types.ts';
import { stripeSettings } from './stripe.ts';

// The thank-you page (/donate/thanks/<checkout>) says what the database knows of the
// payment now, never what the donor hopes: only Stripe's events (through the webhook
// or the test checkout) move a gift to paid, processing or failed.

/**
 * paid: the (first) payment succeeded. processing: a bank debit is on its way.
 * failed: the payment failed (nothing charged). waiting: Stripe has not told us yet
 * (the donor got back before the webhook). expired: the checkout was abandoned.
 * refunded: paid, then refunded in full.
 */
export type ThanksState = 'paid' | 'processing' | 'failed' | 'waiting' | 'expired' | 'refunded';

export interface DonationThanks {
	id: string;
	state: ThanksState;
	test: boolean;
	frequency: Frequency;
	/** What was (or will be) charged, covered fee included. */
	amountCents: number;
	feeCents: number;
	currency: string;
	campaign: { slug: string; title: string } | null;
	tribute: { kind: 'honour' | 'memory'; name: string; notified: boolean } | null;
	anonymous: boolean;
	wantsReceipt: boolean;
	/** The official receipt of a one-time gift, once issued (a monthly gift's is yearly). */
	receipt: { serial: string; sample: boolean } | null;
	/** A monthly gift's standing in Stripe (active, past_due, canceled, …). */
	monthlyStatus: string | null;
	/** The test checkout can still settle a processing test payment (no Stripe key). */
	canSettle: boolean;
}

interface ThanksRow {
	id: string;
	status: 'open' | 'completed' | 'failed' | 'expired';
	test: boolean;
	frequency: Frequency;
	amount_cents: number;
	fee_cents: number;
	currency: string;
	wants_receipt: boolean;
	anonymous: boolean;
	tribute_kind: 'honour' | 'memory' | null;
	tribute_name: string | null;
	tribute_notified: boolean;
	campaign: { slug: string; title: string } | null;
	gift: {
		status: 'pending' | 'succeeded' | 'failed' | 'refunded';
		amount_cents: number;
		currency: string;
		refunded_cents: number;
		receipt: { serial: string; test: boolean; status: 'issued' | 'void' } | null;
	} | null;
	recurring: { status: string; amount_cents: number; currency: string } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What to tell the donor of this checkout; null for an unknown id. */
export async function load(checkoutId: string, language: Language): Promise<DonationThanks | null> {
	if (!UUID.test(checkoutId)) return null;
	const row = must(
		await serviceDb().rpc('donation_thanks', { p_checkout: checkoutId, p_language: language })
	) as ThanksRow | null;
	if (!row) return null;
	const state = stateOf(row);
	return {
		id: row.id,
		state,
		test: row.test,
		frequency: row.frequency,
		amountCents: Number(row.gift?.amount_cents ?? row.amount_cents),
		feeCents: Number(row.fee_cents),
		currency: row.gift?.currency ?? row.currency,
		campaign: row.campaign,
		tribute:
			row.tribute_kind && row.tribute_name
				? { kind: row.tribute_kind, name: row.tribute_name, notified: row.tribute_notified }
				: null,
		anonymous: row.anonymous,
		wantsReceipt: row.wants_receipt,
		receipt:
			row.gift?.receipt && row.gift.receipt.status === 'issued'
				? { serial: row.gift.receipt.serial, sample: row.gift.receipt.test }
				: null,
		monthlyStatus: row.recurring?.status ?? null,
		canSettle:
			!stripeSettings.enabled &&
			row.test &&
			row.frequency === 'one_time' &&
			row.gift?.status === 'pending'
	};
}

/** The payment's state, from the gift Stripe's events made (else the checkout's). */
export function stateOf(row: Pick<ThanksRow, 'status' | 'gift'>): ThanksState {
	switch (row.gift?.status) {
		case 'succeeded':
			return 'paid';
		case 'refunded':
			return 'refunded';
		case 'pending':
			return 'processing';
		case 'failed':
			return 'failed';
	}
	// No payment yet: Stripe has not said (a monthly gift's first invoice may come
	// after the session's completion), or the checkout failed or was abandoned.
	if (row.status === 'failed') return 'failed';
	if (row.status === 'expired') return 'expired';
	return 'waiting';
}
