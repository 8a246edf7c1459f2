import { must, serviceDb } from '../db.ts';
import type { Language } from '../email/types.ts';

// Official receipts as they were issued (the `receipts` table is an immutable
// snapshot: only issued -> void changes). Read here; issued, voided and replaced
// by SQL (receipt_issue, receipt_follow_gift, receipt_reissue, receipts_issue_annual).

/** A gift a receipt covers, with the amount the receipt counted for it. */
export interface ReceiptGift {
	giftId: string;
	/** When the gift was received (ISO timestamp). */
	receivedAt: string;
	amountCents: number;
}

export interface Receipt {
	id: string;
	/** Unique, never reused: `2026-000001`; samples and test gifts: `TEST-2026-000001`. */
	serial: string;
	/** One gift, or a consolidated receipt for a tax year (monthly gifts). */
	kind: 'gift' | 'annual';
	/** A test gift's receipt, or a sample (the charity's details were not set): not official. */
	test: boolean;
	supporterId: string;
	taxYear: number;
	/** The day the gift was received ('YYYY-MM-DD', in the charity's time zone); null for annual. */
	receivedOn: string | null;
	issuedAt: string;
	/** Where it was issued (a locality). */
	issuedLocation: string;
	charity: { legalName: string; address: string; registrationNumber: string };
	signatory: { name: string; title: string };
	donor: { name: string; address: string };
	amountCents: number;
	advantageCents: number;
	eligibleCents: number;
	currency: string;
	language: Language;
	status: 'issued' | 'void';
	voidedAt: string | null;
	voidReason: string | null;
	/** The receipt this one cancels and replaces. */
	replaces: { id: string; serial: string } | null;
	/** The receipt that cancelled and replaced this one. */
	replacedBy: { id: string; serial: string } | null;
	/** Oldest first. */
	gifts: ReceiptGift[];
}

/** What the charity's settings print when a detail is not set yet (a sample receipt). */
export const NOT_SET = '(not set)';

interface ReceiptRow {
	id: string;
	serial: string;
	kind: 'gift' | 'annual';
	test: boolean;
	supporter_id: string;
	tax_year: number;
	received_on: string | null;
	issued_at: string;
	issued_location: string;
	charity_legal_name: string;
	charity_address: string;
	registration_number: string;
	signatory_name: string;
	signatory_title: string;
	donor_name: string;
	donor_address: string;
	amount_cents: number;
	advantage_cents: number;
	eligible_cents: number;
	currency: string;
	language: Language;
	status: 'issued' | 'void';
	voided_at: string | null;
	void_reason: string | null;
	replaces_id: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One receipt with its gifts, or null if there is none with this id. */
export async function receipt(id: string): Promise<Receipt | null> {
	if (!UUID.test(id)) return null;
	const rows = must(
		await serviceDb().from('receipts').select('*').eq('id', id).limit(1)
	) as ReceiptRow[];
	return (await complete(rows))[0] ?? null;
}

/** A supporter's receipts, newest first (void ones included: they are kept). */
export async function receiptsOfSupporter(supporterId: string): Promise<Receipt[]> {
	if (!UUID.test(supporterId)) return [];
	const rows = must(
		await serviceDb()
			.from('receipts')
			.select('*')
			.eq('supporter_id', supporterId)
			.order('issued_at', { ascending: false })
			.order('serial', { ascending: false })
	) as ReceiptRow[];
	return complete(rows);
}

/** Adds each receipt's gifts and the serials of the receipts it replaces or is replaced by. */
async function complete(rows: ReceiptRow[]): Promise<Receipt[]> {
	if (rows.length === 0) return [];
	const ids = rows.map((row) => row.id);
	const replacedIds = rows.flatMap((row) => (row.replaces_id ? [row.replaces_id] : []));
	const [gifts, replaced, replacements] = await Promise.all([
		serviceDb()
			.from('receipt_gifts')
			.select('receipt_id, gift_id, amount_cents, gifts(received_at)')
			.in('receipt_id', ids),
		replacedIds.length > 0
			? serviceDb().from('receipts').select('id, serial').in('id', replacedIds)
			: Promise.resolve({ data: [], error: null }),
		serviceDb().from('receipts').select('id, serial, replaces_id').in('replaces_id', ids)
	]);
	const giftRows = must(gifts) as unknown as {
		receipt_id: string;
		gift_id: string;
		amount_cents: number;
		gifts: { received_at: string } | null;
	}[];
	const serials = new Map(
		(must(replaced) as { id: string; serial: string }[]).map((row) => [row.id, row.serial])
	);
	const replacedBy = new Map(
		(must(replacements) as { id: string; serial: string; replaces_id: string }[]).map((row) => [
			row.replaces_id,
			{ id: row.id, serial: row.serial }
		])
	);
	return rows.map((row) => ({
		id: row.id,
		serial: row.serial,
		kind: row.kind,
		test: row.test,
		supporterId: row.supporter_id,
		taxYear: row.tax_year,
		receivedOn: row.received_on,
		issuedAt: row.issued_at,
		issuedLocation: row.issued_location,
		charity: {
			legalName: row.charity_legal_name,
			address: row.charity_address,
			registrationNumber: row.registration_number
		},
		signatory: { name: row.signatory_name, title: row.signatory_title },
		donor: { name: row.donor_name, address: row.donor_address },
		amountCents: Number(row.amount_cents),
		advantageCents: Number(row.advantage_cents),
		eligibleCents: Number(row.eligible_cents),
		currency: row.currency,
		language: row.language,
		status: row.status,
		voidedAt: row.voided_at,
		voidReason: row.void_reason,
		replaces: row.replaces_id
			? { id: row.replaces_id, serial: serials.get(row.replaces_id) ?? '' }
			: null,
		replacedBy: replacedBy.get(row.id) ?? null,
		gifts: giftRows
			.filter((gift) => gift.receipt_id === row.id)
			.map((gift) => ({
				giftId: gift.gift_id,
				receivedAt: gift.gifts?.received_at ?? row.issued_at,
				amountCents: Number(gift.amount_cents)
			}))
			.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
	}));
}
