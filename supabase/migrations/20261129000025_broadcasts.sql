-- Broadcasts: an email campaign staff write, test, schedule and send to an audience
-- (results updates, campaign news). Each recipient is one outbox row tagged with the
-- broadcast and the variant they got; the worker from Email delivery sends them.
-- See src/lib/server/broadcasts/README.md.

create table public.broadcasts (
	id uuid primary key default gen_random_uuid(),
	-- The staff's name for it (lists); supporters never see it.
	name text not null check (length(trim(name)) between 1 and 200),
	topic text not null references public.email_topics (key),
	-- What it was started from: {"kind": "blank" | "template" | "results" | "petition" | "campaign", "id"?}.
	origin jsonb not null default '{"kind": "blank"}' check (origin ? 'kind'),
	-- What staff wrote, per variant and language:
	-- {"a": {"en": {subject, preheader, body (Markdown), cta: {label, url, kind} | null}, "fr": {...}}, "b": {...}}
	content jsonb not null default '{}' check (jsonb_typeof(content) = 'object'),
	-- Who gets it: {"segments": [segment ids], "filter": supporter filter | absent}; the union
	-- of all of them, each person once. No segment and no filter: every subscriber.
	audience jsonb not null default '{"segments": []}' check (jsonb_typeof(audience) = 'object'),
	-- The audience as it was when scheduled: the segments' filters copied, so deleting
	-- or editing a segment later changes neither who gets it nor whether it can start.
	audience_frozen jsonb,
	track_opens boolean not null default true,
	-- A/B test, or null: {"test": "subject" | "body", "sample_percent": 1-50,
	-- "metric": "opens" | "clicks", "decide_after_minutes": 15-10080}
	ab jsonb check (ab is null or (
		ab ->> 'test' in ('subject', 'body') and ab ->> 'metric' in ('opens', 'clicks')
		and (ab ->> 'sample_percent')::int between 1 and 50
		and (ab ->> 'decide_after_minutes')::int between 15 and 10080)),
	ab_winner text check (ab_winner in ('a', 'b')),
	ab_decided_at timestamptz,
	-- draft → scheduled → (testing →) sending → sent; scheduled → draft (unscheduled);
	-- testing/sending ⇄ paused; testing/sending/paused → cancelled (the rest is not sent).
	status text not null default 'draft'
		check (status in ('draft', 'scheduled', 'testing', 'sending', 'paused', 'sent', 'cancelled')),
	paused_from text check (paused_from in ('testing', 'sending')),
	scheduled_at timestamptz,
	-- Frozen when scheduled, so that every recipient gets the same email: per variant and
	-- language {subject, preheader, html (sanitised)}, and the links tracked clicks lead to.
	rendered jsonb,
	links jsonb not null default '[]' check (jsonb_typeof(links) = 'array'),
	started_at timestamptz,
	finished_at timestamptz,
	queued_count int not null default 0,
	created_by uuid references public.staff (id),
	updated_by uuid references public.staff (id),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);

create index broadcasts_due on public.broadcasts (scheduled_at) where status = 'scheduled';
create index broadcasts_active on public.broadcasts (status) where status in ('testing', 'sending');
create index broadcasts_created on public.broadcasts (created_at desc);

create trigger broadcasts_touch before update on public.broadcasts
	for each row execute function public.touch_updated_at();

-- What was written cannot change once it is scheduled: the recipients queued later
-- must get what was previewed and tested. Unschedule (back to draft) to edit.
create or replace function public.broadcasts_guard() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if old.status <> 'draft' and (
		new.content is distinct from old.content or new.audience is distinct from old.audience
		or new.topic is distinct from old.topic or new.ab is distinct from old.ab
		or new.track_opens is distinct from old.track_opens
		or (new.rendered is distinct from old.rendered and new.status <> 'draft')
	) then
		raise exception 'broadcast_not_draft' using errcode = '55000';
	end if;
	return new;
