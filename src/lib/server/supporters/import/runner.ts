import type { ColumnTarget } from '#lib/schemas/supporter-import.ts';
import { must, serviceDb } from '../../db.ts';
import { logger } from '../../log/index.ts';
import { asMapping } from './columns.ts';
import { readRow, type ImportInput } from './rows.ts';

// Runs an import: batch after batch, each read and checked here and applied in
// one SQL call (supporter_import_apply). The runner holds a lease on the import
// in Postgres, renewed with every batch: one runner at a time, on any number of
// app instances; if it dies (the app stopped, a deploy), the lease runs out and
// the next visit to the import starts a runner that resumes from the cursor.

export const BATCH_ROWS = 500;
export const LEASE_SECONDS = 30;
const ATTEMPTS = 3;

export interface Batch {
	/** The cursor when the batch was claimed: the last row already applied. */
	from: number;
	file_name: string;
	mapping: ColumnTarget[];
	rows: { row: number; cells: string[] }[];
}

/** Takes the lease for `runner` and the next rows; null while another runner holds the lease. */
export async function claim(
	importId: string,
	runner: string,
	limit = BATCH_ROWS
): Promise<Batch | null> {
	const batch = must(
		await serviceDb().rpc('supporter_import_claim', {
			p_import: importId,
			p_runner: runner,
			p_lease_seconds: LEASE_SECONDS,
			p_limit: limit
		})
	) as (Omit<Batch, 'mapping'> & { mapping: unknown }) | null;
	if (!batch) return null;
	const columns = Array.isArray(batch.mapping) ? batch.mapping.length : 0;
	return { ...batch, mapping: asMapping(batch.mapping, columns) };
}

/** Each row of the batch read through the mapping and checked. */
export function prepare(batch: Batch): ImportInput[] {
	return batch.rows.map((row) => readRow(row.row, row.cells, batch.mapping, batch.file_name));
}

/**
 * Applies a prepared batch, all of it or none; `applied: false` when the
 * runner lost its lease or the batch was already applied (nothing changed).
 */
export async function apply(
	importId: string,
	runner: string,
	batch: Batch,
	inputs: ImportInput[]
): Promise<{ applied: boolean; finished?: boolean }> {
	return must(
		await serviceDb().rpc('supporter_import_apply', {
			p_import: importId,
			p_runner: runner,
			p_from: batch.from,
			p_to: batch.rows.at(-1)?.row ?? batch.from,
			p_rows: inputs
		})
	) as { applied: boolean; finished?: boolean };
}

/**
 * Applies batches until the import is finished ('finished'), or another runner
 * holds it or it is not running ('busy'). A batch that fails is tried again, up
 * to three times; then the error is thrown and the import waits for its lease
 * to run out, like one whose app stopped.
 */
export async function run(importId: string, runner: string = crypto.randomUUID()) {
	let failures = 0;
	for (;;) {
		const batch = await claim(importId, runner);
		if (!batch) return 'busy' as const;
		try {
			const result = await apply(importId, runner, batch, prepare(batch));
			failures = 0;
			if (!result.applied) return 'busy' as const;
			if (result.finished) return 'finished' as const;
		} catch (error) {
			failures += 1;
			if (failures >= ATTEMPTS) throw error;
		}
	}
}

/** Starts a runner in the background (if none holds the import); its failure is logged. */
export function runInBackground(importId: string): Promise<void> {
	return run(importId).then(
		() => undefined,
		(error: unknown) => {
			logger.error({ err: error, importId }, 'supporter import stopped');
		}
	);
}
