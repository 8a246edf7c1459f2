import type { GiftFilter, MonthlyFilter, ReceiptFilter } from '#lib/schemas/donation-admin.ts';
import * as audit from '../auth/audit.ts';
import { DatabaseError, must, serviceDb } from '../db.ts';
import { renewTestSubscription } from './test-gateway.ts';

// Staff's view of donations: gifts, monthly donors and receipts found with a
// filter, and the staff actions on receipts. Reads are SQL functions
// (20261129000020_donations_admin.sql) so a list and its totals apply the same
// filter; every action is audited.

export const PAGE_SIZE = 50;

const num = (value: unknown) => Number(value ?? 0);

export interface GiftRow {
	id: string;
	received_at: string;
	amount_cents: number;
	fee_cents: number;
	refunded_cents: number;
	net_cents: number;
	currency: string;
	frequency: 'one_time' | 'monthly';
	status: 'pending' | 'succeeded' | 'failed' | 'refunded';
	dispute_status: 'open' | 'won' | 'lost' | null;
	test: boolean;
	anonymous: boolean;
	tribute_kind: 'honour' | 'memory' | null;
	tribute_name: string | null;
	campaign_id: string | null;
	campaign_slug: string | null;
	recurring_gift_id: string | null;
	stripe_payment_intent: string | null;
	stripe_invoice: string | null;
	supporter_id: string | null;
	donor_email: string | null;
	donor_first_name: string | null;
	donor_last_name: string | null;
}

function giftRow(row: GiftRow): GiftRow {
	return {
		...row,
		amount_cents: num(row.amount_cents),
		fee_cents: num(row.fee_cents),
		refunded_cents: num(row.refunded_cents),
		net_cents: num(row.net_cents)
	};
}

/**
 * A page of the gifts a filter matches, newest first: `limit` rows after `offset`,
 * or after the gift `after` (keyset, for an export).
 */
export async function findGifts(
	filter: GiftFilter,
	options: { limit: number; offset?: number; after?: { received_at: string; id: string } } = {
		limit: PAGE_SIZE
	}
): Promise<GiftRow[]> {
	const rows = must(
		await serviceDb().rpc('gifts_find', {
			p_filter: filter,
			p_limit: options.limit,
			p_offset: options.offset ?? 0,
			p_before_received_at: options.after?.received_at ?? null,
			p_before_id: options.after?.id ?? null
		})
	) as GiftRow[];
	return rows.map(giftRow);
}

export interface MoneyTotal {
	currency: string;
	net_cents: number;
	/** Gifts that brought something in (paid, not wholly refunded). */
	paid: number;
	refunded_cents: number;
}

export interface GiftSummary {
	/** Every gift the filter matches, whatever its status. */
	count: number;
	totals: MoneyTotal[];
	months: { month: string; currency: string; net_cents: number; paid: number }[];
}

/** What the gifts a filter matches add up to (net of refunds), in all and by month. */
export async function summarize(filter: GiftFilter): Promise<GiftSummary> {
	const data = must(await serviceDb().rpc('gifts_summary', { p_filter: filter })) as GiftSummary;
	return {
		count: num(data.count),
		totals: data.totals.map((total) => ({
			currency: total.currency,
			net_cents: num(total.net_cents),
			paid: num(total.paid),
			refunded_cents: num(total.refunded_cents)
		})),
		months: data.months.map((month) => ({
			month: month.month,
			currency: month.currency,
			net_cents: num(month.net_cents),
			paid: num(month.paid)
		}))
	};
}

export interface GiftReceipt {
	id: string;
	serial: string;
	kind: 'gift' | 'annual';
	test: boolean;
	status: 'issued' | 'void';
	void_reason: string | null;
	issued_at: string;
	voided_at: string | null;
	amount_cents: number;
	currency: string;
	replaces_id: string | null;
	replaces_serial: string | null;
}

export interface GiftDetail extends Omit<
	GiftRow,
	'campaign_slug' | 'donor_email' | 'donor_first_name' | 'donor_last_name'