end;
$$;
create trigger broadcasts_guard before update on public.broadcasts
	for each row execute function public.broadcasts_guard();

alter table public.broadcasts enable row level security;

-- The outbox learns which broadcast (and variant) a row belongs to, and two states:
-- held (its broadcast is paused) and cancelled (its broadcast was stopped).
alter table public.email_outbox
	add column broadcast_id uuid references public.broadcasts (id),
	add column variant text check (variant in ('a', 'b'));
alter table public.email_outbox drop constraint email_outbox_status_check;
alter table public.email_outbox add constraint email_outbox_status_check
	check (status in ('pending', 'batched', 'sent', 'failed', 'suppressed', 'held', 'cancelled'));
create index email_outbox_broadcast on public.email_outbox (broadcast_id, status)
	where broadcast_id is not null;

-- Closing the loop with a campaign: who signed one of its petitions or gave to it.
-- supporter_filter_where as in migration 0008, with one more key:
--   campaign     signed a petition of this campaign, or gave to it (id)
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
			'campaign', 'active_after', 'active_before') then
			raise exception 'unknown_filter: %', v_key using errcode = '22023';
		end if;
	end loop;

	if trim(coalesce(v_filter ->> 'q', '')) <> '' then
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

	if v_filter ? 'campaign' then
		v_parts := v_parts || format(
			'(exists (select 1 from public.petition_signatures ps join public.petitions p on p.id = ps.petition_id'
			' where ps.supporter_id = s.id and p.campaign_id = %1$L::uuid)'
			' or exists (select 1 from public.gifts g where g.supporter_id = s.id and g.campaign_id = %1$L::uuid'
			' and g.status = ''succeeded'' and not g.test))',
			v_filter ->> 'campaign');
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

-- Who a broadcast may reach, as a SQL condition on supporters `s`: anyone matching one
-- of the audience's segments or its filter, who has email consent now, whose address
-- is not suppressed, and who has not opted out of the broadcast's topic. Every value
-- goes through supporter_filter_where or %L, so an audience can never be SQL.
create or replace function public.broadcast_audience_where(p_audience jsonb, p_topic text) returns text
language plpgsql
stable
set search_path = ''
as $$
declare
	v_parts text[] := '{}';
	v_filter jsonb;
begin
	if p_audience ? 'filters' then
		-- Frozen when scheduled (broadcast_schedule): the segments' filters themselves.
		for v_filter in select jsonb_array_elements(p_audience -> 'filters') loop
			v_parts := v_parts || ('(' || public.supporter_filter_where(v_filter) || ')');
		end loop;
	else
		-- A segment deleted since it was chosen counts for no one.
		for v_filter in
			select g.filter from public.segments g
			where g.id in (select jsonb_array_elements_text(coalesce(p_audience -> 'segments', '[]'))::uuid)
		loop
			v_parts := v_parts || ('(' || public.supporter_filter_where(v_filter) || ')');
		end loop;
	end if;
	if jsonb_typeof(p_audience -> 'filter') = 'object' then
		v_parts := v_parts || ('(' || public.supporter_filter_where(p_audience -> 'filter') || ')');
	end if;
	if cardinality(v_parts) = 0 then
		-- No segment and no filter chosen: every subscriber. Segments chosen but all
		-- gone: no one.
		v_parts := array[case
			when coalesce((p_audience ->> 'all')::boolean,
				jsonb_array_length(coalesce(p_audience -> 'segments', '[]')) = 0)
			then 's.erased_at is null' else 'false' end];
	end if;
	return format(
		'(%s) and s.email_consent = ''granted'''
		' and (s.email_consent_expires_at is null or s.email_consent_expires_at > now())'
		' and not exists (select 1 from public.email_suppressions x where x.email_lower = lower(s.email))'
		' and not exists (select 1 from public.supporter_topic_optouts t where t.supporter_id = s.id and t.topic = %L)',
		array_to_string(v_parts, ' or '), p_topic);
