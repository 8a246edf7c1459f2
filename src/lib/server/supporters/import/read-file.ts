import Papa from 'papaparse';
import { MAX_COLUMNS, type ColumnTarget } from '#lib/schemas/supporter-import.ts';
import { guessMapping } from './columns.ts';

// Reading an uploaded CSV file: its text (whatever Excel saved it as, or a
// clear "no"), then its rows with papaparse, numbered as a spreadsheet numbers
// them (the column names are row 1), so a reason for row 12 points at row 12.

export type FileProblem =
	| { code: 'empty' }
	| { code: 'encoding' }
	| { code: 'no_rows' }
	| { code: 'no_email' }
	| { code: 'columns' }
	| { code: 'quotes'; row: number };

export interface FileRow {
	row: number;
	cells: string[];
}

export interface CsvFile {
	headers: string[];
	rows: FileRow[];
	/** The field each column fills, as guessed from its name (or its values, for the email). */
	mapping: ColumnTarget[];
}

/**
 * The file's text: UTF-8 (with or without a byte-order mark) or UTF-16 with a
 * byte-order mark (Excel's "Unicode text"). Anything else, such as Excel's
 * plain "CSV" in Windows-1252, is refused rather than read with its accents
 * garbled; so is UTF-16 without a mark (its NULs give it away).
 */
export function decodeFile(bytes: Uint8Array): string | undefined {
	try {
		let text: string;
		if (bytes[0] === 0xff && bytes[1] === 0xfe) {
			text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
		} else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
			text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
		} else {
			const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
			text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
				bytes.subarray(start)
			);
		}
		return text.includes('\u0000') ? undefined : text;
	} catch {
		return undefined;
	}
}

const blank = (cells: string[]) => cells.every((cell) => cell.trim() === '');

/** The file's column names and rows, or why it cannot be imported. */
export function readCsvFile(
	bytes: Uint8Array
): { ok: true; file: CsvFile } | { ok: false; problem: FileProblem } {
	if (bytes.length === 0) return { ok: false, problem: { code: 'empty' } };
	const text = decodeFile(bytes);
	if (text === undefined) return { ok: false, problem: { code: 'encoding' } };
	if (text.trim() === '') return { ok: false, problem: { code: 'empty' } };

	// The delimiter is guessed (a French Excel writes ';'); every cell stays text.
	const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false, dynamicTyping: false });
	const unclosed = parsed.errors.find((error) => error.code === 'MissingQuotes');
	if (unclosed) return { ok: false, problem: { code: 'quotes', row: (unclosed.row ?? 0) + 1 } };

	const [first = [], ...records] = parsed.data;
	if (first.length > MAX_COLUMNS) return { ok: false, problem: { code: 'columns' } };
	const headers = first.map((header) => header.trim());
	const rows: FileRow[] = [];
	records.forEach((cells, index) => {
		if (!blank(cells)) rows.push({ row: index + 2, cells });
	});
	if (rows.length === 0) return { ok: false, problem: { code: 'no_rows' } };

	const mapping = guessMapping(
		headers,
		rows.slice(0, 20).map((row) => row.cells)
	);
	if (!mapping.includes('email')) return { ok: false, problem: { code: 'no_email' } };
	return { ok: true, file: { headers, rows, mapping } };
}
