import path from 'node:path';
import { StackError } from './local-stack/errors.ts';
import { LOCAL_DIR, startStack, type Stack } from './local-stack/index.ts';

/**
 * The Supabase the app will talk to: the one named by SUPABASE_URL and its keys
 * when they are set (nothing local starts), else a local stack started here.
 * Returns the environment for the app's process and how to stop what was started.
 */
export async function supabaseForApp(options: {
	data: string | 'memory';
	log: (line: string) => void;
}): Promise<{ env: Record<string, string>; stack?: Stack }> {
	const { SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY } = process.env;
	if (SUPABASE_URL) {
		const missing = Object.entries({ SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY })
			.filter(([, value]) => !value)
			.map(([name]) => name);
		if (missing.length) {
			throw new StackError(`SUPABASE_URL is set, so ${missing.join(' and ')} must be set too.`);
		}
		options.log(`Using the Supabase at ${SUPABASE_URL} (SUPABASE_URL is set; no local stack).`);
		return { env: {} };
	}
	const ports = {
		gateway: numberFromEnv('LOCAL_SUPABASE_PORT'),
		db: numberFromEnv('LOCAL_DB_PORT'),
		postgrest: numberFromEnv('LOCAL_POSTGREST_PORT'),
		postgrestAdmin: numberFromEnv('LOCAL_POSTGREST_ADMIN_PORT')
	};
	const stack = await startStack({
		data: options.data,
		databaseUrl: process.env.DATABASE_URL || undefined,
		ports: Object.fromEntries(Object.entries(ports).filter(([, port]) => port !== undefined)),
		writeState: true,
		log: options.log
	});
	return {
		stack,
		env: {
			SUPABASE_URL: stack.supabaseUrl,
			SUPABASE_ANON_KEY: stack.anonKey,
			SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey
		}
	};
}

/** The local database's folder: .local/pgdata, or LOCAL_DATA_DIR. */
export const DEV_DATA_DIR = process.env.LOCAL_DATA_DIR
	? path.resolve(process.env.LOCAL_DATA_DIR)
	: path.join(LOCAL_DIR, 'pgdata');

function numberFromEnv(name: string): number | undefined {
	const value = process.env[name];
	if (value === undefined || value === '') return undefined;
	const port = Number(value);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new StackError(`${name} must be a port number, not "${value}".`);
	}
	return port;
}