end;
$$;

-- How many the audience reaches now, and how many it matches before consent,
-- suppressions and topic opt-outs are taken out (so staff see why it is fewer).
create or replace function public.broadcast_audience_count(p_audience jsonb, p_topic text) returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
	v_result jsonb;
	v_parts text[] := '{}';
	v_filter jsonb;
	v_matching bigint;
begin
	execute format(
		'select jsonb_build_object(''eligible'', count(*), ''en'', count(*) filter (where s.language = ''en''),'
		' ''fr'', count(*) filter (where s.language = ''fr'')) from public.supporters s where %s',
		public.broadcast_audience_where(p_audience, p_topic))
	into v_result;
	for v_filter in
		select g.filter from public.segments g
		where g.id in (select jsonb_array_elements_text(coalesce(p_audience -> 'segments', '[]'))::uuid)
	loop
		v_parts := v_parts || ('(' || public.supporter_filter_where(v_filter) || ')');
	end loop;
	if jsonb_typeof(p_audience -> 'filter') = 'object' then
		v_parts := v_parts || ('(' || public.supporter_filter_where(p_audience -> 'filter') || ')');
	end if;
	execute format('select count(*) from public.supporters s where %s',
		case when cardinality(v_parts) > 0 then array_to_string(v_parts, ' or ')
			when jsonb_array_length(coalesce(p_audience -> 'segments', '[]')) = 0 then 's.erased_at is null'
			else 'false' end)
	into v_matching;
	return v_result || jsonb_build_object('matching', v_matching);
end;
$$;

-- Queues a broadcast for its audience in one statement. p_part: 'all' (everyone, as
-- p_variant), 'sample' (p_percent of them, split evenly between a and b) or 'rest'
-- (everyone not queued yet, as p_variant). Each row's key is broadcast:<id>:<supporter>,
-- so a supporter is queued once whatever segments they are in and however often this
-- runs. Returns how many rows were new.
create or replace function public.broadcast_enqueue(
	p_broadcast uuid, p_part text, p_variant text, p_percent int default 100
) returns int
language plpgsql
set search_path = ''
as $$
declare
	v_broadcast public.broadcasts;
	v_count int;
begin
	select * into v_broadcast from public.broadcasts where id = p_broadcast;
	execute format(
		'insert into public.email_outbox (idempotency_key, template, data, language, supporter_id, to_email,'
		'  kind, broadcast_id, variant)'
		' select ''broadcast:'' || $1 || '':'' || s.id, ''broadcast'','
		'  jsonb_build_object(''broadcast'', $1, ''variant'', v.variant), s.language, s.id, s.email,'
		'  ''broadcast'', $1, v.variant'
		' from public.supporters s'
		' cross join lateral (select case when $2 = ''sample'''
		'  then case when hashtext(s.id::text || ''ab'' || $1::text) & 1 = 0 then ''a'' else ''b'' end'
		'  else $3 end as variant) v'
		' where %s and ($2 <> ''sample'' or abs(hashtext($1::text || s.id::text) %% 100) < $4)'
		' on conflict (idempotency_key) do nothing',
		public.broadcast_audience_where(
			coalesce(v_broadcast.audience_frozen, v_broadcast.audience), v_broadcast.topic))
	using p_broadcast, p_part, p_variant, p_percent;
	get diagnostics v_count = row_count;
	update public.broadcasts set queued_count = queued_count + v_count where id = p_broadcast;
	return v_count;
end;
$$;

