-- "Manage my giving" (/giving): a donor sees their gifts, receipts and monthly
-- gifts without a password. They ask for a link by email; the link (1 hour, used
-- once) opens a short session (2 hours) held in an HttpOnly cookie. Only SHA-256
-- hashes of the link's and the cookie's tokens are stored, so a copy of the
-- database opens nothing. See src/lib/server/donations/giving.ts.

create table public.giving_links (
	token_hash text primary key,
	supporter_id uuid not null references public.supporters (id) on delete cascade,
	created_at timestamptz not null default now(),
	expires_at timestamptz not null,
	used_at timestamptz
);
create index giving_links_supporter on public.giving_links (supporter_id);
create index giving_links_expires on public.giving_links (expires_at);
alter table public.giving_links enable row level security;

create table public.giving_sessions (
	id_hash text primary key,
	supporter_id uuid not null references public.supporters (id) on delete cascade,
	created_at timestamptz not null default now(),
	expires_at timestamptz not null,
	-- Signed out before it expired.
	ended_at timestamptz
);
create index giving_sessions_supporter on public.giving_sessions (supporter_id);
create index giving_sessions_expires on public.giving_sessions (expires_at);
alter table public.giving_sessions enable row level security;
-- No policies: only the server (service_role) reads or writes them.

-- Asks for a link. An address with gifts gets one (in the language of the page
-- it was asked from); any other address gets an email saying we found no gifts
-- under it. The page answers the same either way, so it never tells who gave.
-- p_link ends with the token whose hash is p_token_hash.
create or replace function public.giving_request(
	p_email text, p_language text, p_token_hash text, p_link text, p_minutes int, p_ip text
) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_supporter public.supporters;
	v_email text := trim(p_email);
begin
	if p_language not in ('en', 'fr') or p_minutes not between 1 and 1440 then
		raise exception 'bad_request' using errcode = '22023';
	end if;

	-- Links and sessions are kept a week past their end (so a late click can be
	-- told "expired", not "unknown"), then forgotten.
	delete from public.giving_links where expires_at < now() - interval '7 days';
	delete from public.giving_sessions where expires_at < now() - interval '7 days';

	select s.* into v_supporter from public.supporters s
	where lower(s.email) = lower(v_email) and s.erased_at is null
		and (exists (select 1 from public.gifts g where g.supporter_id = s.id)
			or exists (select 1 from public.recurring_gifts r where r.supporter_id = s.id));

	if not found then
		perform public.email_enqueue(jsonb_build_array(jsonb_build_object(
			'idempotency_key', 'giving-link:' || gen_random_uuid(),
			'template', 'giving-link',
			'data', jsonb_build_object('link', null, 'minutes', p_minutes),
			'language', p_language,
			'to_email', v_email,
			'kind', 'transactional')));
		return;
	end if;

	insert into public.giving_links (token_hash, supporter_id, expires_at)
	values (p_token_hash, v_supporter.id, now() + make_interval(mins => p_minutes));
	perform public.email_enqueue(jsonb_build_array(jsonb_build_object(
		'idempotency_key', 'giving-link:' || p_token_hash,
		'template', 'giving-link',
		'data', jsonb_build_object('link', p_link, 'minutes', p_minutes),
		'language', p_language,
		'supporter_id', v_supporter.id,
		'to_email', v_supporter.email,
		'kind', 'transactional')));
	perform public.audit(null, 'giving.link_requested', v_supporter.id::text, '{}', p_ip);
end;
$$;

-- What a link can do now, without using it (opening a link must not act: mail
-- scanners follow links): unknown | expired | used | ready.
create or replace function public.giving_link_state(p_token_hash text) returns text
language sql
stable
set search_path = ''
as $$
	select coalesce((
		select case
			when s.erased_at is not null then 'unknown'
			when l.used_at is not null then 'used'
			when l.expires_at <= now() then 'expired'
			else 'ready' end
		from public.giving_links l
		join public.supporters s on s.id = l.supporter_id
		where l.token_hash = p_token_hash), 'unknown');
