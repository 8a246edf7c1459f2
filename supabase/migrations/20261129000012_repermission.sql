-- CASL re-permission: consent implied by a gift (two years) or an enquiry (six
-- months) ends by itself. Before it does, staff may ask each supporter once per
-- consent period whether they want to keep hearing from us; a yes is express consent.

-- One email per supporter per consent period: the key carries the end date.
create or replace function public.repermission_key(p_supporter uuid, p_expires_at timestamptz) returns text
language sql
immutable
set search_path = ''
as $$
	select 'repermission:' || p_supporter || ':' || to_char(p_expires_at at time zone 'UTC', 'YYYY-MM-DD');
$$;

-- Supporters whose implied consent ends within 60 days, soonest first, with when
-- they were asked (null if not yet).
create or replace function public.supporter_repermission_list(p_limit int)
returns table (
	id uuid, email text, first_name text, last_name text, language text,
	email_consent_expires_at timestamptz, asked_at timestamptz
)
language sql
stable
set search_path = ''
as $$
	select s.id, s.email, s.first_name, s.last_name, s.language, s.email_consent_expires_at, o.created_at
	from public.supporters s
	left join public.email_outbox o
		on o.idempotency_key = public.repermission_key(s.id, s.email_consent_expires_at)
	where s.erased_at is null and s.email_consent = 'granted'
		and s.email_consent_expires_at > now() and s.email_consent_expires_at <= now() + interval '60 days'
	order by s.email_consent_expires_at, s.id
	limit p_limit;
$$;

create or replace function public.supporter_repermission_counts() returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object(
		'expiring', count(*),
		'unasked', count(*) filter (where not exists (
			select 1 from public.email_outbox o
			where o.idempotency_key = public.repermission_key(s.id, s.email_consent_expires_at))))
	from public.supporters s
	where s.erased_at is null and s.email_consent = 'granted'
		and s.email_consent_expires_at > now() and s.email_consent_expires_at <= now() + interval '60 days';
$$;

-- Queues the re-permission email to everyone not yet asked, in one statement.
-- A broadcast: it goes only while their (implied) consent still holds.
create or replace function public.email_enqueue_repermission(p_actor uuid, p_ip text) returns int
language plpgsql
set search_path = ''
as $$
declare
	v_count int;
begin
	with inserted as (
		insert into public.email_outbox (idempotency_key, template, data, language, supporter_id, to_email, kind)
		select public.repermission_key(s.id, s.email_consent_expires_at), 'repermission',
			jsonb_build_object('expiresAt', s.email_consent_expires_at), s.language, s.id, s.email, 'broadcast'
		from public.supporters s
		where s.erased_at is null and s.email_consent = 'granted'
			and s.email_consent_expires_at > now() and s.email_consent_expires_at <= now() + interval '60 days'
			and not exists (select 1 from public.email_suppressions x where x.email_lower = lower(s.email))
		on conflict (idempotency_key) do nothing
		returning 1
	)
	select count(*) into v_count from inserted;
	perform public.audit(p_actor, 'supporters.repermission_sent', null, jsonb_build_object('count', v_count), p_ip);
	return v_count;
end;
$$;

-- "Yes, keep me informed" from the re-permission email's link: express consent,
-- with the words shown on the page, in the page's language. False for an unknown
-- token (a merged record's token leads to the survivor).
create or replace function public.email_keep_consent(
	p_token text, p_source text, p_wording text, p_language text
) returns boolean
language plpgsql
set search_path = ''
as $$
declare
	v_supporter public.supporters;
begin
	select * into v_supporter from public.supporters where email_token = p_token and erased_at is null;
	if not found then
		select s.* into v_supporter from public.supporter_merges mg
		join public.supporters s on s.id = mg.survivor_id
		where mg.merged_email_token = p_token;
		if not found then
			return false;
		end if;
	end if;
	insert into public.consents (supporter_id, channel, status, kind, source, wording, language)
	values (v_supporter.id, 'email', 'granted', 'express', p_source, p_wording, p_language);
	return true;
end;
$$;
