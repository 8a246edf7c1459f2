// `npm run staff:add -- someone@example.org --role owner [--name "Their Name"] [--language fr]`
// Adds a staff member: how the first owner is made. Uses SUPABASE_URL and its keys,
// or the running local stack, or opens the local database for the moment it takes.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { StackError } from './local-stack/errors.ts';
import { startStack, stateFileFor, type StackState } from './local-stack/index.ts';
import { fail } from './run-app.ts';
import { DEV_DATA_DIR } from './stack-env.ts';

const ROLES = ['owner', 'admin', 'campaigner', 'viewer'];

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		role: { type: 'string', default: 'viewer' },
		name: { type: 'string' },
		language: { type: 'string', default: 'en' }
	}
});
const email = positionals[0];
if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
	fail(
		new StackError(
			'Usage: npm run staff:add -- someone@example.org --role owner|admin|campaigner|viewer'
		)
	);
}
if (!ROLES.includes(values.role!))
	fail(new StackError(`--role must be one of ${ROLES.join(', ')}`));
if (!['en', 'fr'].includes(values.language!)) fail(new StackError('--language must be en or fr'));

let url = process.env.SUPABASE_URL;
let key = process.env.SUPABASE_SERVICE_ROLE_KEY;
let stop = async () => {};
if (!url) {
	const stateFile = stateFileFor(DEV_DATA_DIR);
	const state = existsSync(stateFile)
		? (JSON.parse(readFileSync(stateFile, 'utf8')) as StackState)
		: null;
	const alive =
		state &&
		(await fetch(`${state.SUPABASE_URL}/health`)
			.then((res) => res.ok)
			.catch(() => false));
	if (state && alive) {
		url = state.SUPABASE_URL;
		key = state.SUPABASE_SERVICE_ROLE_KEY;
	} else {
		try {
			const stack = await startStack({
				data: DEV_DATA_DIR,
				databaseUrl: process.env.DATABASE_URL || undefined,
				ports: { gateway: 0, db: 0, postgrest: 0, postgrestAdmin: 0 }
			});
			url = stack.supabaseUrl;
			key = stack.serviceRoleKey;
			stop = stack.stop;
		} catch (error) {
			fail(error);
		}
	}
}
if (!key)
	fail(new StackError('SUPABASE_URL is set, so SUPABASE_SERVICE_ROLE_KEY must be set too.'));

const db = createClient(url!, key!, {
	auth: { persistSession: false },
	realtime: { transport: (globalThis.WebSocket ?? WebSocket) as never }
});
const { error } = await db.rpc('staff_add', {
	p_actor: null,
	p_email: email,
	p_name: values.name ?? null,
	p_role: values.role,
	p_language: values.language,
	p_ip: null
});
await stop();
if (error) {
	fail(
		new StackError(
			error.message === 'already_staff' ? `${email} is already a staff member.` : error.message
		)
	);
}
console.log(`${email} is now staff (${values.role}). They sign in at /admin with that address.`);
