// `npm run db:status`: the running local stack's settings, as `supabase status -o env` prints them.
// `npm run db:reset`: the local database from the migrations and seed again.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { startStack, stateFileFor, type StackState } from './local-stack/index.ts';
import { StackError } from './local-stack/errors.ts';
import { fail } from './run-app.ts';
import { DEV_DATA_DIR } from './stack-env.ts';

const command = process.argv[2];

async function runningStack(): Promise<StackState | undefined> {
	const stateFile = stateFileFor(DEV_DATA_DIR);
	if (!existsSync(stateFile)) return undefined;
	const state = JSON.parse(await readFile(stateFile, 'utf8')) as StackState;
	try {
		process.kill(state.pid, 0);
	} catch {
		return undefined; // the process that wrote it has gone
	}
	const health = await fetch(`${state.SUPABASE_URL}/health`).catch(() => undefined);
	return health?.ok ? state : undefined;
}

if (command === 'status') {
	const state = await runningStack();
	if (!state) {
		console.error(
			'No local Supabase stack is running. Start one with `npm run dev` (or `npm start`).'
		);
		process.exit(1);
	}
	for (const key of [
		'SUPABASE_URL',
		'SUPABASE_ANON_KEY',
		'SUPABASE_SERVICE_ROLE_KEY',
		'DB_URL'
	] as const) {
		console.log(`${key}=${state[key]}`);
	}
} else if (command === 'reset') {
	if (await runningStack()) {
		fail(
			new StackError('The local stack is running: stop `npm run dev` (Ctrl-C) first, then reset.')
		);
	}
	const databaseUrl = process.env.DATABASE_URL || undefined;
	if (databaseUrl) {
		const { default: pg } = await import('pg');
		const client = new pg.Client({ connectionString: databaseUrl });
		await client.connect();
		await client.query(
			'drop schema if exists public cascade; drop schema if exists supabase_migrations cascade; create schema public;'
		);
		await client.end();
	} else {
		await rm(DEV_DATA_DIR, { recursive: true, force: true });
	}
	try {
		const stack = await startStack({
			data: DEV_DATA_DIR,
			databaseUrl,
			ports: { gateway: 0, db: 0, postgrest: 0, postgrestAdmin: 0 },
			log: (line) => {
				if (!line.startsWith('postgrest:')) console.log(line);
			}
		});
		await stack.stop();
		console.log(
			`Reset ${databaseUrl ? 'the database in DATABASE_URL' : 'the local database (.local/pgdata)'}: ` +
				`${stack.applied.length} migrations applied, seed ${stack.seeded ? 'loaded' : 'not found'}.`
		);
	} catch (error) {
		fail(error);
	}
} else {
	console.error('Usage: node scripts/db.ts status|reset');
	process.exit(2);
}
