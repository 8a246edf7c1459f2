-- Email tracking: our own record of the clicks on a broadcast's links and of its
-- opens, and the numbers staff see after a send. Every link in a broadcast leads
-- through /email/r/<signed outbox id>/<link number>, which records the click here
-- before redirecting to one of the broadcast's own links (never anywhere else); the
-- open-tracking image (/email/o/<signed outbox id>.gif, only when the broadcast
-- tracks opens) records an open. Resend may report opens and clicks too (webhook
-- events): an email counts once whichever told us. See src/lib/server/broadcasts/tracking.ts.

-- Signs the tracked links (the outbox row they belong to): no one can make one
-- for a row, or record a click for someone else, without it.
insert into public.app_secrets (name) values ('email-links') on conflict (name) do nothing;

create table public.email_clicks (
	id bigint generated always as identity primary key,
	outbox_id bigint not null references public.email_outbox (id),
	broadcast_id uuid references public.broadcasts (id),
	link_index int not null check (link_index >= 0),
	-- Where it led (the broadcast's link then): the stats list clicks by address.
	url text not null,
	clicked_at timestamptz not null default now()
);
create index email_clicks_broadcast on public.email_clicks (broadcast_id, outbox_id, clicked_at);
create index email_clicks_outbox on public.email_clicks (outbox_id);
alter table public.email_clicks enable row level security;

create table public.email_opens (
	id bigint generated always as identity primary key,
	outbox_id bigint not null references public.email_outbox (id),
	broadcast_id uuid references public.broadcasts (id),
	opened_at timestamptz not null default now()
);
create index email_opens_broadcast on public.email_opens (broadcast_id, outbox_id, opened_at);
create index email_opens_outbox on public.email_opens (outbox_id, opened_at);
alter table public.email_opens enable row level security;

-- A click on link number p_link of the email in outbox row p_outbox: recorded, the
-- supporter's last activity moved (as an email.clicked event from Resend moves it),
-- and the address it leads to returned: the broadcast's own link, so a tracked
-- link can lead nowhere else. Null, and nothing recorded, when the row is not a
-- broadcast's or the link does not exist.
create or replace function public.email_click_record(p_outbox bigint, p_link int) returns text
language plpgsql
set search_path = ''
as $$
declare
	v_broadcast uuid;
	v_supporter uuid;
	v_url text;
begin
	if p_link is null or p_link < 0 then
		return null;
	end if;
	select o.broadcast_id, o.supporter_id,
		case when jsonb_typeof(b.links -> p_link) = 'string' then b.links ->> p_link end
	into v_broadcast, v_supporter, v_url
	from public.email_outbox o
	join public.broadcasts b on b.id = o.broadcast_id
	where o.id = p_outbox;
	if v_url is null then
		return null;
	end if;
	insert into public.email_clicks (outbox_id, broadcast_id, link_index, url)
	values (p_outbox, v_broadcast, p_link, v_url);
	if v_supporter is not null then
		update public.supporters set last_activity_at = greatest(last_activity_at, now())
		where id = v_supporter;
	end if;
	return v_url;
end;
$$;

-- The open-tracking image of outbox row p_outbox was loaded. A mail client that
-- loads it again and again (a reader scrolling back) adds one row a minute at
-- most: only the first open counts anyway. False when the row is not a broadcast's.
create or replace function public.email_open_record(p_outbox bigint) returns boolean
language plpgsql
set search_path = ''
as $$
declare
	v_broadcast uuid;
	v_supporter uuid;
begin
	select o.broadcast_id, o.supporter_id into v_broadcast, v_supporter
	from public.email_outbox o
	where o.id = p_outbox and o.broadcast_id is not null;
	if not found then
		return false;
	end if;
	if not exists (select 1 from public.email_opens x
		where x.outbox_id = p_outbox and x.opened_at > now() - interval '1 minute') then
		insert into public.email_opens (outbox_id, broadcast_id) values (p_outbox, v_broadcast);
		if v_supporter is not null then
			update public.supporters set last_activity_at = greatest(last_activity_at, now())
			where id = v_supporter;
		end if;
	end if;
	return true;
end;
$$;

-- Opens and clicks per variant, for the A/B decision (migration 0025), now from
-- either source: an email counts as opened (clicked) once if Resend reported it or
-- our own image (link) recorded it. Same shape as before:
-- {"a": {"queued", "sent", "opened", "clicked"}, "b": {...}}.
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
					where e.outbox_id = o.id and e.type = 'email.opened')
				or exists (select 1 from public.email_opens x where x.outbox_id = o.id)) as opened,
			count(*) filter (where exists (select 1 from public.email_events e
					where e.outbox_id = o.id and e.type = 'email.clicked')
				or exists (select 1 from public.email_clicks x where x.outbox_id = o.id)) as clicked
		from public.email_outbox o
		where o.broadcast_id = p_id
		group by o.variant
	) v;
