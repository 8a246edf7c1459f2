import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { StackError } from './errors.ts';
import { startGateway } from './gateway.ts';
import { mintKeys, newJwtSecret } from './keys.ts';
import { applyMigrations, applySeed } from './migrate.ts';
import { claimPort } from './ports.ts';
import { startPostgrest } from './postgrest.ts';
import { pgliteSql, pgSql, type Sql } from './sql.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const LOCAL_DIR = path.join(ROOT, '.local');
const MIGRATIONS_DIR = path.join(ROOT, 'supabase/migrations');
const SEED_FILE = path.join(ROOT, 'supabase/seed.sql');
const BOOTSTRAP_FILE = path.join(ROOT, 'scripts/local-stack/bootstrap.sql');

export interface StackOptions {
	/** Where PGlite keeps its files; 'memory' for a database that lives as long as the process. */
	data: string | 'memory';
	/** A real Postgres to use instead of PGlite (DATABASE_URL). */
	databaseUrl?: string;
	/** 0 picks free ports (tests); defaults are Supabase's local ports. */
	ports?: { gateway?: number; db?: number; postgrest?: number; postgrestAdmin?: number };
	/** Write stack.json beside the data folder, so `npm run db:status` can find this stack. */
	writeState?: boolean;
	/** Overrides for tests; default to the project's supabase/ folder. */
	migrationsDir?: string;
	seedFile?: string;
	log?: (line: string) => void;
}

export interface Stack {
	supabaseUrl: string;
	anonKey: string;
	serviceRoleKey: string;
	/** A postgres:// URL for psql and for tests that need SQL. */
	dbUrl: string;
	/** The migration files this start applied (empty when all were applied before). */
	applied: string[];
	seeded: boolean;
	/** Stops PostgREST, the gateway and PGlite (a DATABASE_URL Postgres is left running). */
	stop(): Promise<void>;
}

export const DEFAULT_PORTS = { gateway: 54321, db: 54322, postgrest: 54330, postgrestAdmin: 54331 };

/**
 * Starts what a Supabase project offers the app (Postgres with Supabase's roles,
 * PostgREST, and the gateway serving /rest/v1) on this machine, with no Docker:
 * PGlite (or DATABASE_URL's Postgres), migrations and seed applied, keys minted.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
	const log = options.log ?? (() => {});
	const wanted = { ...DEFAULT_PORTS, ...options.ports };
	const ports = {
		gateway: await claimPort(wanted.gateway, 'local Supabase API', 'LOCAL_SUPABASE_PORT'),
		db: options.databaseUrl ? 0 : await claimPort(wanted.db, 'local Postgres', 'LOCAL_DB_PORT'),
		postgrest: await claimPort(wanted.postgrest, 'PostgREST', 'LOCAL_POSTGREST_PORT'),
		postgrestAdmin: await claimPort(
			wanted.postgrestAdmin,
			'PostgREST admin',
			'LOCAL_POSTGREST_ADMIN_PORT'
		)
	};

	const cleanups: Array<() => Promise<void>> = [];
	const stopAll = async () => {
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
		cleanups.length = 0;
	};

	try {
		const jwtSecret = await loadJwtSecret(options.data);
		const keys = await mintKeys(jwtSecret);

		const database = options.databaseUrl
			? await openPostgres(options.databaseUrl)
			: await openPglite(options.data, ports.db);
		cleanups.push(database.close);

		await database.sql.exec(await readFile(BOOTSTRAP_FILE, 'utf8'));
		const authenticatorPassword = randomBytes(18).toString('base64url');
		await database.sql.exec(
			`alter role authenticator with login password '${authenticatorPassword}'`
		);
		const applied = await applyMigrations(database.sql, options.migrationsDir ?? MIGRATIONS_DIR);
		for (const file of applied) log(`applied migration ${file}`);
		const seeded = await applySeed(database.sql, options.seedFile ?? SEED_FILE);
		if (seeded) log('applied supabase/seed.sql');
		await database.release();

		const postgrestDbUri = new URL(database.url);
		postgrestDbUri.username = 'authenticator';
		postgrestDbUri.password = authenticatorPassword;
		const postgrest = await startPostgrest({
			dbUri: postgrestDbUri.href,
			jwtSecret,
			port: ports.postgrest,
			adminPort: ports.postgrestAdmin,
			singleConnection: !options.databaseUrl,
			onLog: (line) => log(`postgrest: ${line}`)
		});
		cleanups.push(postgrest.stop);

		const gateway = await startGateway({
			host: '127.0.0.1',
			port: ports.gateway,
			postgrestUrl: postgrest.url,
			apiKeys: [keys.anonKey, keys.serviceRoleKey]
		});
		cleanups.push(gateway.close);

		const stack: Stack = {
			supabaseUrl: gateway.url,
			anonKey: keys.anonKey,
			serviceRoleKey: keys.serviceRoleKey,
			dbUrl: database.url,
			applied,
			seeded,
			stop: stopAll
		};
		if (options.writeState && options.data !== 'memory') {
			const stateFile = stateFileFor(options.data);
			await writeState(stateFile, stack);
			cleanups.push(() => rm(stateFile, { force: true }));
		}
		return stack;
	} catch (error) {
		await stopAll();
		throw error;
	}
}

interface OpenDatabase {
	/** What PostgREST and psql connect to. */
	url: string;
	/** A connection for bootstrap and migrations, until `release`. */
	sql: Sql;
	release(): Promise<void>;
	close(): Promise<void>;
}

