-- Automations: emails the site sends by itself when something happens to a
-- supporter, each of which staff can reword or turn off (/admin/emails/automations):
--   welcome-1        a new consenting supporter, delay_days after their first email consent
--   welcome-2        delay_days after welcome-1 was sent to them
--   petition-thanks  when they sign (queued by petition_sign, migration 0016)
--   gift-at-work     delay_days after their first real gift
-- The welcome series and gift-at-work are updates (kind 'broadcast': consent, one-click
-- unsubscribe, topic opt-outs); the petition thank-you stays transactional.
-- See src/lib/server/broadcasts/automations.ts.

create table public.email_automations (
	key text primary key check (key in ('welcome-1', 'welcome-2', 'petition-thanks', 'gift-at-work')),
	enabled boolean not null default true,
	-- The thank-you goes when they sign: it has no delay.
	delay_days int not null check (delay_days between 0 and 365)
		check (key <> 'petition-thanks' or delay_days = 0),
	-- Null: the built-in words (messages automation_*). Else what staff wrote, per
	-- language: {"en": {subject, preheader, body (Markdown), cta: {label, url, kind} | null}, "fr": {...}}.
	content jsonb check (content is null or jsonb_typeof(content) = 'object'),
	-- What staff wrote as every recipient gets it, made by the app when they save (as
	-- broadcasts.rendered): per language {subject, preheader, html (sanitised)}.
	rendered jsonb,
	-- The links rendered's link placeholders stand for.
	links jsonb not null default '[]' check (jsonb_typeof(links) = 'array'),
	-- Who opted out of this topic does not get it (null: the transactional thank-you).
	topic text references public.email_topics (key),
	-- Only what happens from this moment on triggers it: turning it on never emails
	-- everyone who ever subscribed or gave. Reset each time it is turned on.
	enabled_since timestamptz not null default now(),
	updated_by uuid references public.staff (id),
	updated_at timestamptz,
	check ((content is null) = (rendered is null))
);
alter table public.email_automations enable row level security;
-- No policies: only the server reads them.

insert into public.email_automations (key, delay_days, topic) values
	('welcome-1', 0, 'results'),
	('welcome-2', 3, 'results'),
	('petition-thanks', 0, null),
	('gift-at-work', 30, 'giving');

-- Turned on again, it starts from now (whoever does it: the app or SQL).
create or replace function public.email_automations_enabled_since() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if new.enabled and not old.enabled then
		new.enabled_since := now();
	end if;
	return new;
end;
$$;
create trigger email_automations_enabled_since before update on public.email_automations
	for each row execute function public.email_automations_enabled_since();

-- What the queries below look up on every tick, so each reads only recent rows:
-- email grants by when they count from, and automation emails by when they were
-- sent (welcome-2, and the 30-day counts). Gifts by when they came have an index
-- already (gifts_received, migration 0019).
create index consents_email_grants_at on public.consents ((coalesce(given_at, recorded_at)))
	where channel = 'email' and status = 'granted';
create index email_outbox_automation_sent on public.email_outbox ((data ->> 'automation'), sent_at)
	where template = 'automation' and status = 'sent';
create index email_outbox_petition_thanks_sent on public.email_outbox (sent_at)
	where template = 'petition-thanks' and status = 'sent';

-- Who already got an automation (a merge moves outbox rows to the survivor).
create index email_outbox_automation on public.email_outbox (supporter_id)
	where template = 'automation';

-- Queues every automation email now due, one INSERT ... SELECT per automation. Each
-- row's key is automation:<key>:<supporter>, so a supporter gets each one once
-- however often this runs. Someone is due when the moment that triggers it (their
-- first grant, welcome-1 sent, their first gift) came after the automation was
-- turned on and at least delay_days ago, and not more than a week before that: an
-- email that could not go for a week (no worker ran) is no longer timely, and the
-- window keeps each tick's reading small. A recipient must have email consent now,
-- not be erased or suppressed, and not have opted out of the automation's topic;
-- the claim checks consent again when it is sent. An automation being queued by
-- one caller is skipped by the others (SKIP LOCKED): no two wait on each other's rows.
create or replace function public.automations_enqueue_due() returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_automation public.email_automations;
	v_queued jsonb := '{}';
	v_count int;
