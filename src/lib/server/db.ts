import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_URL } from '$app/env/private';

// The only place that creates a supabase-js client. Both clients are stateless
// (no session is stored), so one of each serves every request. They are made on
// first use, not at import, because `vite build` imports this module too.

const options = {
	auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
	// Node below 22 has no global WebSocket; supabase-js's realtime client needs one
	// to construct, even though we never open a channel.
	realtime: { transport: (globalThis.WebSocket ?? WebSocket) as never }
};

/**
 * Stops start-up with a clear message when a Supabase setting is missing.
 * Called from `init` in hooks.server.ts.
 */
export function assertDatabaseSettings(): void {
	const missing = Object.entries({ SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY })
		.filter(([, value]) => !value)
		.map(([name]) => name);
	if (missing.length > 0) {
		throw new Error(
			`Missing setting${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. ` +
				'Start the site with `npm run dev` or `npm start` to use the local Supabase stack, ' +
				'or set them from your Supabase project (Project Settings → API).'
		);
	}
}

let service: SupabaseClient | undefined;
let anon: SupabaseClient | undefined;

/** Full access; bypasses Row Level Security. Server code only, after its own checks. */
export function serviceDb(): SupabaseClient {
	assertDatabaseSettings();
	return (service ??= createClient(SUPABASE_URL!, SUPABASE_SERVICE_ROLE_KEY!, options));
}

/** The public's access: Row Level Security decides what it may read. */
export function anonDb(): SupabaseClient {
	assertDatabaseSettings();
	return (anon ??= createClient(SUPABASE_URL!, SUPABASE_ANON_KEY!, options));
}

/** Returns the data, or throws when supabase-js reports an error, so the error value never travels up. */
export function must<T>(result: { data: T; error: { message: string; code?: string } | null }): T {
	if (result.error) throw new DatabaseError(result.error.message, result.error.code);
	return result.data;
}

export class DatabaseError extends Error {
	readonly code?: string;
	constructor(message: string, code?: string) {
		super(message);
		this.name = 'DatabaseError';
		this.code = code;
	}
}