-- Schedules a draft: what it says is frozen (p_rendered: per variant and language
-- {subject, preheader, html}; p_links: the links its tracked clicks lead to).
-- p_local is the wall-clock time in p_zone (the charity's time zone); null = now.
create or replace function public.broadcast_schedule(
	p_actor uuid, p_id uuid, p_local timestamp, p_zone text, p_rendered jsonb, p_links jsonb, p_ip text
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_at timestamptz := coalesce(p_local at time zone p_zone, now());
	v_broadcast public.broadcasts;
begin
	select * into v_broadcast from public.broadcasts where id = p_id and status = 'draft' for update;
	if not found then
		return jsonb_build_object('ok', false, 'reason', 'not-draft');
	end if;
	if exists (select 1 from jsonb_array_elements_text(coalesce(v_broadcast.audience -> 'segments', '[]')) x(id)
		where not exists (select 1 from public.segments g where g.id = x.id::uuid)) then
		return jsonb_build_object('ok', false, 'reason', 'segment-missing');
	end if;
	update public.broadcasts set status = 'scheduled', scheduled_at = v_at, rendered = p_rendered,
		links = p_links, updated_by = p_actor,
		audience_frozen = jsonb_strip_nulls(jsonb_build_object(
			'filters', coalesce((select jsonb_agg(g.filter order by g.id) from public.segments g
				where g.id in (select jsonb_array_elements_text(
					coalesce(v_broadcast.audience -> 'segments', '[]'))::uuid)), '[]'),
			'filter', v_broadcast.audience -> 'filter',
			'all', jsonb_array_length(coalesce(v_broadcast.audience -> 'segments', '[]')) = 0))
	where id = p_id;
	perform public.audit(p_actor, 'broadcast.scheduled', p_id::text,
		jsonb_build_object('at', v_at), p_ip);
	return jsonb_build_object('ok', true, 'scheduled_at', v_at);
end;
$$;

-- A scheduled broadcast goes back to draft (to edit it, or not send it at all).
create or replace function public.broadcast_unschedule(p_actor uuid, p_id uuid, p_ip text) returns boolean
language plpgsql
set search_path = ''
as $$
begin
	update public.broadcasts set status = 'draft', scheduled_at = null, rendered = null,
		links = '[]', audience_frozen = null, updated_by = p_actor
	where id = p_id and status = 'scheduled';
	if not found then
		return false;
	end if;
	perform public.audit(p_actor, 'broadcast.unscheduled', p_id::text, '{}', p_ip);
	return true;
end;
$$;

-- Starts every scheduled broadcast that is due: queues its audience (or its A/B
-- sample) in the same transaction as its status changes. The row lock and SKIP
-- LOCKED let any number of workers and cron calls run this at once: each broadcast
-- is started by exactly one of them.
create or replace function public.broadcast_fire_due() returns int
language plpgsql
set search_path = ''
as $$
declare
	v_broadcast public.broadcasts;
	v_fired int := 0;
begin
	for v_broadcast in
		select * from public.broadcasts
		where status = 'scheduled' and scheduled_at <= now()
		order by scheduled_at
		for update skip locked
	loop
		-- One broadcast that cannot start (a filter that no longer parses) must not stop
		-- the others, or the tick every email waits on: it goes back to draft, and staff
		-- are told why.
		begin
			if v_broadcast.ab is not null then
				perform public.broadcast_enqueue(v_broadcast.id, 'sample', null,
					(v_broadcast.ab ->> 'sample_percent')::int);
				update public.broadcasts set status = 'testing', started_at = now() where id = v_broadcast.id;
			else
				perform public.broadcast_enqueue(v_broadcast.id, 'all', 'a');
				update public.broadcasts set status = 'sending', started_at = now() where id = v_broadcast.id;
			end if;
			v_fired := v_fired + 1;
		exception when others then
			update public.broadcasts set status = 'draft', scheduled_at = null, rendered = null,
				links = '[]', audience_frozen = null
			where id = v_broadcast.id;
			insert into public.email_alerts (kind, message)
			values ('broadcast', format('"%s" could not start and is a draft again: %s',
				v_broadcast.name, sqlerrm));
		end;
	end loop;
	return v_fired;
end;
$$;

-- Opens and clicks per variant, for the A/B decision and the stats page:
-- {"a": {"queued", "sent", "opened", "clicked"}, "b": {...}}. An email counts once
-- however many times it was opened or clicked.
create or replace function public.broadcast_variant_engagement(p_id uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select coalesce(jsonb_object_agg(v.variant, jsonb_build_object(
		'queued', v.queued, 'sent', v.sent, 'opened', v.opened, 'clicked', v.clicked)), '{}')
	from (
		select o.variant, count(*) as queued,
			count(*) filter (where o.status = 'sent') as sent,
			count(*) filter (where exists (select 1 from public.email_events e
				where e.outbox_id = o.id and e.type = 'email.opened')) as opened,
			count(*) filter (where exists (select 1 from public.email_events e
				where e.outbox_id = o.id and e.type = 'email.clicked')) as clicked
		from public.email_outbox o
		where o.broadcast_id = p_id
		group by o.variant
	) v;
$$;

-- Ends an A/B test: the winner (p_winner, or the variant with the higher open or click
-- rate, a on a tie) goes to everyone not in the sample. Returns the winner, or null
-- when the broadcast is not being tested (already decided, stopped).
create or replace function public.broadcast_ab_decide(p_id uuid, p_winner text default null)
returns text
language plpgsql
set search_path = ''
as $$
declare
	v_broadcast public.broadcasts;
	v_engagement jsonb;
	v_metric text;
	v_rate_a numeric;
	v_rate_b numeric;
	v_winner text := p_winner;
begin
	select * into v_broadcast from public.broadcasts where id = p_id for update;
	if not found or not (v_broadcast.status = 'testing'
		or (v_broadcast.status = 'paused' and v_broadcast.paused_from = 'testing')) then
		return null;
	end if;
	if v_winner is null then
		v_engagement := public.broadcast_variant_engagement(p_id);
		v_metric := case when v_broadcast.ab ->> 'metric' = 'clicks' then 'clicked' else 'opened' end;
		v_rate_a := coalesce((v_engagement #>> array['a', v_metric])::numeric
			/ nullif((v_engagement #>> '{a,sent}')::numeric, 0), 0);
		v_rate_b := coalesce((v_engagement #>> array['b', v_metric])::numeric
			/ nullif((v_engagement #>> '{b,sent}')::numeric, 0), 0);
		v_winner := case when v_rate_b > v_rate_a then 'b' else 'a' end;
	end if;
	update public.broadcasts set ab_winner = v_winner, ab_decided_at = now(),
		status = case when status = 'paused' then 'paused' else 'sending' end,
		paused_from = case when status = 'paused' then 'sending' else null end
	where id = p_id;
	perform public.broadcast_enqueue(p_id, 'rest', v_winner);
	if v_broadcast.status = 'paused' then
		update public.email_outbox set status = 'held' where broadcast_id = p_id and status = 'pending';
	end if;
	return v_winner;
end;
$$;

-- A/B tests whose time is up are decided, each by one caller (SKIP LOCKED).
create or replace function public.broadcast_ab_decide_due() returns int
language plpgsql
set search_path = ''
as $$
declare
	v_id uuid;
	v_decided int := 0;
begin
	for v_id in
		select id from public.broadcasts
		where status = 'testing'
			and started_at + make_interval(mins => (ab ->> 'decide_after_minutes')::int) <= now()
		for update skip locked
	loop
		perform public.broadcast_ab_decide(v_id);
		v_decided := v_decided + 1;
	end loop;
	return v_decided;
end;
$$;

-- Staff pick the A/B winner now (or let the rates decide, p_winner null).
create or replace function public.broadcast_ab_choose(p_actor uuid, p_id uuid, p_winner text, p_ip text)
returns text
language plpgsql
set search_path = ''
as $$
declare
	v_winner text;
begin
	v_winner := public.broadcast_ab_decide(p_id, p_winner);
	if v_winner is not null then
		perform public.audit(p_actor, 'broadcast.ab_chosen', p_id::text,
			jsonb_build_object('winner', v_winner, 'chosen_by_staff', p_winner is not null), p_ip);
	end if;
	return v_winner;
end;
$$;

-- Pausing holds the rows not yet in a batch (a batch already handed to a worker
-- still goes); resuming releases them.
create or replace function public.broadcast_pause(p_actor uuid, p_id uuid, p_ip text) returns boolean
language plpgsql
set search_path = ''
as $$
begin
	update public.broadcasts set paused_from = status, status = 'paused', updated_by = p_actor
	where id = p_id and status in ('testing', 'sending');
	if not found then
		return false;
	end if;
	update public.email_outbox set status = 'held' where broadcast_id = p_id and status = 'pending';
	perform public.audit(p_actor, 'broadcast.paused', p_id::text, '{}', p_ip);
	return true;
end;
$$;

create or replace function public.broadcast_resume(p_actor uuid, p_id uuid, p_ip text) returns boolean
language plpgsql
set search_path = ''
as $$
begin
	update public.broadcasts set status = paused_from, paused_from = null, updated_by = p_actor
	where id = p_id and status = 'paused';
	if not found then
		return false;
	end if;
	update public.email_outbox set status = 'pending' where broadcast_id = p_id and status = 'held';
	perform public.audit(p_actor, 'broadcast.resumed', p_id::text, '{}', p_ip);
	return true;
end;
$$;

-- Stops a broadcast for good: what is not yet in a batch is never sent.
create or replace function public.broadcast_stop(p_actor uuid, p_id uuid, p_ip text) returns boolean
language plpgsql
set search_path = ''
as $$
declare
	v_cancelled int;
begin
	update public.broadcasts set status = 'cancelled', paused_from = null, finished_at = now(),
		updated_by = p_actor
	where id = p_id and status in ('testing', 'sending', 'paused');
	if not found then
		return false;
	end if;
	update public.email_outbox set status = 'cancelled'
	where broadcast_id = p_id and status in ('pending', 'held');
	get diagnostics v_cancelled = row_count;
	perform public.audit(p_actor, 'broadcast.stopped', p_id::text,
		jsonb_build_object('not_sent', v_cancelled), p_ip);
	return true;
end;
$$;

-- Sending broadcasts with nothing left to send are sent.
create or replace function public.broadcast_finish_done() returns int
language sql
set search_path = ''
as $$
	with done as (
		update public.broadcasts b set status = 'sent', finished_at = now()
		where b.status = 'sending' and not exists (
			select 1 from public.email_outbox o
			where o.broadcast_id = b.id and o.status in ('pending', 'batched', 'held'))
		returning 1
	)
	select count(*)::int from done;
$$;

-- Where a send stands: its outbox rows by status.
create or replace function public.broadcast_progress(p_id uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select coalesce(jsonb_object_agg(status, n), '{}') from (
		select o.status, count(*) as n from public.email_outbox o
		where o.broadcast_id = p_id group by o.status
	) x;
$$;

-- The claim of Email delivery (migration 0003), now also leaving out broadcast rows
-- whose recipient opted out of its topic since it was queued. A broadcast row without
-- a supporter is a test sent to staff, which needs no consent.
create or replace function public.email_claim_batch(p_worker text, p_size int, p_lease_seconds int)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_batch public.email_batches;
	v_suppressed int := 0;
	v_ids bigint[];
begin
	if exists (select 1 from public.email_sender_state where paused_until > now()) then
		return jsonb_build_object('paused', true,
			'paused_until', (select paused_until from public.email_sender_state),
			'reason', (select pause_reason from public.email_sender_state));
	end if;

	select * into v_batch from public.email_batches b
	where (b.status = 'waiting' and b.next_attempt_at <= now())
		or (b.status = 'sending' and b.lease_until <= now())
	order by coalesce(b.next_attempt_at, b.lease_until)
	limit 1
	for update skip locked;

	if found then
		update public.email_batches
		set status = 'sending', worker = p_worker, attempts = attempts + 1,
			lease_until = now() + make_interval(secs => p_lease_seconds), next_attempt_at = null
		where id = v_batch.id
		returning * into v_batch;
	else
		with due as (
			select o.id, o.to_email, o.kind, o.supporter_id, o.broadcast_id from public.email_outbox o
			where o.status = 'pending' and o.not_before <= now()
			order by o.not_before, o.id
			limit p_size
			for update skip locked
		), reasons as (
			select due.id,
				case
					when exists (select 1 from public.email_suppressions x
						where x.email_lower = lower(due.to_email)) then 'suppressed address'
					when due.kind = 'broadcast' and due.supporter_id is not null and not exists (
						select 1 from public.supporter_email_consent c
						where c.supporter_id = due.supporter_id and c.status = 'granted'
							and (c.expires_at is null or c.expires_at > now())) then 'no consent'
					when due.broadcast_id is not null and due.supporter_id is not null and exists (
						select 1 from public.supporter_topic_optouts t
						join public.broadcasts b on b.topic = t.topic
						where b.id = due.broadcast_id and t.supporter_id = due.supporter_id) then 'opted out of topic'
				end as reason
			from due
		), blocked as (
			update public.email_outbox o set status = 'suppressed', last_error = reasons.reason
			from reasons
			where o.id = reasons.id and reasons.reason is not null
			returning o.id
		)
		select (select count(*) from blocked)::int,
			array(select id from due where id not in (select id from blocked) order by id)
		into v_suppressed, v_ids;

		if coalesce(array_length(v_ids, 1), 0) = 0 then
			return jsonb_build_object('suppressed', v_suppressed, 'batch', null,
				'outstanding', (select count(*) from public.email_outbox o
					where (o.status = 'pending' and o.not_before <= now()) or o.status = 'batched'));
		end if;

		insert into public.email_batches (idempotency_key, worker, lease_until, attempts, size)
		values (
			'batch-' || encode(sha256(convert_to(
				(select string_agg(o.idempotency_key, E'\n' order by o.id) from public.email_outbox o
				 where o.id = any(v_ids)), 'UTF8')), 'hex'),
			p_worker, now() + make_interval(secs => p_lease_seconds), 1, array_length(v_ids, 1))
		returning * into v_batch;

		update public.email_outbox set status = 'batched', batch_id = v_batch.id where id = any(v_ids);
	end if;

	return jsonb_build_object(
		'suppressed', v_suppressed,
		'batch', jsonb_build_object(
			'id', v_batch.id,
			'idempotency_key', v_batch.idempotency_key,
			'attempt', v_batch.attempts,
			'created_at', v_batch.created_at,
			'rows', (select jsonb_agg(jsonb_build_object(
					'id', o.id, 'template', o.template, 'data', o.data, 'language', o.language,
					'to_email', o.to_email, 'kind', o.kind, 'supporter_id', o.supporter_id,
					'first_name', s.first_name, 'email_token', s.email_token) order by o.id)
				from public.email_outbox o left join public.supporters s on s.id = o.supporter_id
				where o.batch_id = v_batch.id)
		)
	);
end;
$$;

-- What the scheduler does on each tick of a worker or cron call: start due
-- broadcasts, decide due A/B tests, mark finished sends. Safe to run anywhere, any
-- number of times at once.
create or replace function public.broadcasts_tick() returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_fired int;
	v_decided int;
	v_finished int;
begin
	v_fired := public.broadcast_fire_due();
	v_decided := public.broadcast_ab_decide_due();
	v_finished := public.broadcast_finish_done();
	return jsonb_build_object('fired', v_fired, 'decided', v_decided, 'finished', v_finished);
end;
$$;
