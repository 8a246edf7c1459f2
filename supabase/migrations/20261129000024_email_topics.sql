-- Email topics and the supporters' preference centre (/preferences/<email token>).
-- A supporter gets every topic by default; opting out of one is a row in the
-- consent ledger (channel 'email_topic', with its topic), and the current opt-outs
-- are kept in supporter_topic_optouts from that ledger, so an audience query is an
-- indexed anti-join, not a scan of every ledger. See src/lib/server/email/preferences.ts.

create table public.email_topics (
	key text primary key check (key ~ '^[a-z][a-z0-9-]*$'),
	-- The order the preference centre and the compose page list them in.
	position int not null
);
alter table public.email_topics enable row level security;
-- No policies: only the server reads them. Names and descriptions are messages
-- (email_topic_<key>, email_topic_<key>_description), in both languages.

insert into public.email_topics (key, position) values
	('results', 1),
	('campaigns', 2),
	('giving', 3);

-- The ledger takes topic choices too. The email channel's rules are untouched:
-- supporters_refresh_email_consent and the imports read channel 'email' only, and
-- supporter_email_consent reads the supporters' columns those keep.
alter table public.consents drop constraint consents_channel_check;
alter table public.consents add constraint consents_channel_check
	check (channel in ('email', 'email_topic'));
alter table public.consents add column topic text references public.email_topics (key);
alter table public.consents add constraint consents_topic_channel
	check ((channel = 'email_topic') = (topic is not null));

create table public.supporter_topic_optouts (
	supporter_id uuid not null references public.supporters (id) on delete cascade,
	topic text not null references public.email_topics (key),
	since timestamptz not null default now(),
	primary key (supporter_id, topic)
);
-- "Everyone but those who opted out of this topic", for a broadcast's audience.
create index supporter_topic_optouts_topic on public.supporter_topic_optouts (topic, supporter_id);
alter table public.supporter_topic_optouts enable row level security;

-- Each supporter's opt-outs follow their latest topic choice in the ledger: a
-- withdrawal adds one, a grant removes it. "Latest" is by ledger id (the order
-- rows were recorded in): two saves of one supporter are serialised by a row lock,
-- and the second may have started, so have an earlier now(), than the first.
create or replace function public.consents_refresh_topic_optouts() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	with latest as (
		select distinct on (c.supporter_id, c.topic) c.supporter_id, c.topic, c.status,
			coalesce(c.given_at, c.recorded_at) as at
		from public.consents c
		join (select distinct i.supporter_id, i.topic from inserted i where i.channel = 'email_topic') t
			on t.supporter_id = c.supporter_id and t.topic = c.topic
		where c.channel = 'email_topic'
		order by c.supporter_id, c.topic, c.id desc
	), granted as (
		delete from public.supporter_topic_optouts o
		using latest l
		where o.supporter_id = l.supporter_id and o.topic = l.topic and l.status = 'granted'
	)
	insert into public.supporter_topic_optouts (supporter_id, topic, since)
	select l.supporter_id, l.topic, l.at from latest l where l.status = 'withdrawn'
	on conflict (supporter_id, topic) do nothing;
	return null;
end;
$$;
create trigger consents_refresh_topic_optouts after insert on public.consents
	referencing new table as inserted
	for each statement execute function public.consents_refresh_topic_optouts();

-- Merging two records of one person: the survivor keeps the opt-outs of both (the
-- union; the earlier "since" where both opted out of a topic). They are folded
-- before the merge itself moves every other row (its loop over the foreign keys
-- would meet the primary key otherwise). The merge is otherwise unchanged.
alter function public.supporter_merge(uuid, uuid, uuid, text) rename to supporter_merge_without_topics;
create or replace function public.supporter_merge(
	p_actor uuid, p_survivor uuid, p_duplicate uuid, p_ip text
) returns void
language plpgsql
set search_path = ''
as $$
begin
	-- The same lock order as the merge, so two merges of one pair cannot deadlock.
	perform 1 from public.supporters where id in (p_survivor, p_duplicate) order by id for update;
	-- Only when both exist and differ: otherwise the merge refuses with its own error.
	if p_survivor <> p_duplicate
		and (select count(*) from public.supporters where id in (p_survivor, p_duplicate)) = 2 then
		insert into public.supporter_topic_optouts (supporter_id, topic, since)
		select p_survivor, o.topic, o.since from public.supporter_topic_optouts o
		where o.supporter_id = p_duplicate
		on conflict (supporter_id, topic)
			do update set since = least(public.supporter_topic_optouts.since, excluded.since);
		delete from public.supporter_topic_optouts where supporter_id = p_duplicate;
	end if;
	perform public.supporter_merge_without_topics(p_actor, p_survivor, p_duplicate, p_ip);