begin
	-- welcome-1: their first email consent ever (someone who subscribed before, then
	-- left and came back, is not new).
	select * into v_automation from public.email_automations
	where key = 'welcome-1' and enabled for update skip locked;
	if found then
		insert into public.email_outbox (idempotency_key, template, data, language, supporter_id,
			to_email, kind)
		select 'automation:welcome-1:' || s.id, 'automation', '{"automation": "welcome-1"}',
			s.language, s.id, s.email, 'broadcast'
		from public.consents c
		join public.supporters s on s.id = c.supporter_id
		where c.channel = 'email' and c.status = 'granted'
			-- People imported from another system are not new to us: no welcome.
			and c.source not like 'import:%'
			and coalesce(c.given_at, c.recorded_at) >= v_automation.enabled_since
			and coalesce(c.given_at, c.recorded_at)
				<= now() - make_interval(days => v_automation.delay_days)
			and coalesce(c.given_at, c.recorded_at)
				> now() - make_interval(days => v_automation.delay_days + 7)
			and not exists (select 1 from public.consents e
				where e.supporter_id = c.supporter_id and e.channel = 'email' and e.status = 'granted'
					and (coalesce(e.given_at, e.recorded_at), e.id) < (coalesce(c.given_at, c.recorded_at), c.id))
			-- By supporter, not by key: a merge moves the duplicate's welcome to the survivor.
			and not exists (select 1 from public.email_outbox o
				where o.supporter_id = s.id and o.template = 'automation'
					and o.data ->> 'automation' = 'welcome-1')
			and s.erased_at is null
			and s.email_consent = 'granted'
			and (s.email_consent_expires_at is null or s.email_consent_expires_at > now())
			and not exists (select 1 from public.email_suppressions x where x.email_lower = lower(s.email))
			and not exists (select 1 from public.supporter_topic_optouts t
				where t.supporter_id = s.id and t.topic = v_automation.topic)
		on conflict (idempotency_key) do nothing;
		get diagnostics v_count = row_count;
		v_queued := v_queued || jsonb_build_object('welcome-1', v_count);
	end if;

	-- welcome-2: delay_days after welcome-1 was sent to them.
	select * into v_automation from public.email_automations
	where key = 'welcome-2' and enabled for update skip locked;
	if found then
		insert into public.email_outbox (idempotency_key, template, data, language, supporter_id,
			to_email, kind)
		select 'automation:welcome-2:' || s.id, 'automation', '{"automation": "welcome-2"}',
			s.language, s.id, s.email, 'broadcast'
		from public.email_outbox w
		join public.supporters s on s.id = w.supporter_id
		where w.template = 'automation' and w.status = 'sent' and w.data ->> 'automation' = 'welcome-1'
			and w.sent_at >= v_automation.enabled_since
			and w.sent_at <= now() - make_interval(days => v_automation.delay_days)
			and w.sent_at > now() - make_interval(days => v_automation.delay_days + 7)
			and not exists (select 1 from public.email_outbox o
				where o.idempotency_key = 'automation:welcome-2:' || s.id)
			and s.erased_at is null
			and s.email_consent = 'granted'
			and (s.email_consent_expires_at is null or s.email_consent_expires_at > now())
			and not exists (select 1 from public.email_suppressions x where x.email_lower = lower(s.email))
			and not exists (select 1 from public.supporter_topic_optouts t
				where t.supporter_id = s.id and t.topic = v_automation.topic)
		on conflict (idempotency_key) do nothing;
		get diagnostics v_count = row_count;
		v_queued := v_queued || jsonb_build_object('welcome-2', v_count);
	end if;

	-- gift-at-work: delay_days after their first succeeded gift that was not a test.
	select * into v_automation from public.email_automations
	where key = 'gift-at-work' and enabled for update skip locked;
	if found then
		insert into public.email_outbox (idempotency_key, template, data, language, supporter_id,
			to_email, kind)
		select 'automation:gift-at-work:' || s.id, 'automation', '{"automation": "gift-at-work"}',
			s.language, s.id, s.email, 'broadcast'
		from public.gifts g
		join public.supporters s on s.id = g.supporter_id
		where g.status = 'succeeded' and not g.test
			and g.received_at >= v_automation.enabled_since
			and g.received_at <= now() - make_interval(days => v_automation.delay_days)
			and g.received_at > now() - make_interval(days => v_automation.delay_days + 7)
			and not exists (select 1 from public.gifts f
				where f.supporter_id = g.supporter_id and f.status = 'succeeded' and not f.test
					and (f.received_at, f.id) < (g.received_at, g.id))
			and not exists (select 1 from public.email_outbox o
				where o.idempotency_key = 'automation:gift-at-work:' || s.id)
			and s.erased_at is null
			and s.email_consent = 'granted'
			and (s.email_consent_expires_at is null or s.email_consent_expires_at > now())
			and not exists (select 1 from public.email_suppressions x where x.email_lower = lower(s.email))
			and not exists (select 1 from public.supporter_topic_optouts t
				where t.supporter_id = s.id and t.topic = v_automation.topic)
		on conflict (idempotency_key) do nothing;
		get diagnostics v_count = row_count;
		v_queued := v_queued || jsonb_build_object('gift-at-work', v_count);
	end if;

	return v_queued;
end;
$$;