> {
	created_at: string;
	updated_at: string;
	failure_reason: string | null;
	checkout_id: string | null;
	donor: {
		id: string;
		email: string;
		first_name: string | null;
		last_name: string | null;
		erased_at: string | null;
	} | null;
	checkout: {
		email: string;
		first_name: string | null;
		last_name: string | null;
		wants_receipt: boolean;
		tribute_notify_email: string | null;
		language: 'en' | 'fr';
		created_at: string;
		stripe_session_id: string | null;
	} | null;
	recurring: {
		id: string;
		status: string;
		stripe_subscription: string;
		stripe_customer: string | null;
		amount_cents: number;
		started_at: string;
	} | null;
	campaign: { id: string; slug: string; title_en: string | null; title_fr: string | null } | null;
	receipts: GiftReceipt[];
}

/** One gift with its donor, monthly gift, campaign and every receipt that covered it. */
export async function readGift(id: string): Promise<GiftDetail | null> {
	const data = must(await serviceDb().rpc('gift_read', { p_id: id })) as GiftDetail | null;
	if (!data) return null;
	return {
		...data,
		amount_cents: num(data.amount_cents),
		fee_cents: num(data.fee_cents),
		refunded_cents: num(data.refunded_cents),
		net_cents: num(data.net_cents),
		receipts: data.receipts.map((receipt) => ({
			...receipt,
			amount_cents: num(receipt.amount_cents)
		}))
	};
}

export interface MonthlyRow {
	id: string;
	supporter_id: string;
	donor_email: string;
	donor_first_name: string | null;
	donor_last_name: string | null;
	amount_cents: number;
	currency: string;
	status: string;
	started_at: string;
	canceled_at: string | null;
	failed_renewals: number;
	last_failed_at: string | null;
	campaign_id: string | null;
	campaign_slug: string | null;
	stripe_subscription: string;
	test: boolean;
	/** Paid gifts (the first payment and each renewal). */
	paid: number;
	net_cents: number;
}

/** Monthly donors a filter matches, failed renewals first; with how many there are. */
export async function findMonthly(
	filter: MonthlyFilter,
	page: number
): Promise<{ rows: MonthlyRow[]; total: number }> {
	const rows = must(
		await serviceDb().rpc('recurring_gifts_find', {
			p_filter: filter,
			p_limit: PAGE_SIZE,
			p_offset: (page - 1) * PAGE_SIZE
		})
	) as (MonthlyRow & { total: number })[];
	return {
		rows: rows.map((row) => ({
			...row,
			amount_cents: num(row.amount_cents),
			net_cents: num(row.net_cents)
		})),
		total: num(rows[0]?.total)
	};
}

export interface ReceiptRow {
	id: string;
	serial: string;
	kind: 'gift' | 'annual';
	test: boolean;
	supporter_id: string;
	donor_name: string;
	tax_year: number;
	received_on: string | null;
	issued_at: string;
	amount_cents: number;
	eligible_cents: number;
	currency: string;
	status: 'issued' | 'void';
	void_reason: string | null;
	voided_at: string | null;
	replaces_id: string | null;
	replaces_serial: string | null;
	replaced_by_id: string | null;
	replaced_by_serial: string | null;
}

/** The receipt register (void receipts included), newest first; with how many there are. */
export async function findReceipts(
	filter: ReceiptFilter,
	page: number
): Promise<{ rows: ReceiptRow[]; total: number }> {
	const rows = must(
		await serviceDb().rpc('receipts_find', {
			p_filter: filter,
			p_limit: PAGE_SIZE,
			p_offset: (page - 1) * PAGE_SIZE
		})
	) as (ReceiptRow & { total: number })[];
	return {
		rows: rows.map((row) => ({
			...row,
			amount_cents: num(row.amount_cents),
			eligible_cents: num(row.eligible_cents)
		})),
		total: num(rows[0]?.total)
	};
}