end;
$$;
revoke execute on function public.supporter_merge_without_topics(uuid, uuid, uuid, text)
	from public, anon, authenticated;

-- Privacy. Access: the export's consents say which topic a topic choice was
-- about, and it lists the topics the person opted out of. Erasure needs nothing
-- more: consents stay (they are not personal), and so do the opt-outs that follow them.
alter function public.privacy_export(uuid) rename to privacy_export_without_topics;
create or replace function public.privacy_export(p_supporter uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select public.privacy_export_without_topics(p_supporter) || jsonb_build_object(
		'consents', coalesce((
			select jsonb_agg(jsonb_build_object(
				'channel', c.channel, 'topic', c.topic, 'status', c.status, 'kind', c.kind,
				'wording', c.wording, 'language', c.language, 'source', c.source,
				'given_at', coalesce(c.given_at, c.recorded_at), 'recorded_at', c.recorded_at,
				'expires_at', c.expires_at)
				order by coalesce(c.given_at, c.recorded_at), c.id)
			from public.consents c where c.supporter_id = p_supporter), '[]'),
		'email_topic_optouts', coalesce((
			select jsonb_agg(jsonb_build_object('topic', o.topic, 'since', o.since) order by t.position)
			from public.supporter_topic_optouts o join public.email_topics t on t.key = o.topic
			where o.supporter_id = p_supporter), '[]'))
	where exists (select 1 from public.supporters s where s.id = p_supporter and s.erased_at is null);
$$;
revoke execute on function public.privacy_export_without_topics(uuid) from public, anon, authenticated;

-- The supporter an email link's token belongs to: their own token, or the token of
-- a record since merged into theirs (links in emails it was sent keep working).
-- Null when unknown or erased.
create or replace function public.email_token_supporter(p_token text) returns uuid
language sql
stable
set search_path = ''
as $$
	select s.id from public.supporters s
	where s.erased_at is null and s.id = coalesce(
		(select x.id from public.supporters x where x.email_token = p_token),
		(select mg.survivor_id from public.supporter_merges mg where mg.merged_email_token = p_token));
$$;

-- What the preference centre shows: the address (the page masks it), language,
-- whether they get our email now (a grant not lapsed), each topic and whether they
-- get it, and their last 50 email and topic consents, newest first. Null when the
-- token is unknown.
create or replace function public.email_preferences_get(p_token text) returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object(
		'supporter_id', s.id,
		'email', s.email,
		'language', s.language,
		'consent', s.email_consent,
		'subscribed', coalesce(s.email_consent = 'granted'
			and (s.email_consent_expires_at is null or s.email_consent_expires_at > now()), false),
		'topics', coalesce((
			select jsonb_agg(jsonb_build_object('key', t.key, 'subscribed', o.topic is null)
				order by t.position, t.key)
			from public.email_topics t
			left join public.supporter_topic_optouts o on o.topic = t.key and o.supporter_id = s.id), '[]'),
		'ledger', coalesce((
			select jsonb_agg(jsonb_build_object(
				'recorded_at', c.recorded_at, 'given_at', c.given_at, 'channel', c.channel,
				'topic', c.topic, 'status', c.status, 'kind', c.kind, 'source', c.source,
				'wording', c.wording, 'language', c.language, 'expires_at', c.expires_at)
				order by c.recorded_at desc, c.id desc)
			from (
				select * from public.consents c
				where c.supporter_id = s.id and c.channel in ('email', 'email_topic')
				order by c.recorded_at desc, c.id desc
				limit 50
			) c), '[]'))
	from public.supporters s
	where s.id = (select public.email_token_supporter(p_token));
$$;

-- Saves a supporter's choices from the preference centre, in one transaction, and
-- returns the page's new state (as email_preferences_get). Only what changed is
-- recorded: each topic they now want or no longer want is a consent row on channel
-- 'email_topic'; p_subscribe true is an express grant when they are not subscribed,
-- false a withdrawal of all email unless already withdrawn; null leaves it. Every
-- row has its source and the words shown for that change, from p_wordings:
--   {"subscribe": ..., "unsubscribe": ..., "topic_in:<key>": ..., "topic_out:<key>": ...}
-- in p_wording_language (the page's language; the supporter's when null).
-- p_language and p_topics null leave the language and the topics as they are.
-- Null when the token is unknown.
create or replace function public.email_preferences_save(
	p_token text, p_language text, p_topics text[], p_subscribe boolean, p_source text,
	p_wordings jsonb, p_wording_language text default null
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_supporter public.supporters;
	v_words_language text;
	v_subscribed boolean;
	v_change record;
	v_wording text;
begin
	if p_language is not null and p_language not in ('en', 'fr') then
		raise exception 'bad_language' using errcode = '22023';
	end if;
	if exists (select 1 from unnest(p_topics) k where k not in (select key from public.email_topics)) then
		raise exception 'unknown_topic' using errcode = '22023';
	end if;
	-- One save at a time per supporter: each sees the other's changes, none recorded twice.
	select * into v_supporter from public.supporters
	where id = (select public.email_token_supporter(p_token))
	for update;
	if not found then
		return null;
	end if;
	v_words_language := coalesce(p_wording_language, p_language, v_supporter.language);

	if p_topics is not null then
		for v_change in
			select t.key, coalesce(t.key = any (p_topics), false) as wanted
			from public.email_topics t
			left join public.supporter_topic_optouts o on o.topic = t.key and o.supporter_id = v_supporter.id
			-- Wanted and opted out, or not wanted and not opted out: a change.
			where coalesce(t.key = any (p_topics), false) = (o.topic is not null)
			order by t.position, t.key
		loop
			v_wording := p_wordings ->> ((case when v_change.wanted then 'topic_in:' else 'topic_out:' end) || v_change.key);
			if v_wording is null then
				raise exception 'missing_wording: %', v_change.key using errcode = '22023';
			end if;
			insert into public.consents (supporter_id, channel, topic, status, kind, source, wording, language)
			values (v_supporter.id, 'email_topic', v_change.key,
				case when v_change.wanted then 'granted' else 'withdrawn' end, 'express', p_source,
				v_wording, v_words_language);
		end loop;
	end if;

	v_subscribed := v_supporter.email_consent = 'granted'
		and (v_supporter.email_consent_expires_at is null or v_supporter.email_consent_expires_at > now());
	if p_subscribe is true and not coalesce(v_subscribed, false) then
		if p_wordings ->> 'subscribe' is null then
			raise exception 'missing_wording: subscribe' using errcode = '22023';
		end if;
		insert into public.consents (supporter_id, channel, status, kind, source, wording, language)
		values (v_supporter.id, 'email', 'granted', 'express', p_source, p_wordings ->> 'subscribe',
			v_words_language);
	elsif p_subscribe is false and v_supporter.email_consent is distinct from 'withdrawn' then
		if p_wordings ->> 'unsubscribe' is null then
			raise exception 'missing_wording: unsubscribe' using errcode = '22023';
		end if;
		insert into public.consents (supporter_id, channel, status, kind, source, wording, language)
		values (v_supporter.id, 'email', 'withdrawn', 'express', p_source, p_wordings ->> 'unsubscribe',
			v_words_language);
	end if;

	if p_language is not null and p_language <> v_supporter.language then
		update public.supporters set language = p_language where id = v_supporter.id;
	end if;

	return public.email_preferences_get(p_token);
end;
$$;