-- Every worker and cron call already runs the broadcasts' scheduler tick; it now
-- queues the automations too. The tick of migration 0025 is kept as it is, under
-- another name, and called first: whatever a later migration changes in it, this
-- does not have to be copied again (migration 0024 wraps supporter_merge the same way).
alter function public.broadcasts_tick() rename to broadcasts_tick_without_automations;
revoke execute on function public.broadcasts_tick_without_automations() from public, anon, authenticated;
create or replace function public.broadcasts_tick() returns jsonb
language plpgsql
set search_path = ''
as $$
begin
	return public.broadcasts_tick_without_automations()
		|| jsonb_build_object('automations', public.automations_enqueue_due());
end;
$$;

-- The petition thank-you, turned off, is not queued. petition_sign (migration 0016)
-- queues it with email_enqueue inside its own transaction; this row trigger drops
-- that one row instead of copying and forking petition_sign, a long function the
-- petitions own. The WHEN clause keeps it off every other insert (a broadcast to
-- 100,000 never calls it). email_enqueue counts it as not queued, as a repeat is.
create or replace function public.email_outbox_petition_thanks_switch() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if exists (select 1 from public.email_automations a where a.key = 'petition-thanks' and not a.enabled) then
		return null;
	end if;
	return new;
end;
$$;
create trigger email_outbox_petition_thanks_switch before insert on public.email_outbox
	for each row when (new.template = 'petition-thanks')
	execute function public.email_outbox_petition_thanks_switch();

-- Staff save an automation's words (p_content, frozen by the app into p_rendered and
-- p_links), or go back to the built-in words (p_content null), and its delay
-- (p_delay_days; null leaves it). False for an unknown key.
create or replace function public.email_automation_save(
	p_actor uuid, p_key text, p_delay_days int, p_content jsonb, p_rendered jsonb, p_links jsonb,
	p_ip text
) returns boolean
language plpgsql
set search_path = ''
as $$
begin
	update public.email_automations set
		delay_days = coalesce(p_delay_days, delay_days),
		content = p_content,
		rendered = case when p_content is null then null else p_rendered end,
		links = case when p_content is null then '[]' else coalesce(p_links, '[]') end,
		updated_by = p_actor,
		updated_at = now()
	where key = p_key;
	if not found then
		return false;
	end if;
	perform public.audit(p_actor,
		case when p_content is null then 'automation.reset' else 'automation.saved' end, p_key,
		jsonb_build_object('delay_days', (select delay_days from public.email_automations where key = p_key)),
		p_ip);
	return true;
end;
$$;

-- Turns an automation on (from now: see enabled_since) or off. Off, what it queued
-- and has not yet gone is cancelled with it. Returns {changed, cancelled}; changed
-- is false when it already was so (or the key is unknown).
create or replace function public.email_automation_set_enabled(
	p_actor uuid, p_key text, p_enabled boolean, p_ip text
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_cancelled int := 0;
begin
	update public.email_automations set enabled = p_enabled, updated_by = p_actor, updated_at = now()
	where key = p_key and enabled <> p_enabled;
	if not found then
		return jsonb_build_object('changed', false, 'cancelled', 0);
	end if;
	if not p_enabled then
		update public.email_outbox o set status = 'cancelled', last_error = 'automation turned off'
		where o.status = 'pending' and (
			(o.template = 'automation' and o.data ->> 'automation' = p_key)
			or (p_key = 'petition-thanks' and o.template = 'petition-thanks'));
		get diagnostics v_cancelled = row_count;
	end if;
	perform public.audit(p_actor,
		case when p_enabled then 'automation.enabled' else 'automation.disabled' end, p_key,
		jsonb_build_object('cancelled', v_cancelled), p_ip);
	return jsonb_build_object('changed', true, 'cancelled', v_cancelled);
end;
$$;

-- How many of each automation's emails were sent in the last 30 days, and how many
-- wait to go: {"<key>": {"sent": n, "waiting": n}}.
create or replace function public.email_automation_counts() returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_object_agg(a.key, jsonb_build_object(
		'sent', case when a.key = 'petition-thanks'
			then (select count(*) from public.email_outbox o
				where o.template = 'petition-thanks' and o.status = 'sent'
					and o.sent_at > now() - interval '30 days')
			else (select count(*) from public.email_outbox o
				where o.template = 'automation' and o.status = 'sent' and o.data ->> 'automation' = a.key
					and o.sent_at > now() - interval '30 days')
			end,
		'waiting', case when a.key = 'petition-thanks'
			then (select count(*) from public.email_outbox o
				where o.status = 'pending' and o.template = 'petition-thanks')
			else (select count(*) from public.email_outbox o
				where o.status = 'pending' and o.template = 'automation' and o.data ->> 'automation' = a.key)
			end))
	from public.email_automations a;
$$;