$$;

-- Uses a link, once: starts a session of p_session_minutes for its donor.
-- Returns {supporter_id, expires_at} or {error: unknown | used | expired}.
create or replace function public.giving_sign_in(
	p_token_hash text, p_session_hash text, p_session_minutes int, p_ip text
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_link public.giving_links;
	v_expires timestamptz := now() + make_interval(mins => p_session_minutes);
begin
	select * into v_link from public.giving_links where token_hash = p_token_hash for update;
	if not found
		or exists (select 1 from public.supporters s where s.id = v_link.supporter_id and s.erased_at is not null) then
		return jsonb_build_object('error', 'unknown');
	end if;
	if v_link.used_at is not null then
		return jsonb_build_object('error', 'used');
	end if;
	if v_link.expires_at <= now() then
		return jsonb_build_object('error', 'expired');
	end if;
	update public.giving_links set used_at = now() where token_hash = p_token_hash;
	insert into public.giving_sessions (id_hash, supporter_id, expires_at)
	values (p_session_hash, v_link.supporter_id, v_expires);
	perform public.audit(null, 'giving.signed_in', v_link.supporter_id::text, '{}', p_ip);
	return jsonb_build_object('supporter_id', v_link.supporter_id, 'expires_at', v_expires);
end;
$$;

-- The donor of a live session, or null (unknown, expired, signed out, erased).
create or replace function public.giving_session_get(p_session_hash text) returns uuid
language sql
stable
set search_path = ''
as $$
	select g.supporter_id from public.giving_sessions g
	join public.supporters s on s.id = g.supporter_id and s.erased_at is null
	where g.id_hash = p_session_hash and g.ended_at is null and g.expires_at > now();
$$;

create or replace function public.giving_sign_out(p_session_hash text) returns void
language sql
set search_path = ''
as $$
	update public.giving_sessions set ended_at = now()
	where id_hash = p_session_hash and ended_at is null;
$$;

-- Everything the donor's page shows, for one supporter only: their gifts, monthly
-- gifts and receipts, and what they gave in all (test gifts counted apart).
-- Campaign titles in p_language (else English).
create or replace function public.giving_overview(p_supporter uuid, p_language text) returns jsonb
language sql
stable
set search_path = ''
as $$
	with campaign_titles as (
		select c.id, coalesce(
			(select t.title from public.campaign_translations t where t.campaign_id = c.id and t.language = p_language),
			(select t.title from public.campaign_translations t where t.campaign_id = c.id and t.language = 'en')) as title
		from public.campaigns c
	)
	select jsonb_build_object(
		'email', s.email,
		'first_name', s.first_name,
		'gifts', coalesce((
			select jsonb_agg(jsonb_build_object(
				'id', g.id, 'received_at', g.received_at, 'amount_cents', g.amount_cents,
				'refunded_cents', g.refunded_cents, 'currency', g.currency, 'frequency', g.frequency,
				'status', g.status, 'dispute_status', g.dispute_status, 'test', g.test,
				'campaign', ct.title, 'tribute_kind', g.tribute_kind, 'tribute_name', g.tribute_name)
				order by g.received_at desc, g.id)
			from public.gifts g left join campaign_titles ct on ct.id = g.campaign_id
			where g.supporter_id = s.id), '[]'),
		'monthly', coalesce((
			select jsonb_agg(jsonb_build_object(
				'id', r.id, 'amount_cents', r.amount_cents, 'currency', r.currency, 'status', r.status,
				'started_at', r.started_at, 'canceled_at', r.canceled_at, 'test', r.test,
				'campaign', ct.title, 'failed_renewals', r.failed_renewals,
				'local', r.stripe_subscription like 'sub\_local\_%',
				'has_customer', r.stripe_customer is not null,
				'last_paid_at', (select max(g.received_at) from public.gifts g
					where g.recurring_gift_id = r.id and g.status in ('succeeded', 'refunded')),
				'payments', (select count(*) from public.gifts g
					where g.recurring_gift_id = r.id and g.status in ('succeeded', 'refunded')))
				order by (r.status = 'canceled'), r.started_at desc)
			from public.recurring_gifts r left join campaign_titles ct on ct.id = r.campaign_id
			where r.supporter_id = s.id), '[]'),
		'receipts', coalesce((
			select jsonb_agg(jsonb_build_object(
				'id', x.id, 'serial', x.serial, 'kind', x.kind, 'test', x.test, 'tax_year', x.tax_year,
				'received_on', x.received_on, 'issued_at', x.issued_at, 'amount_cents', x.amount_cents,
				'eligible_cents', x.eligible_cents, 'currency', x.currency, 'status', x.status,
				'void_reason', x.void_reason,
				'replaces', (select o.serial from public.receipts o where o.id = x.replaces_id),
				'replaced_by', (select n.serial from public.receipts n where n.replaces_id = x.id))
				order by x.issued_at desc, x.serial desc)
			from public.receipts x where x.supporter_id = s.id), '[]'),
		'totals', coalesce((
			select jsonb_agg(jsonb_build_object('currency', t.currency, 'given_cents', t.given,
				'test_cents', t.test_given, 'first_at', t.first_at))
			from (
				select g.currency,
					coalesce(sum(g.net_cents) filter (where not g.test), 0) as given,
					coalesce(sum(g.net_cents) filter (where g.test), 0) as test_given,
					min(g.received_at) filter (where g.net_cents > 0) as first_at
				from public.gifts g where g.supporter_id = s.id group by g.currency
			) t), '[]')
	)
	from public.supporters s
	where s.id = p_supporter and s.erased_at is null;
$$;

-- Privacy. Access: the export lists when the person asked for links and signed in
-- here. Erasure: their links and sessions go (any open session ends at once), and
-- the IP addresses of their sign-ins in the audit log with them.
alter function public.privacy_export(uuid) rename to privacy_export_without_giving;
create or replace function public.privacy_export(p_supporter uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select public.privacy_export_without_giving(p_supporter) || jsonb_build_object(
		'giving_links', coalesce((
			select jsonb_agg(jsonb_build_object('requested_at', l.created_at, 'expires_at', l.expires_at,
				'used_at', l.used_at) order by l.created_at)
			from public.giving_links l where l.supporter_id = p_supporter), '[]'),
		'giving_sessions', coalesce((
			select jsonb_agg(jsonb_build_object('started_at', g.created_at, 'expires_at', g.expires_at,
				'ended_at', g.ended_at) order by g.created_at)
			from public.giving_sessions g where g.supporter_id = p_supporter), '[]'))
	where exists (select 1 from public.supporters s where s.id = p_supporter and s.erased_at is null);
$$;

alter function public.privacy_erase_supporter(uuid, text, text) rename to privacy_erase_supporter_without_giving;
create or replace function public.privacy_erase_supporter(
	p_supporter uuid, p_wording_en text, p_wording_fr text
) returns void
language plpgsql
set search_path = ''
as $$
begin
	perform public.privacy_erase_supporter_without_giving(p_supporter, p_wording_en, p_wording_fr);
	delete from public.giving_links where supporter_id = p_supporter;
	delete from public.giving_sessions where supporter_id = p_supporter;
	-- The audit log is a ledger: the erasure above allowed rewriting it in this transaction.
	update public.audit_log a set ip = null
	where a.action like 'giving.%' and a.target = p_supporter::text and a.ip is not null;
end;
$$;
revoke execute on function public.privacy_export_without_giving(uuid) from public, anon, authenticated;
revoke execute on function public.privacy_erase_supporter_without_giving(uuid, text, text) from public, anon, authenticated;
