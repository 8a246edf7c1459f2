import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { StackError } from './errors.ts';
import type { Sql } from './sql.ts';

/** A migration or the seed that failed: the file and the database's own message. */
export class MigrationError extends StackError {
	readonly file: string;
	constructor(file: string, cause: unknown) {
		super(`${file} failed: ${describeSqlError(cause)}`);
		this.name = 'MigrationError';
		this.file = file;
	}
}

/**
 * Applies each migration in `supabase/migrations` not yet applied, in file-name
 * order, each in its own transaction, recording it in the same table the Supabase
 * CLI uses (`supabase_migrations.schema_migrations`), so each runs once.
 * Returns the names of the files it applied.
 */
export async function applyMigrations(sql: Sql, migrationsDir: string): Promise<string[]> {
	await sql.exec(`
		create schema if not exists supabase_migrations;
		create table if not exists supabase_migrations.schema_migrations (
			version text primary key, statements text[], name text
		);
		create table if not exists supabase_migrations.seed_files (
			path text primary key, hash text not null
		);
	`);
	const done = new Set(
		(
			await sql.query<{ version: string }>(
				'select version from supabase_migrations.schema_migrations'
			)
		).map((row) => row.version)
	);
	const files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort();
	const applied: string[] = [];
	for (const file of files) {
		const [version, ...rest] = path.basename(file, '.sql').split('_');
		if (done.has(version)) continue;
		const text = await readFile(path.join(migrationsDir, file), 'utf8');
		await inTransaction(sql, file, async () => {
			await sql.exec(text);
			await sql.query(
				'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
				[version, rest.join('_'), [text]]
			);
		});
		applied.push(file);
	}
	return applied;
}

/** Runs the seed file once per database (recorded by its path), as `supabase db reset` would. */
export async function applySeed(sql: Sql, seedFile: string): Promise<boolean> {
	const text = await readFile(seedFile, 'utf8').catch(() => undefined);
	if (text === undefined) return false;
	const name = path.basename(seedFile);
	const seeded = await sql.query('select 1 from supabase_migrations.seed_files where path = $1', [
		name
	]);
	if (seeded.length > 0) return false;
	await inTransaction(sql, name, async () => {
		await sql.exec(text);
		await sql.query('insert into supabase_migrations.seed_files (path, hash) values ($1, $2)', [
			name,
			createHash('sha256').update(text).digest('hex')
		]);
	});
	return true;
}

async function inTransaction(sql: Sql, file: string, work: () => Promise<void>) {
	await sql.exec('begin');
	try {
		await work();
		await sql.exec('commit');
	} catch (error) {
		await sql.exec('rollback').catch(() => {});
		throw new MigrationError(file, error);
	}
}

function describeSqlError(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	const details = error as Error & {
		code?: string;
		position?: string;
		detail?: string;
		hint?: string;
	};
	return [
		error.message,
		details.code && `(SQLSTATE ${details.code})`,
		details.detail && `Detail: ${details.detail}`,
		details.hint && `Hint: ${details.hint}`
	]
		.filter(Boolean)
		.join(' ');
}