export interface DonationsDashboard {
	/** The first day of this month on the charity's clock ('YYYY-MM-01'). */
	monthStartDay: string;
	raised: MoneyTotal[];
	newMonthlyDonors: number;
	campaigns: {
		id: string;
		slug: string;
		title_en: string | null;
		title_fr: string | null;
		goal_cents: number | null;
		currency: string;
		raised_cents: number;
		donors: number;
	}[];
}

/** This month's real gifts (net), new monthly donors, and each published campaign's progress. */
export async function dashboard(): Promise<DonationsDashboard> {
	const data = must(await serviceDb().rpc('donations_dashboard')) as {
		month_start: string;
		raised: MoneyTotal[];
		new_monthly_donors: number;
		campaigns: DonationsDashboard['campaigns'];
	};
	return {
		monthStartDay: data.month_start,
		raised: data.raised.map((total) => ({
			currency: total.currency,
			net_cents: num(total.net_cents),
			paid: num(total.paid),
			refunded_cents: 0
		})),
		newMonthlyDonors: num(data.new_monthly_donors),
		campaigns: data.campaigns.map((campaign) => ({
			...campaign,
			goal_cents: campaign.goal_cents === null ? null : num(campaign.goal_cents),
			raised_cents: num(campaign.raised_cents),
			donors: num(campaign.donors)
		}))
	};
}

/**
 * Voids an issued receipt and issues one with a new serial that says which one it
 * replaces; the donor gets it by email. Audited (in SQL). Refused for a donor whose
 * data was erased: their checkout no longer holds the name and address a receipt needs.
 */
export async function reissueReceipt(
	actor: { id: string },
	receiptId: string,
	ip: string
): Promise<{ ok: true; id: string | null } | { ok: false; reason: 'not_issued' | 'erased' }> {
	const receipt = must(
		await serviceDb()
			.from('receipts')
			.select('status, supporters(erased_at)')
			.eq('id', receiptId)
			.maybeSingle()
	) as { status: string; supporters: { erased_at: string | null } | null } | null;
	if (!receipt || receipt.status !== 'issued') return { ok: false, reason: 'not_issued' };
	if (receipt.supporters?.erased_at) return { ok: false, reason: 'erased' };
	const { data, error } = await serviceDb().rpc('receipt_reissue', {
		p_actor: actor.id,
		p_receipt: receiptId,
		p_ip: ip
	});
	if (error?.message === 'not_issued') return { ok: false, reason: 'not_issued' };
	if (error) throw new DatabaseError(error.message, error.code);
	return { ok: true, id: (data as string | null) ?? null };
}

/**
 * Queues one consolidated receipt per monthly donor for a tax year (their paid
 * monthly gifts no receipt covers yet). Safe to run twice. Returns how many.
 */
export async function issueAnnualReceipts(
	actor: { id: string },
	year: number,
	ip: string
): Promise<number> {
	return num(
		must(
			await serviceDb().rpc('receipts_issue_annual', {
				p_actor: actor.id,
				p_year: year,
				p_ip: ip
			})
		)
	);
}

/**
 * The test checkout's "monthly renewal on demand", for a test subscription only
 * (never a real one): next month's invoice, paid or failed. Audited.
 */
export async function renewTestMonthly(
	actor: { id: string },
	recurringGiftId: string,
	paid: boolean,
	ip: string
): Promise<{ ok: true } | { ok: false; reason: 'not_test' | 'canceled' }> {
	const { data } = await serviceDb()
		.from('recurring_gifts')
		.select('stripe_subscription, status, test')
		.eq('id', recurringGiftId)
		.maybeSingle();
	const row = data as { stripe_subscription: string; status: string; test: boolean } | null;
	if (!row || !row.test || !row.stripe_subscription.startsWith('sub_local_')) {
		return { ok: false, reason: 'not_test' };
	}
	if (row.status === 'canceled') return { ok: false, reason: 'canceled' };
	await renewTestSubscription(recurringGiftId, paid);
	await audit.record({
		staffId: actor.id,
		action: 'gift.test_renewal',
		target: recurringGiftId,
		details: { paid },
		ip
	});
	return { ok: true };
}
