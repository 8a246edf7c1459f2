import { stringify } from 'csv-stringify/sync';
import type { GiftFilter } from '#lib/schemas/donation-admin.ts';
import * as audit from '../auth/audit.ts';
import { spreadsheetSafe } from '../supporters/export.ts';
import { findGifts, type GiftRow } from './admin.ts';

const PAGE = 1000;
const COLUMNS = [
	'gift_id',
	'received_at',
	'donor_email',
	'donor_first_name',
	'donor_last_name',
	'frequency',
	'status',
	'currency',
	'amount',
	'fee_covered',
	'refunded',
	'net',
	'dispute',
	'campaign',
	'anonymous',
	'tribute',
	'tribute_name',
	'test',
	'stripe_payment_intent',
	'stripe_invoice'
] as const;

/** Cents as a decimal a spreadsheet adds up: 2550 → 25.50. */
const decimal = (cents: number) => (cents / 100).toFixed(2);

function cells(gift: GiftRow): string[] {
	return [
		gift.id,
		gift.received_at,
		gift.donor_email,
		gift.donor_first_name,
		gift.donor_last_name,
		gift.frequency,
		gift.status,
		gift.currency.toUpperCase(),
		decimal(gift.amount_cents),
		decimal(gift.fee_cents),
		decimal(gift.refunded_cents),
		decimal(gift.net_cents),
		gift.dispute_status,
		gift.campaign_slug,
		gift.anonymous ? 'yes' : 'no',
		gift.tribute_kind,
		gift.tribute_name,
		gift.test ? 'yes' : 'no',
		gift.stripe_payment_intent,
		gift.stripe_invoice
	].map((value) => spreadsheetSafe(value ?? null));
}

/**
 * The gifts a filter matches as CSV, newest first, 1,000 at a time (keyset). Amounts are
 * decimals in their currency; a cell a spreadsheet would run as a formula is made
 * text. The export, with its filter and row count, goes in the audit log.
 */
export function giftsCsv(
	filter: GiftFilter,
	by: { staffId: string; ip: string }
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let after: { received_at: string; id: string } | undefined;
	let rows = 0;
	let finished = false;
	return new ReadableStream({
		start(controller) {
			// A byte-order mark, so Excel reads the accents in names as UTF-8.
			controller.enqueue(encoder.encode('\uFEFF' + stringify([COLUMNS as unknown as string[]])));
		},
		async pull(controller) {
			if (finished) return;
			const page = await findGifts(filter, { limit: PAGE, after });
			if (page.length > 0) {
				controller.enqueue(encoder.encode(stringify(page.map(cells))));
				rows += page.length;
				const last = page.at(-1)!;
				after = { received_at: last.received_at, id: last.id };
			}
			if (page.length < PAGE) {
				finished = true;
				await audit.record({
					staffId: by.staffId,
					action: 'gifts.exported',
					target: null,
					details: { rows, filter },
					ip: by.ip
				});
				controller.close();
			}
		}
	});
}
