import type { TestProject } from 'vitest/node';
import { startStack } from '../../scripts/local-stack/index.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		stack: { supabaseUrl: string; anonKey: string; serviceRoleKey: string; dbUrl: string };
	}
}

/**
 * One local stack for the integration run: PGlite in memory, or the Postgres in
 * TEST_DATABASE_URL (CI runs the suite on both). Ports are picked free, so a
 * running `npm run dev` is not disturbed.
 */
export default async function setup(project: TestProject) {
	const stack = await startStack({
		data: 'memory',
		databaseUrl: process.env.TEST_DATABASE_URL || undefined,
		ports: { gateway: 0, db: 0, postgrest: 0, postgrestAdmin: 0 }
	});
	project.provide('stack', {
		supabaseUrl: stack.supabaseUrl,
		anonKey: stack.anonKey,
		serviceRoleKey: stack.serviceRoleKey,
		dbUrl: stack.dbUrl
	});
	console.log(
		`integration tests on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL (TEST_DATABASE_URL)' : 'PGlite'}`
	);
	return () => stack.stop();
}
