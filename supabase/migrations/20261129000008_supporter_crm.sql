-- The supporter CRM: what supporters did (signed, gave), their email consent as
-- CASL sees it, tags, and segments (a saved filter, stored as data, evaluated here
-- in SQL so a segment means the same thing on a page, in an export and in an email).

-- History may be rewritten in two cases only: merging two records of one person,
-- and erasing a person at their request. Those functions set this flag for their
-- own transaction (set_config(..., true)); nothing else can change a ledger row.
create or replace function public.forbid_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if current_setting('champions.rewriting_history', true) = 'on' then
		if tg_op = 'DELETE' then
			return old;
		end if;
		return new;
	end if;
	raise exception '% is append-only: rows cannot be %d', tg_table_name, lower(tg_op)
		using errcode = 'P0001';
end;
$$;

-- Petitions and gifts, as the CRM needs them (who signed what, who gave what).
-- The campaigns and donations issues add their own columns to these tables.
create table public.petitions (
	id uuid primary key default gen_random_uuid(),
	slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	title text not null check (length(title) between 1 and 200),
	status text not null default 'draft' check (status in ('draft', 'published', 'closed')),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create trigger petitions_touch before update on public.petitions
	for each row execute function public.touch_updated_at();
alter table public.petitions enable row level security;

create table public.petition_signatures (
	id bigint generated always as identity primary key,
	petition_id uuid not null references public.petitions (id),
	supporter_id uuid not null references public.supporters (id),
	signed_at timestamptz not null default now(),
	unique (petition_id, supporter_id)
);
create index petition_signatures_supporter on public.petition_signatures (supporter_id);
alter table public.petition_signatures enable row level security;

create table public.gifts (
	id uuid primary key default gen_random_uuid(),
	supporter_id uuid references public.supporters (id),
	amount_cents bigint not null check (amount_cents > 0),
	currency text not null default 'cad' check (currency ~ '^[a-z]{3}$'),
	frequency text not null check (frequency in ('one_time', 'monthly')),
	status text not null check (status in ('pending', 'succeeded', 'failed', 'refunded')),
	-- Gifts made through the local test checkout: never in totals.
	test boolean not null default false,
	received_at timestamptz not null default now(),
	created_at timestamptz not null default now()
);
create index gifts_supporter on public.gifts (supporter_id, received_at desc);
alter table public.gifts enable row level security;

-- What a list of 100,000 supporters filters on, kept on the supporter row so a
-- filter is an indexed comparison, not a scan of every ledger.
alter table public.supporters
	-- Their email consent from the ledger: granted (see expires) or withdrawn; null if never asked.
	add column email_consent text check (email_consent in ('granted', 'withdrawn')),
	-- When a granted implied consent lapses (CASL); null for express consent.
	add column email_consent_expires_at timestamptz,
	add column last_activity_at timestamptz not null default now(),
	-- Set when the person's data was erased at their request: the row stays, anonymous,
	-- so their gifts and signatures still count.
	add column erased_at timestamptz;

create index supporters_email_consent on public.supporters (email_consent, email_consent_expires_at);
create index supporters_last_activity on public.supporters (last_activity_at);
create index supporters_language on public.supporters (language);
create index supporters_province on public.supporters (province);

-- When consent was given can be earlier than when it was recorded (an import of
-- an older list): given_at is the moment it counts from. Ordering by it, an old
-- consent imported today never overrides a later unsubscribe.
alter table public.consents add column given_at timestamptz;

-- Implied consent always lapses (CASL): a grant of that kind must say when.
alter table public.consents add constraint consents_implied_expires
	check (kind = 'express' or status = 'withdrawn' or expires_at is not null);

-- Supporters' email consent, from the ledger: any express grant since their last
-- withdrawal keeps them subscribed until withdrawn; otherwise the latest-expiring
-- implied grant since then decides, and it lapses by itself. Set-based, so an
-- import of thousands of consents refreshes them in one statement.
create or replace function public.supporters_refresh_email_consent(p_ids uuid[]) returns void
language sql
set search_path = ''
as $$
	with ledger as (
		select c.supporter_id, c.status, c.kind, c.expires_at, coalesce(c.given_at, c.recorded_at) as at, c.id
		from public.consents c
		where c.supporter_id = any (p_ids) and c.channel = 'email'
	),
	marks as (
		select l.supporter_id,
			max(array[extract(epoch from l.at), l.id]) filter (where l.status = 'withdrawn') as withdrawn_mark,
			max(l.at) filter (where l.at <= now()) as last_at
		from ledger l
		group by l.supporter_id
	),
	live as (
		select l.supporter_id, bool_or(l.kind = 'express') as express, max(l.expires_at) as expires_at
		from ledger l join marks m on m.supporter_id = l.supporter_id
		where l.status = 'granted'
			and (m.withdrawn_mark is null or array[extract(epoch from l.at), l.id] > m.withdrawn_mark)
		group by l.supporter_id
	)
	update public.supporters s set
		email_consent = case
			when live.supporter_id is not null then 'granted'
			when m.withdrawn_mark is not null then 'withdrawn'
		end,
		email_consent_expires_at = case when live.express then null else live.expires_at end,
		last_activity_at = greatest(s.last_activity_at, m.last_at)
	from marks m left join live on live.supporter_id = m.supporter_id
	where s.id = m.supporter_id;
$$;

create or replace function public.consents_refresh_supporters() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	perform public.supporters_refresh_email_consent(array(select distinct supporter_id from inserted));
	return null;
end;
$$;
create trigger consents_refresh_supporters after insert on public.consents
	referencing new table as inserted
	for each statement execute function public.consents_refresh_supporters();

-- Supporters who already have consents get their columns now.
update public.supporters set last_activity_at = created_at;
select public.supporters_refresh_email_consent(array(select distinct supporter_id from public.consents));

-- The email functions read consent through this view; it now follows the rule above.
create or replace view public.supporter_email_consent with (security_invoker = true) as
select s.id as supporter_id, s.email_consent as status,
	case when s.email_consent_expires_at is null then 'express' else 'implied' end as kind,
	s.email_consent_expires_at as expires_at, s.updated_at as recorded_at
from public.supporters s
where s.email_consent is not null;

-- Last activity: signing, giving, opening or clicking an email.
create or replace function public.supporter_touch_activity() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if tg_table_name = 'petition_signatures' then
		update public.supporters set last_activity_at = greatest(last_activity_at, new.signed_at)
		where id = new.supporter_id;
	elsif tg_table_name = 'gifts' then
		if new.status = 'succeeded' then
			update public.supporters set last_activity_at = greatest(last_activity_at, new.received_at)
			where id = new.supporter_id;
		end if;
	elsif tg_table_name = 'email_events' then
		if new.type in ('email.opened', 'email.clicked') then
			update public.supporters s
			set last_activity_at = greatest(s.last_activity_at, coalesce(new.occurred_at, new.received_at))
			from public.email_outbox o
			where o.id = new.outbox_id and s.id = o.supporter_id;
		end if;
	end if;
	return null;
end;
$$;
create trigger petition_signatures_activity after insert on public.petition_signatures
	for each row execute function public.supporter_touch_activity();
create trigger gifts_activity after insert or update of status on public.gifts
	for each row execute function public.supporter_touch_activity();
create trigger email_events_activity after insert on public.email_events
	for each row execute function public.supporter_touch_activity();

-- Tags: labels staff put on supporters ("volunteer", "board-prospect").
create table public.tags (
	id bigint generated always as identity primary key,
	name text not null check (length(trim(name)) between 1 and 60 and name = trim(name)),
	created_at timestamptz not null default now()
);
create unique index tags_name_key on public.tags (lower(name));
alter table public.tags enable row level security;

create table public.supporter_tags (
	supporter_id uuid not null references public.supporters (id),
	tag_id bigint not null references public.tags (id),
	tagged_at timestamptz not null default now(),
	primary key (supporter_id, tag_id)
);
create index supporter_tags_tag on public.supporter_tags (tag_id, supporter_id);
alter table public.supporter_tags enable row level security;

-- Segments: a named filter. The filter is data (see supporter_filter_where), so a
-- segment always means "who matches now", not a frozen list.
create table public.segments (
	id uuid primary key default gen_random_uuid(),
	name text not null check (length(trim(name)) between 1 and 100),
	filter jsonb not null check (jsonb_typeof(filter) = 'object'),
	created_by uuid references public.staff (id),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create unique index segments_name_key on public.segments (lower(name));
create trigger segments_touch before update on public.segments
	for each row execute function public.touch_updated_at();
alter table public.segments enable row level security;

-- A filter as a SQL condition on supporters `s`. Every value goes in through
-- format's %L (quoted as a literal), and an unknown key is refused, so a filter
-- can never be SQL. Keys (all optional, all must hold):
--   q            email, first, last or full name starts with it (any case)
--   tags         has any of these tag names
--   consent      subscribed | expiring (implied, lapses within 60 days) | expired | withdrawn | none
--   language     en | fr
--   provinces    lives in any of these
--   given        yes | no (a succeeded, non-test gift)
--   monthly      true: has a succeeded, non-test monthly gift
--   petition     signed this petition (id)
--   active_after, active_before   last activity on or after / before this date
create or replace function public.supporter_filter_where(p_filter jsonb) returns text
language plpgsql
stable
set search_path = ''
as $$
declare
	v_filter jsonb := coalesce(p_filter, '{}');
	v_parts text[] := array['s.erased_at is null'];
	v_key text;
	v_prefix text;
begin
	for v_key in select jsonb_object_keys(v_filter) loop
		if v_key not in ('q', 'tags', 'consent', 'language', 'provinces', 'given', 'monthly', 'petition',
			'active_after', 'active_before') then
			raise exception 'unknown_filter: %', v_key using errcode = '22023';
		end if;
	end loop;

	if trim(coalesce(v_filter ->> 'q', '')) <> '' then
		-- The query as a LIKE prefix, its own % and _ taken literally. Each field has
		-- its own prefix index; OR lets Postgres combine them (a BitmapOr).
		v_prefix := replace(replace(replace(lower(trim(v_filter ->> 'q')), '\', '\\'), '%', '\%'), '_', '\_') || '%';
		v_parts := v_parts || format(
			'(lower(s.email) like %1$L or lower(s.first_name) like %1$L or lower(s.last_name) like %1$L'
			' or lower(s.first_name || '' '' || s.last_name) like %1$L)',
			v_prefix);
	end if;

	if jsonb_typeof(v_filter -> 'tags') = 'array' and jsonb_array_length(v_filter -> 'tags') > 0 then
		v_parts := v_parts || format(
			'exists (select 1 from public.supporter_tags st join public.tags t on t.id = st.tag_id'
			' where st.supporter_id = s.id and lower(t.name) = any (%L::text[]))',
			array(select lower(jsonb_array_elements_text(v_filter -> 'tags'))));
	end if;

	case v_filter ->> 'consent'
		when 'subscribed' then
			v_parts := v_parts || 's.email_consent = ''granted'' and (s.email_consent_expires_at is null or s.email_consent_expires_at > now())'::text;
		when 'expiring' then
			v_parts := v_parts || 's.email_consent = ''granted'' and s.email_consent_expires_at > now() and s.email_consent_expires_at <= now() + interval ''60 days'''::text;
		when 'expired' then
			v_parts := v_parts || 's.email_consent = ''granted'' and s.email_consent_expires_at <= now()'::text;
		when 'withdrawn' then
			v_parts := v_parts || 's.email_consent = ''withdrawn'''::text;
		when 'none' then
			v_parts := v_parts || 's.email_consent is null'::text;
		else
			if v_filter ? 'consent' then
				raise exception 'bad_filter: consent' using errcode = '22023';
			end if;
	end case;

	if v_filter ? 'language' then
		v_parts := v_parts || format('s.language = %L', v_filter ->> 'language');
	end if;

	if jsonb_typeof(v_filter -> 'provinces') = 'array' and jsonb_array_length(v_filter -> 'provinces') > 0 then
		v_parts := v_parts || format('s.province = any (%L::text[])',
			array(select jsonb_array_elements_text(v_filter -> 'provinces')));
	end if;

	if v_filter ->> 'given' in ('yes', 'no') then
		v_parts := v_parts || format('%s exists (select 1 from public.gifts g where g.supporter_id = s.id'
			' and g.status = ''succeeded'' and not g.test)',
			case when v_filter ->> 'given' = 'no' then 'not' else '' end);
	end if;

	if (v_filter -> 'monthly') = 'true'::jsonb then
		v_parts := v_parts || 'exists (select 1 from public.gifts g where g.supporter_id = s.id and g.frequency = ''monthly'' and g.status = ''succeeded'' and not g.test)'::text;
	end if;

	if v_filter ? 'petition' then
		v_parts := v_parts || format(
			'exists (select 1 from public.petition_signatures ps where ps.supporter_id = s.id and ps.petition_id = %L::uuid)',
			v_filter ->> 'petition');
	end if;

	if v_filter ? 'active_after' then
		v_parts := v_parts || format('s.last_activity_at >= %L::date', v_filter ->> 'active_after');
	end if;
	if v_filter ? 'active_before' then
		v_parts := v_parts || format('s.last_activity_at < %L::date', v_filter ->> 'active_before');
	end if;

	return array_to_string(v_parts, ' and ');
end;
$$;

-- The supporters a filter matches, newest first, p_limit at a time after the
-- keyset (p_before_created_at, p_before_id), with their consent and tags.
create or replace function public.supporter_find(
	p_filter jsonb, p_limit int, p_before_created_at timestamptz default null, p_before_id uuid default null
) returns table (
	id uuid, email text, first_name text, last_name text, language text, postal_code text,
	province text, created_at timestamptz, last_activity_at timestamptz, email_consent text,
	email_consent_expires_at timestamptz, tags text[]
)
language plpgsql
stable
set search_path = ''
as $$
begin
	return query execute format(
		'select s.id, s.email, s.first_name, s.last_name, s.language, s.postal_code, s.province, s.created_at,'
		' s.last_activity_at, s.email_consent, s.email_consent_expires_at,'
		' array(select t.name from public.supporter_tags st join public.tags t on t.id = st.tag_id'
		'  where st.supporter_id = s.id order by lower(t.name))'
		' from public.supporters s where %s and ($1::timestamptz is null or (s.created_at, s.id) < ($1, $2))'
		' order by s.created_at desc, s.id desc limit $3',
		public.supporter_filter_where(p_filter))
	using p_before_created_at, p_before_id, p_limit;
end;
$$;

-- How many supporters a filter matches.
create or replace function public.supporter_count(p_filter jsonb) returns bigint
language plpgsql
stable
set search_path = ''
as $$
declare
	v_count bigint;
begin
	execute format('select count(*) from public.supporters s where %s', public.supporter_filter_where(p_filter))
	into v_count;
	return v_count;
end;
$$;

drop function public.supporter_search(text, int, timestamptz, uuid);

-- Adds or removes a tag on the chosen supporters (p_ids), or on everyone a filter
-- matches (p_filter), in one statement; audited once with the count.
create or replace function public.supporter_tags_change(
	p_actor uuid, p_tag text, p_add boolean, p_ids uuid[], p_filter jsonb, p_ip text
) returns int
language plpgsql
set search_path = ''
as $$
declare
	v_tag_id bigint;
	v_count int;
	v_targets text;
begin
	if (p_ids is null) = (p_filter is null) then
		raise exception 'give ids or a filter' using errcode = '22023';
	end if;
	v_targets := case when p_ids is not null
		then format('select s.id from public.supporters s where s.id = any (%L::uuid[]) and s.erased_at is null', p_ids)
		else format('select s.id from public.supporters s where %s', public.supporter_filter_where(p_filter))
	end;
	if p_add then
		insert into public.tags (name) values (trim(p_tag)) on conflict ((lower(name))) do nothing;
		select id into v_tag_id from public.tags where lower(name) = lower(trim(p_tag));
		execute format('with added as (insert into public.supporter_tags (supporter_id, tag_id)'
			' select t.id, %s from (%s) t on conflict do nothing returning 1) select count(*) from added',
			v_tag_id, v_targets) into v_count;
	else
		select id into v_tag_id from public.tags where lower(name) = lower(trim(p_tag));
		if v_tag_id is null then
			return 0;
		end if;
		execute format('with removed as (delete from public.supporter_tags where tag_id = %s'
			' and supporter_id in (%s) returning 1) select count(*) from removed', v_tag_id, v_targets)
			into v_count;
	end if;
	perform public.audit(p_actor, case when p_add then 'supporters.tagged' else 'supporters.untagged' end,
		trim(p_tag), jsonb_build_object('count', v_count, 'filter', p_filter, 'ids', to_jsonb(p_ids)), p_ip);
	return v_count;
end;
$$;
