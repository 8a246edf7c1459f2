import { stringify } from 'csv-stringify/sync';
import { m } from '#lib/paraglide/messages.js';
import { getLocale } from '#lib/paraglide/runtime.js';
import { reasonMessage, type Reason } from '#lib/schemas/supporter-import.ts';
import { must, serviceDb } from '../../db.ts';
import { spreadsheetSafe } from '../export.ts';

const PAGE = 1000;

/**
 * The rows an import rejected, as CSV: the row number, why (in the language of
 * the page that asks), then the file's own cells, each escaped so a spreadsheet
 * cannot run it as a formula. Streamed 1,000 rows at a time (keyset).
 */
export function rejectedCsv(importId: string, headers: string[]): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	// Rows are written after the request's handler has returned: its language is taken now.
	const locale = getLocale();
	let after = 0;
	return new ReadableStream({
		start(controller) {
			// A byte-order mark, so Excel reads accents as UTF-8.
			controller.enqueue(
				encoder.encode(
					'\uFEFF' +
						stringify([
							[
								m.import_csv_row({}, { locale }),
								m.import_csv_reason({}, { locale }),
								...headers.map(spreadsheetSafe)
							]
						])
				)
			);
		},
		async pull(controller) {
			const rows = must(
				await serviceDb()
					.from('supporter_import_rows')
					.select('row_number, cells, reasons')
					.eq('import_id', importId)
					.eq('outcome', 'rejected')
					.gt('row_number', after)
					.order('row_number')
					.limit(PAGE)
			) as { row_number: number; cells: string[]; reasons: Reason[] }[];
			if (rows.length > 0) {
				controller.enqueue(
					encoder.encode(
						stringify(
							rows.map((row) => [
								String(row.row_number),
								row.reasons.map((reason) => reasonMessage(reason, locale)).join('; '),
								...row.cells.map(spreadsheetSafe)
							])
						)
					)
				);
				after = rows.at(-1)!.row_number;
			}
			if (rows.length < PAGE) controller.close();
		}
	});
}
