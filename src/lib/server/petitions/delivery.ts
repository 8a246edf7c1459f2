import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { m } from '#lib/paraglide/messages.js';
import { CHARITY_TIME_ZONE } from '#lib/schemas/campaign.ts';
import * as audit from '../auth/audit.ts';
import { DatabaseError, must, serviceDb } from '../db.ts';
import { spreadsheetSafe } from '../supporters/export.ts';
import { deliveryPdf } from './delivery-pdf.ts';

// The signer list as it goes to a petition's target: a CSV (streamed) and a
// delivery package (a PDF). The rule of what it holds is in SQL
// (petition_delivery_rows): a name only for signers who agreed to show it, the
// postal code cut to its first three characters, never an email. The same rows
// give the same bytes, so the SHA-256 printed on the PDF lets the target check
// the CSV they were given.

export type Language = 'en' | 'fr';

export interface DeliveryRow {
	id: number;
	signed_at: string;
	/** signed_at on the charity's wall clock: 2026-11-29 14:03. */
	signed_local: string;
	/** null unless the signer agreed to show their name. */
	first_name: string | null;
	last_name: string | null;
	province: string | null;
	postal_fsa: string | null;
	comment: string | null;
}

const PAGE = 1000;

/** Every signature of a petition, oldest first, read 1,000 at a time (keyset). */
export async function* deliveryRows(petitionId: string): AsyncGenerator<DeliveryRow[]> {
	let after: { at: string; id: number } | null = null;
	for (;;) {
		const { data, error } = await serviceDb().rpc('petition_delivery_rows', {
			p_petition: petitionId,
			p_after_at: after?.at ?? null,
			p_after_id: after?.id ?? null,
			p_limit: PAGE,
			p_zone: CHARITY_TIME_ZONE
		});
		if (error) throw new DatabaseError(error.message, error.code);
		const rows = data as DeliveryRow[];
		if (rows.length > 0) yield rows;
		if (rows.length < PAGE) return;
		const last = rows.at(-1)!;
		after = { at: last.signed_at, id: last.id };
	}
}

/** "(name withheld)" in the list's language. */
export function withheld(language: Language): string {
	return m.petition_admin_name_withheld({}, { locale: language });
}

/** The CSV's first bytes: a byte-order mark (so Excel reads accents) and the column names. */
export function csvHeader(language: Language): string {
	const options = { locale: language };
	return (
		'\uFEFF' +
		stringify([
			[
				m.petition_admin_csv_signed_at({}, options),
				m.petition_admin_csv_first_name({}, options),
				m.petition_admin_csv_last_name({}, options),
				m.petition_admin_csv_province({}, options),
				m.petition_admin_csv_postal_fsa({}, options),
				m.petition_admin_csv_comment({}, options)
			]
		])
	);
}

/** Rows as CSV lines; every cell spreadsheet-safe (no formula runs when it is opened). */
export function csvLines(rows: DeliveryRow[], language: Language): string {
	const hidden = withheld(language);
	return stringify(
		rows.map((row) => [
			row.signed_local,
			spreadsheetSafe(row.first_name ?? hidden),
			spreadsheetSafe(row.first_name === null ? '' : (row.last_name ?? '')),
			row.province ?? '',
			spreadsheetSafe(row.postal_fsa),
			spreadsheetSafe(row.comment)
		])
	);
}

/**
 * The signer list as CSV, streamed a page at a time so memory stays flat. When
 * the last row is written, the export goes in the audit log with its row count
 * and the SHA-256 of the bytes sent.
 */
export function signaturesCsv(
	petitionId: string,
	language: Language,
	by: { staffId: string; ip: string }
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	const hash = createHash('sha256');
	const pages = deliveryRows(petitionId);
	let rows = 0;
	const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
		const bytes = encoder.encode(text);
		hash.update(bytes);
		controller.enqueue(bytes);
	};
	return new ReadableStream({
		start(controller) {
			send(controller, csvHeader(language));
		},
		async pull(controller) {
			const next = await pages.next();
			if (!next.done) {
				send(controller, csvLines(next.value, language));
				rows += next.value.length;
				return;
			}
			await audit.record({
				staffId: by.staffId,
				action: 'petition.signatures_exported',
				target: petitionId,
				details: { rows, language, sha256: hash.digest('hex') },
				ip: by.ip
			});
			controller.close();
		},
		async cancel() {
			await pages.return(undefined);
		}
	});
}

/** The whole signer list in memory (for the PDF): its rows, the CSV's bytes and their SHA-256. */
export async function signerList(
	petitionId: string,
	language: Language
): Promise<{ rows: DeliveryRow[]; csv: string; sha256: string }> {
	const rows: DeliveryRow[] = [];
	let csv = csvHeader(language);
	for await (const page of deliveryRows(petitionId)) {
		rows.push(...page);
		csv += csvLines(page, language);
	}
	return { rows, csv, sha256: sha256Hex(csv) };
}

export function sha256Hex(text: string): string {
	return createHash('sha256').update(new TextEncoder().encode(text)).digest('hex');
}

/**
 * Makes the delivery package: the letter in `language`, the count by province
 * and by day, the signers as they agreed to be shown, and the SHA-256 of the
 * CSV of the same list. Recorded (and audited) with its checksum.
 */
export async function deliveryPackage(
	actor: { id: string },
	petitionId: string,
	language: Language,
	ip: string,
	charityName: string
): Promise<{ pdf: Uint8Array; sha256: string; signatures: number; slug: string } | null> {
	const petition = must(
		await serviceDb()
			.from('petitions')
			.select('slug, goal, petition_translations(language, title, target, letter)')
			.eq('id', petitionId)
			.eq('petition_translations.language', language)
			.maybeSingle()
	) as {
		slug: string;
		goal: number | null;
		petition_translations: { title: string; target: string; letter: string }[];
	} | null;
	if (!petition || petition.petition_translations.length === 0) return null;
	const list = await signerList(petitionId, language);
	const pdf = await deliveryPdf({
		language,
		charityName,
		text: petition.petition_translations[0],
		goal: petition.goal,
		rows: list.rows,
		sha256: list.sha256,
		generatedAt: new Date()
	});
	const { error } = await serviceDb().rpc('petition_package_record', {
		p_actor: actor.id,
		p_petition: petitionId,
		p_language: language,
		p_signatures: list.rows.length,
		p_sha256: list.sha256,
		p_ip: ip
	});
	if (error) throw new DatabaseError(error.message, error.code);
	return { pdf, sha256: list.sha256, signatures: list.rows.length, slug: petition.slug };
}
