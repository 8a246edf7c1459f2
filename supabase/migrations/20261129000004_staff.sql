-- Staff sign-in: magic links sent through the outbox, sessions, roles, the audit
-- log, and rate limits kept in Postgres (any number of app instances share them).
-- Tokens and session ids are stored only as SHA-256 hashes.

create table public.staff (
	id uuid primary key default gen_random_uuid(),
	email text not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 254),
	name text check (length(name) <= 200),
	role text not null check (role in ('owner', 'admin', 'campaigner', 'viewer')),
	language text not null default 'en' check (language in ('en', 'fr')),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	removed_at timestamptz
);

-- One current staff member per email address, whatever its letter case.
create unique index staff_email_key on public.staff (lower(email)) where removed_at is null;

create trigger staff_touch before update on public.staff
	for each row execute function public.touch_updated_at();

create table public.staff_sign_in_tokens (
	token_hash text primary key,
	staff_id uuid not null references public.staff (id),
	expires_at timestamptz not null,
	used_at timestamptz,
	created_at timestamptz not null default now()
);

create table public.staff_sessions (
	id_hash text primary key,
	staff_id uuid not null references public.staff (id),
	created_at timestamptz not null default now(),
	expires_at timestamptz not null,
	last_seen_at timestamptz not null default now(),
	ip text,
	user_agent text check (length(user_agent) <= 500),
	revoked_at timestamptz
);

create index staff_sessions_staff on public.staff_sessions (staff_id) where revoked_at is null;

-- Who did what, when, from where. Append-only.
create table public.audit_log (
	id bigint generated always as identity primary key,
	staff_id uuid references public.staff (id),
	action text not null,
	target text,
	details jsonb not null default '{}',
	ip text,
	at timestamptz not null default now()
);

create index audit_log_at on public.audit_log (at desc, id desc);
create index audit_log_staff on public.audit_log (staff_id, at desc);
create index audit_log_action on public.audit_log (action, at desc);

create trigger audit_log_append_only before update or delete on public.audit_log
	for each row execute function public.forbid_change();

-- Fixed-window counters for rate limits (sign-in requests, public forms).
create table public.rate_limit_hits (
	key text not null,
	window_start timestamptz not null,
	count int not null default 0,
	primary key (key, window_start)
);

alter table public.staff enable row level security;
alter table public.staff_sign_in_tokens enable row level security;
alter table public.staff_sessions enable row level security;
alter table public.audit_log enable row level security;
alter table public.rate_limit_hits enable row level security;

-- Counts one hit for p_key; true while the window has had at most p_limit hits.
create or replace function public.rate_limit_take(p_key text, p_limit int, p_window_seconds int)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
	v_window timestamptz := to_timestamp(
		floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds);
	v_count int;
begin
	insert into public.rate_limit_hits (key, window_start, count) values (p_key, v_window, 1)
	on conflict (key, window_start) do update set count = public.rate_limit_hits.count + 1
	returning count into v_count;
	delete from public.rate_limit_hits where key = p_key and window_start < v_window;
	return v_count <= p_limit;
end;
$$;

create or replace function public.audit(
	p_staff uuid, p_action text, p_target text, p_details jsonb, p_ip text
) returns void
language sql
set search_path = ''
as $$
	insert into public.audit_log (staff_id, action, target, details, ip)
	values (p_staff, p_action, p_target, coalesce(p_details, '{}'), p_ip);
$$;

-- A sign-in request. For a current staff member: a token (its hash) valid 15
-- minutes and the email with the link, queued in this transaction. For anyone
-- else: nothing, and the same (empty) answer, so the form never tells who is staff.
create or replace function public.staff_request_sign_in(
	p_email text, p_token_hash text, p_link text, p_ip text
) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_staff public.staff;
begin
	select * into v_staff from public.staff where lower(email) = lower(trim(p_email)) and removed_at is null;
	if not found then
		return;
	end if;
	insert into public.staff_sign_in_tokens (token_hash, staff_id, expires_at)
	values (p_token_hash, v_staff.id, now() + interval '15 minutes');
	perform public.email_enqueue(jsonb_build_array(jsonb_build_object(
		'idempotency_key', 'staff-sign-in:' || p_token_hash,
		'template', 'staff-sign-in',
		'data', jsonb_build_object('link', p_link, 'minutes', 15),
		'language', v_staff.language,
		'to_email', v_staff.email,
		'kind', 'transactional')));
	perform public.audit(v_staff.id, 'staff.sign_in_requested', v_staff.email, '{}', p_ip);
end;
$$;

