import { CHARITY_TIME_ZONE } from '#lib/schemas/campaign.ts';
import { must, serviceDb } from '../../db.ts';
import { receiptFilename, renderReceiptPdf } from '../../donations/receipt-pdf.ts';
import { receipt as readReceipt, type Receipt } from '../../donations/receipts.ts';
import type { Language } from '../types.ts';
import { EmailDataMissing, type PreparedEmail } from '../prepare.ts';

// The donation emails are queued by SQL (stripe_event_apply, receipt_issue) with
// ids only: what they show (the amount, the campaign, the receipt's serial) and the
// receipt's PDF are read here, in their `prepare` step, when the email is sent or
// shown in the mail viewer. Receipts never change once issued, so a retry of the
// send renders the same email.

/** As stripe_event_apply queues it: the first payment of a checkout. */
export interface DonationThanksQueued {
	gift_id: string;
	/** The receipt issued with it, if the donor asked for one. */
	receipt_id: string | null;
}

export interface DonationThanksData {
	amountCents: number;
	currency: string;
	frequency: 'one_time' | 'monthly';
	/** The day it was received, where the charity is ('YYYY-MM-DD'). */
	receivedOn: string;
	/** The campaign's title in the email's language, or null for "where most needed". */
	campaign: string | null;
	tribute: { kind: 'honour' | 'memory'; name: string } | null;
	/** Made through the test checkout: no money moved. */
	test: boolean;
	receipt: { serial: string; test: boolean } | null;
}

/** As receipt_issue queues it: a corrected, reissued or annual receipt. */
export interface DonationReceiptQueued {
	receipt_id: string;
	replaces: boolean;
}

export interface DonationReceiptData {
	serial: string;
	kind: 'gift' | 'annual';
	taxYear: number;
	amountCents: number;
	currency: string;
	/** The receipt it cancels and replaces. */
	replaces: string | null;
	test: boolean;
}

/** To the person a gift honours, or their family: who gave (unless anonymous), never how much. */
export interface DonationTributeQueued {
	gift_id: string;
}

export interface DonationTributeData {
	/** The donor's first name; null when the gift is anonymous or the name is not known. */
	donorFirstName: string | null;
	kind: 'honour' | 'memory';
	/** Null once the donor's data was erased. */
	name: string | null;
}

/** As stripe_event_apply queues it: everything it shows is in its data. */
export interface DonationRenewalFailedData {
	recurring_gift_id: string;
	amount_cents: number;
	currency: string;
}

interface GiftRow {
	amount_cents: number;
	currency: string;
	frequency: 'one_time' | 'monthly';
	received_at: string;
	test: boolean;
	anonymous: boolean;
	tribute_kind: 'honour' | 'memory' | null;
	tribute_name: string | null;
	checkout: { first_name: string | null } | null;
	supporter: { first_name: string | null } | null;
	campaign: { campaign_translations: { language: Language; title: string }[] } | null;
}

async function gift(id: string): Promise<GiftRow> {
	const rows = must(
		await serviceDb()
			.from('gifts')
			.select(
				'amount_cents, currency, frequency, received_at, test, anonymous, tribute_kind, tribute_name, checkout:checkout_id(first_name), supporter:supporter_id(first_name), campaign:campaign_id(campaign_translations(language, title))'
			)
			.eq('id', id)
			.limit(1)
	) as unknown as GiftRow[];
	if (!rows[0]) throw new EmailDataMissing(`gift ${id}`);
	return rows[0];
}

async function receiptOf(id: string): Promise<Receipt> {
	const found = await readReceipt(id);
	if (!found) throw new EmailDataMissing(`receipt ${id}`);
	return found;
}

/** 'YYYY-MM-DD' where the charity is: a gift late in the evening is that day's. */
function localDay(iso: string): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: CHARITY_TIME_ZONE }).format(new Date(iso));
}

/** The receipt's PDF, made when the email is sent (or downloaded from the mail viewer). */
function receiptAttachment(receipt: Receipt) {
	return {
		filename: receiptFilename(receipt.serial),
		contentType: 'application/pdf',
		content: () => renderReceiptPdf(receipt)
	};
}

export async function prepareThanks(
	queued: DonationThanksQueued,
	language: Language
): Promise<PreparedEmail<DonationThanksData>> {
	const [row, issued] = await Promise.all([
		gift(queued.gift_id),
		queued.receipt_id ? receiptOf(queued.receipt_id) : null
	]);
	// A receipt voided before the thanks went out (a refund came first) is not sent:
	// its replacement, if any, comes in its own email.
	const receipt = issued?.status === 'issued' ? issued : null;
	const titles = row.campaign?.campaign_translations ?? [];
	const title =
		titles.find((each) => each.language === language)?.title ?? titles[0]?.title ?? null;
	return {
		data: {
			amountCents: Number(row.amount_cents),
			currency: row.currency,
			frequency: row.frequency,
			receivedOn: localDay(row.received_at),
			campaign: title,
			tribute:
				row.tribute_kind && row.tribute_name
					? { kind: row.tribute_kind, name: row.tribute_name }
					: null,
			test: row.test,
			receipt: receipt ? { serial: receipt.serial, test: receipt.test } : null
		},
		attachments: receipt ? [receiptAttachment(receipt)] : []
	};
}

export async function prepareReceipt(
	queued: DonationReceiptQueued
): Promise<PreparedEmail<DonationReceiptData>> {
	const receipt = await receiptOf(queued.receipt_id);
	return {
		data: {
			serial: receipt.serial,
			kind: receipt.kind,
			taxYear: receipt.taxYear,
			amountCents: receipt.amountCents,
			currency: receipt.currency,
			replaces: receipt.replaces?.serial ?? null,
			test: receipt.test
		},
		attachments: [receiptAttachment(receipt)]
	};
}

export async function prepareTribute(
	queued: DonationTributeQueued
): Promise<PreparedEmail<DonationTributeData>> {
	const row = await gift(queued.gift_id);
	const firstName = row.checkout?.first_name?.trim() || row.supporter?.first_name?.trim() || null;
	return {
		data: {
			donorFirstName: row.anonymous ? null : firstName,
			kind: row.tribute_kind ?? 'honour',
			name: row.tribute_name
		}
	};
}
