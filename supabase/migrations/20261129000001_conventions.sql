-- Conventions every later migration follows.
--
-- Supabase exposes the `public` schema through PostgREST to three roles: anon (no
-- key but the public one), authenticated (unused here: staff sign in through our
-- own sessions, on the server) and service_role (the server, bypassing RLS).
-- Out of the box Supabase grants all three everything and leaves safety to Row
-- Level Security. We go further, so that a forgotten policy is not a leak:
--   * every table has RLS on (tests/integration/db-security.test.ts checks it);
--   * anon and authenticated get no table or function privilege by default: each
--     migration grants exactly what a public page needs;
--   * functions are not executable by PUBLIC unless granted.

alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
-- PUBLIC's EXECUTE on new functions is a global default: revoked without IN SCHEMA.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

alter default privileges in schema public grant all on tables to service_role;
alter default privileges in schema public grant all on sequences to service_role;
alter default privileges in schema public grant execute on functions to service_role;

grant usage on schema public to anon, authenticated, service_role;

-- Keeps updated_at true without each write having to remember it.
create or replace function public.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	new.updated_at := now();
	return new;
end;
$$;

-- Refuses to change history: used by append-only ledgers (consents, events).
create or replace function public.forbid_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	raise exception '% is append-only: rows cannot be %d', tg_table_name, lower(tg_op)
		using errcode = 'P0001';
end;
$$;

revoke execute on function public.touch_updated_at() from public, anon, authenticated;
revoke execute on function public.forbid_change() from public, anon, authenticated;
