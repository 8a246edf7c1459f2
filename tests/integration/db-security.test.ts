import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { withSql } from './helpers.ts';

/**
 * Functions a public page needs to call with the anon key. Adding one here is a
 * decision: say in the migration why the public may call it.
 */
const ANON_CALLABLE = new Set<string>([
	// The home page's open petition: slug, title and count, nothing about signers.
	'public.petition_open_summary(p_language text)'
]);

const EXPOSED_SCHEMAS = ['public'];

/** Every rule every migration must keep, each answering the names that break it. */
async function securityViolations(client: pg.Client) {
	const tablesWithoutRls = await client.query<{ name: string }>(
		`select n.nspname || '.' || c.relname as name
		   from pg_class c join pg_namespace n on n.oid = c.relnamespace
		  where n.nspname = any($1) and c.relkind in ('r', 'p') and not c.relrowsecurity
		  order by 1`,
		[EXPOSED_SCHEMAS]
	);
	const viewsNotSecurityInvoker = await client.query<{ name: string }>(
		`select n.nspname || '.' || c.relname as name
		   from pg_class c join pg_namespace n on n.oid = c.relnamespace
		  where n.nspname = any($1) and c.relkind in ('v', 'm')
		    and not coalesce(c.reloptions @> array['security_invoker=true']
		                  or c.reloptions @> array['security_invoker=on'], false)
		  order by 1`,
		[EXPOSED_SCHEMAS]
	);
	const definerWithoutSearchPath = await client.query<{ name: string }>(
		`select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as name
		   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
		  where n.nspname = any($1) and p.prosecdef
		    and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
		  order by 1`,
		[EXPOSED_SCHEMAS]
	);
	const anonCallable = await client.query<{ name: string }>(
		`select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as name
		   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
		  where n.nspname = any($1) and has_function_privilege('anon', p.oid, 'execute')
		  order by 1`,
		[EXPOSED_SCHEMAS]
	);
	return {
		tablesWithoutRls: tablesWithoutRls.rows.map((row) => row.name),
		viewsNotSecurityInvoker: viewsNotSecurityInvoker.rows.map((row) => row.name),
		securityDefinerWithoutSearchPath: definerWithoutSearchPath.rows.map((row) => row.name),
		anonCallableNotAllowed: anonCallable.rows
			.map((row) => row.name)
			.filter((name) => !ANON_CALLABLE.has(name))
	};
}

const NONE = {
	tablesWithoutRls: [],
	viewsNotSecurityInvoker: [],
	securityDefinerWithoutSearchPath: [],
	anonCallableNotAllowed: []
};

describe('database security rules', () => {
	it('every migration keeps them: RLS on, invoker views, fixed search_path, anon calls only what is allowed', async () => {
		const violations = await withSql(securityViolations);
		expect(violations).toEqual(NONE);
	});

	it('names each table, view and function that breaks a rule', async () => {
		const violations = await withSql(async (client) => {
			await client.query('begin');
			try {
				await client.query(`
					create table public.leaky (id int);
					create view public.leaky_view as select 1 as one;
					create function public.leaky_definer() returns int language sql security definer as 'select 1';
					grant execute on function public.leaky_definer() to anon;
				`);
				return await securityViolations(client);
			} finally {
				await client.query('rollback');
			}
		});
		expect(violations).toEqual({
			tablesWithoutRls: ['public.leaky'],
			viewsNotSecurityInvoker: ['public.leaky_view'],
			securityDefinerWithoutSearchPath: ['public.leaky_definer()'],
			anonCallableNotAllowed: ['public.leaky_definer()']
		});
	});
});