$$;

-- What a broadcast did, for its stats page. Null when there is no such broadcast.
-- Each email (outbox row) counts once in each number, whatever number of events
-- it had:
--   queued       every recipient queued; sent: handed to Resend; failed: Resend
--                refused it or we gave up; suppressed: left out when its turn came
--                (address suppressed, consent or topic withdrawn meanwhile);
--                waiting: not sent yet (pending, in a batch, or held by a pause);
--                cancelled: not sent because the send was stopped
--   delivered    Resend reported email.delivered (the receiving server took it);
--                bounced, complained: email.bounced, email.complained
--   opened       Resend's email.opened or our open-tracking image (first open)
--   clicked      Resend's email.clicked or one of our tracked links (first click)
--   unsubscribed recipients who withdrew email consent (from an email link or the
--                preference centre) within 7 days after it was sent to them;
--                topic_optouts: who opted out of the broadcast's topic likewise
--   links        per link: clicks (every click) and unique_clickers (emails)
--   attributed   succeeded, non-test gifts received, and petitions signed, by a
--                recipient within 7 days after their first click
--   timeline     per hour for the first 48 hours after it started, then per day,
--                up to 7 days or now: emails first delivered, opened, clicked
--   variants     per A/B variant (null without a test)
create or replace function public.broadcast_stats(p_id uuid) returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
	v_broadcast public.broadcasts;
	v_start timestamptz;
	v_end timestamptz;
	v_hours numeric;
	v_buckets int := 0;
	v_result jsonb;
