import { stringify } from 'csv-stringify/sync';
import type { SupporterFilter } from '#lib/schemas/supporter-filter.ts';
import * as audit from '../auth/audit.ts';
import { find, type SupporterListItem } from './index.ts';

const PAGE = 1000;
const COLUMNS = [
	'email',
	'first_name',
	'last_name',
	'language',
	'postal_code',
	'province',
	'email_consent',
	'email_consent_expires_at',
	'tags',
	'created_at',
	'last_activity_at'
] as const;

/**
 * A spreadsheet runs a cell that starts with =, +, -, @ (or a tab or carriage
 * return) as a formula: such cells get a leading apostrophe, shown as text.
 */
export function spreadsheetSafe(value: string | null): string {
	if (value === null) return '';
	return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cells(supporter: SupporterListItem): string[] {
	return COLUMNS.map((column) => {
		const value = supporter[column];
		return spreadsheetSafe(Array.isArray(value) ? value.join('; ') : value);
	});
}

/**
 * The supporters a filter (or a segment's filter) matches, as CSV, streamed 1,000
 * at a time (keyset), so memory stays flat however many there are. The export,
 * with what was exported and its row count, goes in the audit log when the last
 * row is written.
 */
export function exportCsv(
	filter: SupporterFilter,
	by: { staffId: string; ip: string; segmentId?: string }
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
			const page = await find(filter, after, PAGE);
			if (page.length > 0) {
				controller.enqueue(encoder.encode(stringify(page.map(cells))));
				rows += page.length;
				const last = page.at(-1)!;
				after = { created_at: last.created_at, id: last.id };
			}
			if (page.length < PAGE) {
				finished = true;
				await audit.record({
					staffId: by.staffId,
					action: 'supporters.exported',
					target: by.segmentId ?? null,
					details: { rows, filter },
					ip: by.ip
				});
				controller.close();
			}
		}
	});
}
