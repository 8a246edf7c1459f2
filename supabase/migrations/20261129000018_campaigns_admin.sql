-- Staff run campaigns and petitions (issue 6, the staff side). Each save is one
-- transaction with its audit entry (what it was, what it became); marking a
-- petition delivered or won writes the update supporters see; the signer list as
-- it is delivered to the target follows one rule, kept here: a name only for
-- those who agreed to show it, never an email.

-- A campaign as the audit log keeps it: its row and its words in both languages.
create or replace function public.campaign_snapshot(p_id uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select to_jsonb(c) - 'created_at' - 'updated_at' || jsonb_build_object('text', (
		select jsonb_object_agg(t.language, to_jsonb(t) - 'campaign_id' - 'language')
		from public.campaign_translations t where t.campaign_id = c.id))
	from public.campaigns c where c.id = p_id;
$$;

create or replace function public.petition_snapshot(p_id uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select to_jsonb(p) - 'created_at' - 'updated_at' - 'signature_count' || jsonb_build_object('text', (
		select jsonb_object_agg(t.language, to_jsonb(t) - 'petition_id' - 'language')
		from public.petition_translations t where t.petition_id = p.id))
	from public.petitions p where p.id = p_id;
$$;

-- Creates (p_id null) or saves a campaign. p_fields: slug, status, goal_cents
-- (null for none), en/fr: {title, summary, story}. published_at is set the first
-- time it is published and kept after. A slug in use raises 23505 'slug_taken'.
create or replace function public.campaign_save(p_actor uuid, p_id uuid, p_fields jsonb, p_ip text)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
	v_id uuid := p_id;
	v_before jsonb;
	v_status text := p_fields ->> 'status';
	v_language text;
begin
	if exists (select 1 from public.campaigns where slug = p_fields ->> 'slug' and id is distinct from p_id) then
		raise exception 'slug_taken' using errcode = '23505';
	end if;
	if v_id is null then
		insert into public.campaigns (slug, status, goal_cents, published_at)
		values (p_fields ->> 'slug', v_status, (p_fields ->> 'goal_cents')::bigint,
			case when v_status = 'published' then now() end)
		returning id into v_id;
	else
		perform 1 from public.campaigns where id = v_id for update;
		if not found then
			raise exception 'not_found' using errcode = 'P0002';
		end if;
		v_before := public.campaign_snapshot(v_id);
		update public.campaigns set
			slug = p_fields ->> 'slug',
			status = v_status,
			goal_cents = (p_fields ->> 'goal_cents')::bigint,
			published_at = coalesce(published_at, case when v_status = 'published' then now() end)
		where id = v_id;
	end if;
	foreach v_language in array array['en', 'fr'] loop
		insert into public.campaign_translations (campaign_id, language, title, summary, story)
		values (v_id, v_language, p_fields -> v_language ->> 'title', p_fields -> v_language ->> 'summary',
			p_fields -> v_language ->> 'story')
		on conflict (campaign_id, language) do update set
			title = excluded.title, summary = excluded.summary, story = excluded.story;
	end loop;
	perform public.audit(p_actor, case when p_id is null then 'campaign.created' else 'campaign.saved' end,
		v_id::text, jsonb_build_object('from', v_before, 'to', public.campaign_snapshot(v_id)), p_ip);
	return v_id;
end;
$$;

-- Creates (p_id null) or saves a petition. p_fields: slug, title (staff's name for
-- it), status, campaign_id, goal, deadline ('YYYY-MM-DDTHH:MI' on the wall clock
-- of time_zone, or null), time_zone, embed_origins (array of https origins),
-- en/fr: {title, target, letter}. A slug in use raises 23505 'slug_taken'.
create or replace function public.petition_save(p_actor uuid, p_id uuid, p_fields jsonb, p_ip text)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
	v_id uuid := p_id;
	v_before jsonb;
	v_status text := p_fields ->> 'status';
	v_deadline timestamptz := (nullif(p_fields ->> 'deadline', '')::timestamp)
		at time zone (p_fields ->> 'time_zone');
	v_origins text[] := array(select jsonb_array_elements_text(coalesce(p_fields -> 'embed_origins', '[]')));
	v_language text;
begin
	if exists (select 1 from public.petitions where slug = p_fields ->> 'slug' and id is distinct from p_id) then
		raise exception 'slug_taken' using errcode = '23505';
	end if;
	if v_id is null then
		insert into public.petitions (slug, title, status, campaign_id, goal, deadline, embed_origins, published_at)
		values (p_fields ->> 'slug', p_fields ->> 'title', v_status, (p_fields ->> 'campaign_id')::uuid,
			(p_fields ->> 'goal')::int, v_deadline, v_origins, case when v_status = 'published' then now() end)
		returning id into v_id;
	else
		perform 1 from public.petitions where id = v_id for update;
		if not found then
			raise exception 'not_found' using errcode = 'P0002';
		end if;
		v_before := public.petition_snapshot(v_id);
		update public.petitions set
			slug = p_fields ->> 'slug',
			title = p_fields ->> 'title',
			status = v_status,
			campaign_id = (p_fields ->> 'campaign_id')::uuid,
			goal = (p_fields ->> 'goal')::int,
			deadline = v_deadline,
			embed_origins = v_origins,
			published_at = coalesce(published_at, case when v_status = 'published' then now() end)
		where id = v_id;
	end if;
	foreach v_language in array array['en', 'fr'] loop
		insert into public.petition_translations (petition_id, language, title, target, letter)
		values (v_id, v_language, p_fields -> v_language ->> 'title', p_fields -> v_language ->> 'target',
			p_fields -> v_language ->> 'letter')
		on conflict (petition_id, language) do update set
			title = excluded.title, target = excluded.target, letter = excluded.letter;
	end loop;
	perform public.audit(p_actor, case when p_id is null then 'petition.created' else 'petition.saved' end,
		v_id::text, jsonb_build_object('from', v_before, 'to', public.petition_snapshot(v_id)), p_ip);
	return v_id;
end;
$$;

-- Marks a petition delivered or won (p_kind), once each, and publishes the update
-- supporters see, in both languages (p_update: en/fr: {title, body}), in the same
-- transaction. Raises 'already_marked' if it was marked so before.
create or replace function public.petition_mark(
	p_actor uuid, p_petition uuid, p_kind text, p_update jsonb, p_ip text
) returns bigint
language plpgsql
set search_path = ''
as $$
declare
	v_petition public.petitions;
	v_update bigint;
	v_language text;
	v_at timestamptz := now();
begin
	if p_kind not in ('delivered', 'won') then
		raise exception 'unknown_kind: %', p_kind using errcode = '22023';
	end if;
	select * into v_petition from public.petitions where id = p_petition for update;
	if not found then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	if (p_kind = 'delivered' and v_petition.delivered_at is not null)
		or (p_kind = 'won' and v_petition.won_at is not null) then
		raise exception 'already_marked' using errcode = 'P0001';
	end if;
	if p_kind = 'delivered' then
		update public.petitions set delivered_at = v_at where id = p_petition;
	else
		update public.petitions set won_at = v_at where id = p_petition;
	end if;
	insert into public.campaign_updates (campaign_id, petition_id, kind, published_at, created_by)
	values (v_petition.campaign_id, p_petition, p_kind, v_at, p_actor)
	returning id into v_update;
	foreach v_language in array array['en', 'fr'] loop
		insert into public.campaign_update_translations (update_id, language, title, body)
		values (v_update, v_language, p_update -> v_language ->> 'title', p_update -> v_language ->> 'body');
	end loop;
	perform public.audit(p_actor, 'petition.' || p_kind, p_petition::text,
		jsonb_build_object(
			'from', jsonb_build_object(p_kind || '_at', null),
			'to', jsonb_build_object(p_kind || '_at', v_at),
			'update_id', v_update,
			'update', p_update),
		p_ip);
	return v_update;
end;
$$;

-- What staff see of a petition's signatures: by day (in p_zone) for the last 30
-- days or since it was published (or first signed, if earlier: signatures never
-- fall off the chart inside those 30 days), by source, and the signers who
-- brought the most others. p_names: whether the referrers' first names are given
-- (campaigners and up); viewers get counts only.
create or replace function public.petition_stats(p_petition uuid, p_zone text, p_names boolean)
returns jsonb
language sql
stable
set search_path = ''
as $$
	with today as (
		select (now() at time zone p_zone)::date as day
	), petition as (
		select p.id, greatest(today.day - 29, least(
			coalesce((p.published_at at time zone p_zone)::date, today.day - 29),
			coalesce((select (min(s.signed_at) at time zone p_zone)::date
				from public.petition_signatures s where s.petition_id = p.id), today.day))) as first_day
		from public.petitions p, today where p.id = p_petition
	), days as (
		select d::date as day
		from petition, generate_series(petition.first_day, (now() at time zone p_zone)::date, interval '1 day') d
	), daily as (
		select (s.signed_at at time zone p_zone)::date as day, count(*)::int as signatures
		from public.petition_signatures s, petition
		where s.petition_id = petition.id and s.signed_at >= (petition.first_day::timestamp at time zone p_zone)
		group by 1
	), sources as (
		select s.source, count(*)::int as signatures
		from public.petition_signatures s where s.petition_id = p_petition
		group by s.source
	), referrers as (
		select s.referred_by, count(*)::int as signatures
		from public.petition_signatures s
		where s.petition_id = p_petition and s.referred_by is not null
		group by s.referred_by
		order by count(*) desc, s.referred_by
		limit 10
	)
	select jsonb_build_object(
		'by_day', coalesce((select jsonb_agg(jsonb_build_object('day', days.day,
			'signatures', coalesce(daily.signatures, 0)) order by days.day)
			from days left join daily on daily.day = days.day), '[]'),
		'sources', coalesce((select jsonb_agg(jsonb_build_object('source', sources.source,
			'signatures', sources.signatures) order by sources.signatures desc, sources.source nulls first)
			from sources), '[]'),
		'referred', (select count(*)::int from public.petition_signatures s
			where s.petition_id = p_petition and s.referred_by is not null),
		'referrers', coalesce((select jsonb_agg(jsonb_build_object(
				'signature_id', r.referred_by,
				'first_name', case when p_names and sup.erased_at is null then sup.first_name end,
				'signatures', r.signatures) order by r.signatures desc, r.referred_by)
			from referrers r
			join public.petition_signatures rs on rs.id = r.referred_by
			join public.supporters sup on sup.id = rs.supporter_id), '[]')
	)
	from petition;
$$;

-- The signer list as it is delivered to the target, oldest first, a page at a
-- time after (p_after_at, p_after_id). First and last name only for signers who
-- agreed to show their name (and were not erased); the postal code cut to its
-- first three characters (the forward sortation area); no email, ever.
create or replace function public.petition_delivery_rows(
	p_petition uuid, p_after_at timestamptz, p_after_id bigint, p_limit int, p_zone text
) returns table (
	id bigint, signed_at timestamptz, signed_local text, first_name text, last_name text,
	province text, postal_fsa text, comment text
)
language sql
stable
set search_path = ''
as $$
	select s.id, s.signed_at,
		to_char(s.signed_at at time zone p_zone, 'YYYY-MM-DD HH24:MI'),
		case when s.show_name and sup.erased_at is null then sup.first_name end,
		case when s.show_name and sup.erased_at is null then sup.last_name end,
		sup.province,
		nullif(upper(left(replace(coalesce(s.postal_code, ''), ' ', ''), 3)), ''),
		s.comment
	from public.petition_signatures s
	join public.supporters sup on sup.id = s.supporter_id
	where s.petition_id = p_petition
		and (p_after_at is null or (s.signed_at, s.id) > (p_after_at, p_after_id))
	order by s.signed_at, s.id
	limit p_limit;
$$;

-- Each delivery package (the PDF for the target) staff made: when, by whom, in
-- which language, how many signatures, and the SHA-256 of the signer list (the
-- CSV's bytes) printed on it, so the target can check the list they were given.
create table public.petition_delivery_packages (
	id bigint generated always as identity primary key,
	petition_id uuid not null references public.petitions (id),
	language text not null check (language in ('en', 'fr')),
	signatures int not null check (signatures >= 0),
	sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
	created_by uuid references public.staff (id),
	created_at timestamptz not null default now()
);
create index petition_delivery_packages_petition on public.petition_delivery_packages (petition_id, created_at desc);
alter table public.petition_delivery_packages enable row level security;

create or replace function public.petition_package_record(
	p_actor uuid, p_petition uuid, p_language text, p_signatures int, p_sha256 text, p_ip text
) returns bigint
language plpgsql
set search_path = ''
as $$
declare
	v_id bigint;
begin
	insert into public.petition_delivery_packages (petition_id, language, signatures, sha256, created_by)
	values (p_petition, p_language, p_signatures, p_sha256, p_actor)
	returning id into v_id;
	perform public.audit(p_actor, 'petition.package_made', p_petition::text,
		jsonb_build_object('package_id', v_id, 'language', p_language, 'signatures', p_signatures,
			'sha256', p_sha256), p_ip);
	return v_id;
end;
$$;