begin
	select * into v_broadcast from public.broadcasts where id = p_id;
	if not found then
		return null;
	end if;
	if v_broadcast.started_at is not null then
		v_start := date_trunc('hour', v_broadcast.started_at);
		v_end := least(v_start + interval '7 days', now());
		v_hours := greatest(extract(epoch from v_end - v_start) / 3600, 0);
		v_buckets := greatest(1, case when v_hours <= 48 then ceil(v_hours)::int
			else 48 + ceil((v_hours - 48) / 24)::int end);
	end if;

	with emails as materialized (
		select o.id, o.status, o.variant, o.supporter_id, o.sent_at
		from public.email_outbox o
		where o.broadcast_id = p_id
	), resend as (
		select e.outbox_id,
			min(coalesce(e.occurred_at, e.received_at)) filter (where e.type = 'email.delivered') as delivered_at,
			bool_or(e.type = 'email.bounced') as bounced,
			bool_or(e.type = 'email.complained') as complained,
			min(coalesce(e.occurred_at, e.received_at)) filter (where e.type = 'email.opened') as opened_at,
			min(coalesce(e.occurred_at, e.received_at)) filter (where e.type = 'email.clicked') as clicked_at
		from public.email_events e
		where e.outbox_id in (select id from emails)
		group by e.outbox_id
	), own_opens as (
		select x.outbox_id, min(x.opened_at) as opened_at
		from public.email_opens x where x.broadcast_id = p_id group by x.outbox_id
	), own_clicks as (
		select x.outbox_id, min(x.clicked_at) as clicked_at
		from public.email_clicks x where x.broadcast_id = p_id group by x.outbox_id
	), per_email as materialized (
		select m.id, m.status, m.variant, m.supporter_id, m.sent_at, r.delivered_at,
			coalesce(r.bounced, false) as bounced, coalesce(r.complained, false) as complained,
			-- least() skips nulls: the earlier of the two, or the one we have.
			least(r.opened_at, oo.opened_at) as opened_at,
			least(r.clicked_at, oc.clicked_at) as clicked_at,
			m.sent_at is not null and exists (select 1 from public.consents c
				where c.supporter_id = m.supporter_id and c.channel = 'email' and c.status = 'withdrawn'
					and (c.source like 'email:%' or c.source like '/preferences%')
					and c.recorded_at >= m.sent_at and c.recorded_at < m.sent_at + interval '7 days')
				as unsubscribed,
			m.sent_at is not null and exists (select 1 from public.consents c
				where c.supporter_id = m.supporter_id and c.channel = 'email_topic'
					and c.topic = v_broadcast.topic and c.status = 'withdrawn'
					and (c.source like 'email:%' or c.source like '/preferences%')
					and c.recorded_at >= m.sent_at and c.recorded_at < m.sent_at + interval '7 days')
				as topic_optout
		from emails m
		left join resend r on r.outbox_id = m.id
		left join own_opens oo on oo.outbox_id = m.id
		left join own_clicks oc on oc.outbox_id = m.id
	), clickers as (
		-- By supporter: two records merged into one still make one person's 7 days.
		select p.supporter_id, min(p.clicked_at) as first_click
		from per_email p
		where p.clicked_at is not null and p.supporter_id is not null
		group by p.supporter_id
	), gifts as (
		select g.currency, count(*) as gifts, sum(g.amount_cents) as amount_cents
		from clickers k
		join public.gifts g on g.supporter_id = k.supporter_id
		where g.status = 'succeeded' and not g.test
			and g.received_at >= k.first_click and g.received_at < k.first_click + interval '7 days'
		group by g.currency
	), moments as (
		select 'delivered' as kind, p.delivered_at as at from per_email p where p.delivered_at is not null
		union all
		select 'opened', p.opened_at from per_email p where p.opened_at is not null
		union all
		select 'clicked', p.clicked_at from per_email p where p.clicked_at is not null
	), binned as (
		select x.kind, case when x.hours < 48 then floor(x.hours)::int
			else 48 + floor((x.hours - 48) / 24)::int end as bucket
		from (
			select mo.kind, greatest(extract(epoch from mo.at - v_start) / 3600, 0) as hours
			from moments mo where mo.at < v_end
		) x
	), totals as (
		select count(*) as queued,
			count(*) filter (where p.status = 'sent') as sent,
			count(*) filter (where p.status = 'failed') as failed,
			count(*) filter (where p.status = 'suppressed') as suppressed,
			count(*) filter (where p.status in ('pending', 'batched', 'held')) as waiting,
			count(*) filter (where p.status = 'cancelled') as cancelled,
			count(*) filter (where p.delivered_at is not null) as delivered,
			count(*) filter (where p.bounced) as bounced,
			count(*) filter (where p.complained) as complained,
			count(*) filter (where p.opened_at is not null) as opened,
			count(*) filter (where p.clicked_at is not null) as clicked,
			count(*) filter (where p.unsubscribed) as unsubscribed,
			count(*) filter (where p.topic_optout) as topic_optouts
		from per_email p
	), counts as (
		select x.bucket, count(*) filter (where x.kind = 'delivered') as delivered,
			count(*) filter (where x.kind = 'opened') as opened,
			count(*) filter (where x.kind = 'clicked') as clicked
		from binned x group by x.bucket
	), buckets as (
		select i as bucket,
			case when i < 48 then v_start + make_interval(hours => i)
				else v_start + interval '48 hours' + make_interval(days => i - 48) end as starts_at,
			case when i < 48 then 'hour' else 'day' end as size
		from generate_series(0, v_buckets - 1) i
	)
	select jsonb_build_object(
		'started_at', v_broadcast.started_at,
		'finished_at', v_broadcast.finished_at,
		'queued', t.queued, 'sent', t.sent, 'failed', t.failed, 'suppressed', t.suppressed,
		'waiting', t.waiting, 'cancelled', t.cancelled, 'delivered', t.delivered,
		'bounced', t.bounced, 'complained', t.complained, 'opened', t.opened, 'clicked', t.clicked,
		'unsubscribed', t.unsubscribed, 'topic_optouts', t.topic_optouts,
		'links', coalesce((
			select jsonb_agg(jsonb_build_object('index', l.n - 1, 'url', l.url,
				'clicks', coalesce(c.clicks, 0), 'unique_clickers', coalesce(c.unique_clickers, 0))
				order by l.n)
			from jsonb_array_elements_text(v_broadcast.links) with ordinality as l (url, n)
			left join (
				select x.link_index, count(*) as clicks, count(distinct x.outbox_id) as unique_clickers
				from public.email_clicks x where x.broadcast_id = p_id group by x.link_index
			) c on c.link_index = l.n - 1), '[]'),
		'attributed', jsonb_build_object(
			'clickers', (select count(*) from clickers),
			'gifts', coalesce((
				select jsonb_agg(jsonb_build_object('currency', g.currency, 'count', g.gifts,
					'amount_cents', g.amount_cents) order by g.amount_cents desc)
				from gifts g), '[]'),
			'signatures', (
				select count(*) from clickers k
				join public.petition_signatures ps on ps.supporter_id = k.supporter_id
				where ps.signed_at >= k.first_click and ps.signed_at < k.first_click + interval '7 days')),
		'timeline', coalesce((
			select jsonb_agg(jsonb_build_object('starts_at', b.starts_at, 'size', b.size,
				'delivered', coalesce(c.delivered, 0), 'opened', coalesce(c.opened, 0),
				'clicked', coalesce(c.clicked, 0))
				order by b.bucket)
			from buckets b left join counts c on c.bucket = b.bucket), '[]'),
		'variants', case when v_broadcast.ab is null then null else coalesce((
			select jsonb_object_agg(v.variant, jsonb_build_object('queued', v.queued, 'sent', v.sent,
				'delivered', v.delivered, 'opened', v.opened, 'clicked', v.clicked))
			from (
				select p.variant, count(*) as queued,
					count(*) filter (where p.status = 'sent') as sent,
					count(*) filter (where p.delivered_at is not null) as delivered,
					count(*) filter (where p.opened_at is not null) as opened,
					count(*) filter (where p.clicked_at is not null) as clicked
				from per_email p where p.variant is not null group by p.variant
			) v), '{}') end)
	into v_result
	from totals t;
	return v_result;
end;
$$;

-- Privacy. Access: the export says when the person opened our emails and which
-- links they followed (the image and the links recorded it). Erasure needs nothing
-- more: the outbox rows these hang on lose their address and content already.
alter function public.privacy_export(uuid) rename to privacy_export_without_tracking;
create or replace function public.privacy_export(p_supporter uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select public.privacy_export_without_tracking(p_supporter) || jsonb_build_object(
		'email_opens', coalesce((
			select jsonb_agg(jsonb_build_object('opened_at', x.opened_at) order by x.opened_at)
			from public.email_opens x join public.email_outbox o on o.id = x.outbox_id
			where o.supporter_id = p_supporter), '[]'),
		'email_clicks', coalesce((
			select jsonb_agg(jsonb_build_object('url', x.url, 'clicked_at', x.clicked_at)
				order by x.clicked_at)
			from public.email_clicks x join public.email_outbox o on o.id = x.outbox_id
			where o.supporter_id = p_supporter), '[]'))
	where exists (select 1 from public.supporters s where s.id = p_supporter and s.erased_at is null);
$$;
revoke execute on function public.privacy_export_without_tracking(uuid) from public, anon, authenticated;