-- Uses a sign-in link once: a new session (its hash), or why not.
create or replace function public.staff_redeem_sign_in(
	p_token_hash text, p_session_hash text, p_session_hours int, p_ip text, p_user_agent text
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_token public.staff_sign_in_tokens;
	v_staff public.staff;
begin
	select * into v_token from public.staff_sign_in_tokens where token_hash = p_token_hash for update;
	if not found then
		return jsonb_build_object('error', 'unknown');
	end if;
	if v_token.used_at is not null then
		return jsonb_build_object('error', 'used');
	end if;
	if v_token.expires_at <= now() then
		return jsonb_build_object('error', 'expired');
	end if;
	select * into v_staff from public.staff where id = v_token.staff_id and removed_at is null;
	if not found then
		return jsonb_build_object('error', 'unknown');
	end if;
	update public.staff_sign_in_tokens set used_at = now() where token_hash = p_token_hash;
	insert into public.staff_sessions (id_hash, staff_id, expires_at, ip, user_agent)
	values (p_session_hash, v_staff.id, now() + make_interval(hours => p_session_hours), p_ip,
		left(p_user_agent, 500));
	perform public.audit(v_staff.id, 'staff.signed_in', v_staff.email, '{}', p_ip);
	return jsonb_build_object('staff_id', v_staff.id);
end;
$$;

-- The staff member a session belongs to, with their current role; slides the
-- session's expiry (at most once a minute, to keep reads cheap).
create or replace function public.staff_session_get(p_session_hash text, p_session_hours int)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_session public.staff_sessions;
	v_staff public.staff;
begin
	select * into v_session from public.staff_sessions
	where id_hash = p_session_hash and revoked_at is null and expires_at > now();
	if not found then
		return null;
	end if;
	select * into v_staff from public.staff where id = v_session.staff_id and removed_at is null;
	if not found then
		return null;
	end if;
	if v_session.last_seen_at < now() - interval '1 minute' then
		update public.staff_sessions
		set last_seen_at = now(), expires_at = now() + make_interval(hours => p_session_hours)
		where id_hash = p_session_hash;
	end if;
	return jsonb_build_object('id', v_staff.id, 'email', v_staff.email, 'name', v_staff.name,
		'role', v_staff.role, 'language', v_staff.language,
		'session_expires_at', greatest(v_session.expires_at, now() + make_interval(hours => p_session_hours)));
end;
$$;

create or replace function public.staff_sign_out(p_session_hash text, p_ip text) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_staff uuid;
begin
	update public.staff_sessions set revoked_at = now()
	where id_hash = p_session_hash and revoked_at is null
	returning staff_id into v_staff;
	if v_staff is not null then
		perform public.audit(v_staff, 'staff.signed_out', null, '{}', p_ip);
	end if;
end;
$$;

-- Adds a staff member (or gives a removed one back their access) with a role.
-- p_actor is null when done from the command line (`npm run staff:add`).
create or replace function public.staff_add(
	p_actor uuid, p_email text, p_name text, p_role text, p_language text, p_ip text
) returns uuid
language plpgsql
set search_path = ''
as $$
declare
	v_id uuid;
begin
	select id into v_id from public.staff where lower(email) = lower(trim(p_email)) and removed_at is null;
	if found then
		raise exception 'already_staff' using errcode = 'P0001';
	end if;
	insert into public.staff (email, name, role, language)
	values (trim(p_email), nullif(trim(p_name), ''), p_role, coalesce(p_language, 'en'))
	returning id into v_id;
	perform public.audit(p_actor, 'staff.added', trim(p_email), jsonb_build_object('role', p_role), p_ip);
	return v_id;
end;
$$;

-- There is always an owner: refuses to take the role from the last one. Locks the
-- owners' rows, so two owners cannot demote each other at once.
create or replace function public.staff_keep_an_owner(p_leaving uuid) returns void
language plpgsql
set search_path = ''
as $$
begin
	perform 1 from public.staff where role = 'owner' and removed_at is null for update;
	if not exists (select 1 from public.staff
		where role = 'owner' and removed_at is null and id <> p_leaving) then
		raise exception 'last_owner' using errcode = 'P0001';
	end if;
end;
$$;

-- Changes a role. The last owner stays an owner.
create or replace function public.staff_change_role(p_actor uuid, p_staff uuid, p_role text, p_ip text)
returns void
language plpgsql
set search_path = ''
as $$
declare
	v_staff public.staff;
begin
	select * into v_staff from public.staff where id = p_staff and removed_at is null for update;
	if not found then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	if v_staff.role = 'owner' and p_role <> 'owner' then
		perform public.staff_keep_an_owner(v_staff.id);
	end if;
	update public.staff set role = p_role where id = p_staff;
	perform public.audit(p_actor, 'staff.role_changed', v_staff.email,
		jsonb_build_object('from', v_staff.role, 'to', p_role), p_ip);
end;
$$;

-- Removes a staff member: their sessions end at once. The last owner cannot be removed.
create or replace function public.staff_remove(p_actor uuid, p_staff uuid, p_ip text)
returns void
language plpgsql
set search_path = ''
as $$
declare
	v_staff public.staff;
begin
	select * into v_staff from public.staff where id = p_staff and removed_at is null for update;
	if not found then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	if v_staff.role = 'owner' then
		perform public.staff_keep_an_owner(v_staff.id);
	end if;
	update public.staff set removed_at = now() where id = p_staff;
	update public.staff_sessions set revoked_at = now() where staff_id = p_staff and revoked_at is null;
	perform public.audit(p_actor, 'staff.removed', v_staff.email, jsonb_build_object('role', v_staff.role), p_ip);
end;
$$;
