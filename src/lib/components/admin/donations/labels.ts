import { m } from '#lib/paraglide/messages.js';

// Words for donation states on the staff pages, in the staff member's language.

export function giftStatusText(status: string): string {
	const text: Record<string, () => string> = {
		pending: m.admin_donations_status_pending,
		succeeded: m.admin_donations_status_succeeded,
		failed: m.admin_donations_status_failed,
		refunded: m.admin_donations_status_refunded
	};
	return text[status]?.() ?? status;
}

export function frequencyText(frequency: string): string {
	return frequency === 'monthly'
		? m.admin_donations_frequency_monthly()
		: m.admin_donations_frequency_one_time();
}

export function disputeText(dispute: string | null): string {
	if (dispute === 'open') return m.admin_donations_dispute_open();
	if (dispute === 'won') return m.admin_donations_dispute_won();
	if (dispute === 'lost') return m.admin_donations_dispute_lost();
	return m.admin_donations_dispute_none();
}

export function subscriptionStatusText(status: string): string {
	const text: Record<string, () => string> = {
		active: m.admin_donations_subscription_active,
		past_due: m.admin_donations_subscription_past_due,
		unpaid: m.admin_donations_subscription_unpaid,
		canceled: m.admin_donations_subscription_canceled,
		incomplete: m.admin_donations_subscription_incomplete,
		incomplete_expired: m.admin_donations_subscription_incomplete_expired,
		trialing: m.admin_donations_subscription_trialing,
		paused: m.admin_donations_subscription_paused
	};
	return text[status]?.() ?? status;
}

/** A receipt's status, with why it was voided. */
export function receiptStatusText(status: string, voidReason: string | null): string {
	if (status !== 'void') return m.admin_donations_receipt_issued();
	const reason: Record<string, () => string> = {
		refunded: m.admin_donations_void_refunded,
		partially_refunded: m.admin_donations_void_partially_refunded,
		dispute_lost: m.admin_donations_void_dispute_lost,
		reissued: m.admin_donations_void_reissued,
		corrected: m.admin_donations_void_corrected
	};
	return voidReason && reason[voidReason]
		? m.admin_donations_receipt_void_because({ reason: reason[voidReason]() })
		: m.admin_donations_receipt_void();
}

export function receiptKindText(kind: string): string {
	return kind === 'annual'
		? m.admin_donations_receipt_kind_annual()
		: m.admin_donations_receipt_kind_gift();
}

/** A donor's name, or their email when they gave none. */
export function donorName(donor: {
	first_name: string | null;
	last_name: string | null;
	email: string | null;
}): string {
	return (
		[donor.first_name, donor.last_name].filter(Boolean).join(' ') ||
		donor.email ||
		m.admin_donations_donor_unknown()
	);
}

/**
 * Where an id opens in Stripe's dashboard, or null for an id the local test
 * checkout made (Stripe has never seen it) or one that has no page of its own.
 */
export function stripeDashboardUrl(id: string | null, test: boolean): string | null {
	if (!id || id.includes('_local_')) return null;
	const kinds: Record<string, string> = {
		pi: 'payments',
		in: 'invoices',
		sub: 'subscriptions',
		cus: 'customers'
	};
	const kind = kinds[id.split('_')[0]];
	if (!kind) return null;
	return `https://dashboard.stripe.com/${test ? 'test/' : ''}${kind}/${encodeURIComponent(id)}`;
}
