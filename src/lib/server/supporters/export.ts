import { stringify } from 'csv-stringify/sync';
import * as audit from '../auth/audit.ts';
import { must, serviceDb } from '../db.ts';
import type { SupporterListItem } from './index.ts';

const PAGE = 1000;
const COLUMNS = ['email', 'first_name', 'last_name', 'language', 'province', 'created_at'] as const;

/**
 * A spreadsheet runs a cell that starts with =, +, -, @ (or a tab or carriage
 * return) as a formula: such cells get a leading apostrophe, shown as text.
 */
export function spreadsheetSafe(value: string | null): string {
	if (value === null) return '';
	return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * The supporters a search finds, as CSV, streamed 1,000 at a time (keyset), so
 * memory stays flat however many there are. The export, with its row count, goes
 * in the audit log when the last row is written.
 */
export function exportSearchCsv(
	query: string,
	by: { staffId: string; ip: string }
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let after: { created_at: string; id: string } | undefined;
	let rows = 0;
	let finished = false;
	return new ReadableStream({
		start(controller) {
			// A byte-order mark, so Excel reads the accents in names as UTF-8.
			controller.enqueue(encoder.encode('\uFEFF' + stringify([COLUMNS as unknown as string[]])));
		},
		async pull(controller) {
			if (finished) return;
			const page = must(
				await serviceDb().rpc('supporter_search', {
					p_query: query,
					p_limit: PAGE,
					p_before_created_at: after?.created_at ?? null,
					p_before_id: after?.id ?? null
				})
			) as SupporterListItem[];
			if (page.length > 0) {
				controller.enqueue(
					encoder.encode(
						stringify(
							page.map((supporter) => COLUMNS.map((column) => spreadsheetSafe(supporter[column])))
						)
					)
				);
				rows += page.length;
				const last = page.at(-1)!;
				after = { created_at: last.created_at, id: last.id };
			}
			if (page.length < PAGE) {
				finished = true;
				await audit.record({
					staffId: by.staffId,
					action: 'supporters.exported',
					target: query || null,
					details: { rows },
					ip: by.ip
				});
				controller.close();
			}
		}
	});
}
