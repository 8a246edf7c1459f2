import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import WebSocket from 'ws';

// Builders for integration tests: clients as the app makes them, and SQL for checks.

const clientOptions = {
	auth: { persistSession: false, autoRefreshToken: false },
	realtime: { transport: (globalThis.WebSocket ?? WebSocket) as never }
};

export function anonClient(): SupabaseClient {
	const { supabaseUrl, anonKey } = inject('stack');
	return createClient(supabaseUrl, anonKey, clientOptions);
}

export function serviceClient(): SupabaseClient {
	const { supabaseUrl, serviceRoleKey } = inject('stack');
	return createClient(supabaseUrl, serviceRoleKey, clientOptions);
}

/** Runs `work` with a direct SQL connection (as psql would have), then closes it. */
export async function withSql<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: inject('stack').dbUrl });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

let counter = 0;
/** A unique address per call, so tests never collide on the email unique index. */
export function uniqueEmail(prefix = 'supporter'): string {
	counter += 1;
	return `${prefix}.${Date.now().toString(36)}.${counter}@example.org`;
}

/**
 * Lets a test import the app's server code (src/lib/server/...) directly: that code
 * reads its settings through SvelteKit ($app/env/private), which Vitest fills from
 * the environment it started with. This points it at this run's stack; call it
 * before importing the modules. It uses SvelteKit's generated env module (an
 * internal, `set_env`): if a SvelteKit upgrade moves it, this is the one place to fix.
 */
export async function useStackForServerCode(): Promise<void> {
	const stack = inject('stack');
	const config = (await import(
		/* @vite-ignore */ '<sveltekit:generated>/env/config.js' as string
	)) as { set_env: (env: Record<string, string | undefined>) => void };
	config.set_env({
		...process.env,
		SUPABASE_URL: stack.supabaseUrl,
		SUPABASE_ANON_KEY: stack.anonKey,
		SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
		LOG_LEVEL: 'silent'
	});
}

/**
 * For a test file that runs the worker and counts what it sends: the automatic
 * emails (the welcome series for supporters other files made, which every tick
 * would queue) stay off while it runs, and are on again after.
 */
export function withoutAutomaticEmails(): void {
	beforeAll(() => withSql((sql) => sql.query('update email_automations set enabled = false')));
	afterAll(() => withSql((sql) => sql.query('update email_automations set enabled = true')));
}
