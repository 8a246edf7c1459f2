import type { ColumnTarget } from '#lib/schemas/supporter-import.ts';
import { DatabaseError, must, serviceDb } from '../../db.ts';
import { asMapping } from './columns.ts';
import { readCsvFile, type FileProblem } from './read-file.ts';
import { readRow, type ImportInput } from './rows.ts';
import { runInBackground } from './runner.ts';

// Importing supporters from a CSV file: upload (the rows are staged), match the
// columns, start; a runner applies it in batches (runner.ts); a report, and the
// rejected rows as CSV (rejected-csv.ts). See the migration for the tables.

export type ImportStatus = 'uploading' | 'mapping' | 'running' | 'finished';

export interface SupporterImport {
	id: string;
	file_name: string;
	headers: string[];
	mapping: ColumnTarget[];
	tag: string | null;
	status: ImportStatus;
	row_count: number;
	cursor_row: number;
	added: number;
	updated: number;
	rejected: number;
	consents_recorded: number;
	consents_unrecorded: number;
	lease_expires_at: string | null;
	created_at: string;
	started_at: string | null;
	finished_at: string | null;
	by: string | null;
}

const COLUMNS =
	'id, file_name, headers, mapping, tag, status, row_count, cursor_row, added, updated, rejected,' +
	' consents_recorded, consents_unrecorded, lease_expires_at, created_at, started_at, finished_at,' +
	' staff!supporter_imports_created_by_fkey(email)';

type Row = Omit<SupporterImport, 'by' | 'mapping'> & {
	mapping: unknown;
	staff: { email: string } | null;
};

function fromRow({ staff, ...row }: Row): SupporterImport {
	return { ...row, mapping: asMapping(row.mapping, row.headers.length), by: staff?.email ?? null };
}

const STAGE_ROWS = 1000;

/** The file name as shown and recorded (consent sources say which file): its last part, 200 characters at most. */
function cleanFileName(name: string): string {
	const base = name.split(/[\\/]/).pop() ?? '';
	const clean = base
		.replace(/\p{Cc}/gu, '')
		.trim()
		.slice(0, 200);
	return clean || 'import.csv';
}

/**
 * Reads an uploaded file and stages its rows, with a first guess at which
 * column is which; or says why the file cannot be imported. Nothing about
 * supporters changes until the import is started.
 */
export async function upload(
	actor: { id: string },
	file: { name: string; bytes: Uint8Array }
): Promise<{ ok: true; id: string } | { ok: false; problem: FileProblem }> {
	const read = readCsvFile(file.bytes);
	if (!read.ok) return read;
	const db = serviceDb();
	const { id } = must(
		await db
			.from('supporter_imports')
			.insert({
				file_name: cleanFileName(file.name),
				headers: read.file.headers,
				mapping: read.file.mapping,
				row_count: read.file.rows.length,
				created_by: actor.id
			})
			.select('id')
			.single()
	) as { id: string };
	try {
		for (let start = 0; start < read.file.rows.length; start += STAGE_ROWS) {
			must(
				await db
					.from('supporter_import_rows')
					.insert(
						read.file.rows
							.slice(start, start + STAGE_ROWS)
							.map((row) => ({ import_id: id, row_number: row.row, cells: row.cells }))
					)
			);
		}
		must(await db.from('supporter_imports').update({ status: 'mapping' }).eq('id', id));
	} catch (error) {
		// A half-staged file is of no use: it goes, and the staff member uploads again.
		await db.from('supporter_imports').delete().eq('id', id);
		throw error;
	}
	return { ok: true, id };
}

/** The latest imports, newest first. */
export async function list(limit = 50): Promise<SupporterImport[]> {
	const rows = must(
		await serviceDb()
			.from('supporter_imports')
			.select(COLUMNS)
			.order('created_at', { ascending: false })
			.limit(limit)
	) as unknown as Row[];
	return rows.map(fromRow);
}

export async function get(id: string): Promise<SupporterImport | null> {
	const row = must(
		await serviceDb().from('supporter_imports').select(COLUMNS).eq('id', id).maybeSingle()
	) as unknown as Row | null;
	return row && fromRow(row);
}

/** The first rows of a file waiting to start, as the current mapping reads them. */
export async function preview(
	item: SupporterImport,
	count = 5
): Promise<{ input: ImportInput; cells: string[] }[]> {
	const rows = must(
		await serviceDb()
			.from('supporter_import_rows')
			.select('row_number, cells')
			.eq('import_id', item.id)
			.order('row_number')
			.limit(count)
	) as { row_number: number; cells: string[] }[];
	return rows.map((row) => ({
		input: readRow(row.row_number, row.cells, item.mapping, item.file_name),
		cells: row.cells
	}));
}

/** Saves the column mapping of a file that has not started; false if it has. */
export async function saveMapping(
	id: string,
	mapping: ColumnTarget[],
	tag: string
): Promise<boolean> {
	const saved = must(
		await serviceDb()
			.from('supporter_imports')
			.update({ mapping, tag: tag.trim() || null })
			.eq('id', id)
			.eq('status', 'mapping')
			.select('id')
	) as { id: string }[];
	return saved.length > 0;
}

/**
 * Starts the import with this mapping and a runner for it. Resolves when the
 * import has finished or after `waitMs`, whichever is first: a small file's
 * report is ready at once; a large one goes on in the background.
 */
export async function start(
	actor: { id: string },
	id: string,
	choice: { mapping: ColumnTarget[]; tag: string },
	ip: string,
	waitMs = 1500
): Promise<boolean> {
	const started = must(
		await serviceDb().rpc('supporter_import_start', {
			p_import: id,
			p_actor: actor.id,
			p_mapping: choice.mapping,
			p_tag: choice.tag,
			p_ip: ip
		})
	) as boolean;
	if (!started) return false;
	await Promise.race([runInBackground(id), new Promise((resolve) => setTimeout(resolve, waitMs))]);
	return true;
}

/** While an import runs without a runner (its app stopped, its lease ran out), starts one. */
export function resumeIfStalled(item: SupporterImport): void {
	if (item.status !== 'running') return;
	if (item.lease_expires_at && new Date(item.lease_expires_at).getTime() > Date.now()) return;
	void runInBackground(item.id);
}

/** Removes a file that was not started, and its rows; false if it has started. */
export async function discard(id: string): Promise<boolean> {
	const { data, error } = await serviceDb()
		.from('supporter_imports')
		.delete()
		.eq('id', id)
		.in('status', ['uploading', 'mapping'])
		.select('id');
	if (error) throw new DatabaseError(error.message, error.code);
	return data.length > 0;
}

/** How many rejected rows each reason has. */
export async function reasons(id: string): Promise<{ code: string; count: number }[]> {
	const rows = must(await serviceDb().rpc('supporter_import_reasons', { p_import: id })) as {
		code: string;
		row_count: number;
	}[];
	return rows.map((row) => ({ code: row.code, count: Number(row.row_count) }));
}