async function openPglite(data: string, port: number): Promise<OpenDatabase> {
	let unlock = async () => {};
	if (data !== 'memory') {
		await mkdir(data, { recursive: true });
		unlock = await lockDataDir(data);
	}
	const db = await PGlite.create(data === 'memory' ? undefined : data, {
		extensions: { pgcrypto }
	});
	const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 8 });
	await server.start();
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		sql: pgliteSql(db),
		release: async () => {},
		close: async () => {
			await server.stop();
			await db.close();
			await unlock();
		}
	};
}

async function openPostgres(databaseUrl: string): Promise<OpenDatabase> {
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect().catch((error: Error) => {
		throw new StackError(
			`Could not connect to DATABASE_URL (${redactUrl(databaseUrl)}): ${error.message}`
		);
	});
	let open = true;
	const release = async () => {
		if (open) await client.end();
		open = false;
	};
	return { url: databaseUrl, sql: pgSql(client), release, close: release };
}

/**
 * PGlite does not lock its files, and two processes writing one data folder
 * corrupt it: the first stack to open a folder holds it until it stops.
 */
async function lockDataDir(data: string): Promise<() => Promise<void>> {
	const lockFile = `${data}.lock`;
	try {
		await writeFile(lockFile, String(process.pid), { flag: 'wx' });
	} catch {
		const holder = Number(await readFile(lockFile, 'utf8').catch(() => '0'));
		if (holder && holder !== process.pid && isAlive(holder)) {
			throw new StackError(
				`The local database in ${path.relative(ROOT, data) || data} is in use by process ${holder} ` +
					'(another `npm run dev` or `npm start`?). Stop it first.'
			);
		}
		await writeFile(lockFile, String(process.pid)); // left behind by a process that died
	}
	return () => rm(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The JWT secret lives beside the data it protects, so keys survive a restart. */
async function loadJwtSecret(data: string): Promise<string> {
	if (data === 'memory') return newJwtSecret();
	const file = path.join(path.dirname(data), `${path.basename(data)}.jwt-secret`);
	if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
	const secret = newJwtSecret();
	await mkdir(path.dirname(file), { recursive: true });
	await writeFile(file, secret, { mode: 0o600 });
	return secret;
}

export interface StackState {
	pid: number;
	SUPABASE_URL: string;
	SUPABASE_ANON_KEY: string;
	SUPABASE_SERVICE_ROLE_KEY: string;
	DB_URL: string;
}

/** Where a stack using the data folder `data` says how to reach it. */
export function stateFileFor(data: string): string {
	return path.join(path.dirname(data), 'stack.json');
}

async function writeState(file: string, stack: Stack) {
	const state: StackState = {
		pid: process.pid,
		SUPABASE_URL: stack.supabaseUrl,
		SUPABASE_ANON_KEY: stack.anonKey,
		SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
		DB_URL: stack.dbUrl
	};
	await writeFile(file, JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function redactUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.href;
	} catch {
		return '(not a URL)';
	}
}
