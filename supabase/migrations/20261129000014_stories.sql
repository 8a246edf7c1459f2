-- Stories of people: a quote, an optional short account and photo, in English and
-- French, with the person's consent (given when, to whom, for what uses, until
-- when), a pseudonym, what must be hidden (face, place), and a review by a second
-- staff member. Survivors' words are the most sensitive data the site holds, so the
-- rules live here, in the database, where no page or email can forget them:
--   * anon (the public pages) reads a story only while it is published, reviewed by
--     someone other than who wrote it, and its consent covers the web, has not
--     ended and was not withdrawn. A lapsed or withdrawn consent hides it everywhere
--     at once, with nothing to run.
--   * emails use stories_for_email(), which applies the same rules to email use.
--   * a photo whose face must be hidden is never readable by the public.
-- "Today" is the UTC date: a consent ending on a given day ends at the end of that
-- day in UTC (evening in Canada), so a story is never shown past the day agreed.

create table public.stories (
	id uuid primary key default gen_random_uuid(),
	kind text not null check (kind in ('survivor', 'official', 'staff', 'partner', 'supporter')),
	quote_en text not null check (length(quote_en) between 1 and 2000),
	quote_fr text not null check (length(quote_fr) between 1 and 2000),
	account_en text check (length(account_en) between 1 and 4000),
	account_fr text check (length(account_fr) between 1 and 4000),
	-- As printed under the quote ("Elsa*, a survivor of sex trafficking from the Philippines").
	attribution_en text not null check (length(attribution_en) between 1 and 300),
	attribution_fr text not null check (length(attribution_fr) between 1 and 300),
	-- The name is not the person's own: pages add the note "*A pseudonym".
	pseudonym boolean not null default false,
	hide_face boolean not null default false,
	-- The words must not say where the person is (the admin form refuses known city names).
	hide_place boolean not null default false,
	-- A file in static/ (served at the site's root: /stories/x.jpg) or an https URL.
	photo_url text check (
		length(photo_url) <= 1000
		and photo_url ~ '^(/[A-Za-z0-9._~%-][A-Za-z0-9._~%/-]*|https://[^[:space:]"''<>]+)$'),
	photo_alt_en text check (length(photo_alt_en) between 1 and 300),
	photo_alt_fr text check (length(photo_alt_fr) between 1 and 300),
	-- What the public may read of the photo: nothing when the face must be hidden.
	public_photo_url text generated always as (case when hide_face then null else photo_url end) stored,
	public_photo_alt_en text generated always as (case when hide_face then null else photo_alt_en end) stored,
	public_photo_alt_fr text generated always as (case when hide_face then null else photo_alt_fr end) stored,

	-- The person's consent. Changing it takes effect at once; it needs no new review.
	consent_given_on date,
	consent_given_to text check (length(consent_given_to) between 1 and 300),
	consent_web boolean not null default false,
	consent_email boolean not null default false,
	consent_until date,
	consent_withdrawn_at timestamptz,
	consent_note text check (length(consent_note) between 1 and 2000),

	status text not null default 'draft' check (status in ('draft', 'in_review', 'published', 'unpublished')),
	created_by uuid references public.staff (id),
	-- Who last changed the words: they cannot review them either.
	edited_by uuid references public.staff (id),
	reviewed_by uuid references public.staff (id),
	reviewed_at timestamptz,
	review_note text check (length(review_note) between 1 and 1000),
	-- When it was last published (kept when it is unpublished, so staff can be told).
	published_at timestamptz,
	-- Seeded by this migration from the printed report (see below); never set later.
	seeded boolean not null default false,
	sort int not null default 0,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),

	constraint stories_account_both check ((account_en is null) = (account_fr is null)),
	constraint stories_photo_alt check (photo_url is null or (photo_alt_en is not null and photo_alt_fr is not null)),
	constraint stories_author check (seeded or created_by is not null),
	-- A consent record says when, to whom and until when; only the seeded stories,
	-- whose record is the printed report, may lack them until staff fill them in.
	constraint stories_consent_record check (
		seeded or (consent_given_on is not null and consent_given_to is not null and consent_until is not null)),
	constraint stories_consent_dates check (consent_until is null or consent_given_on is null or consent_until >= consent_given_on),
	-- The second pair of eyes: never the author, never who last changed the words.
	constraint stories_second_reviewer check (
		reviewed_by is null or (reviewed_by is distinct from created_by and reviewed_by is distinct from edited_by)),
	constraint stories_reviewer_when check (reviewed_by is null or reviewed_at is not null),
	-- A review with no staff reviewer: only a seeded story, with its words as seeded,
	-- and a note saying who reviewed it.
	constraint stories_review_recorded check (
		reviewed_at is null or reviewed_by is not null or (seeded and edited_by is null and review_note is not null)),
	constraint stories_published_reviewed check (status <> 'published' or reviewed_at is not null),
	constraint stories_withdrawn_stays_off check (consent_withdrawn_at is null or status in ('draft', 'unpublished'))
);

create index stories_status on public.stories (status, sort);

create trigger stories_touch before update on public.stories
	for each row execute function public.touch_updated_at();

-- What no write may do, whoever makes it: mark a row as seeded (only this migration
-- may, below), change who wrote it, or undo a withdrawal of consent.
create or replace function public.stories_guard() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if tg_op = 'INSERT' then
		if new.seeded and coalesce(current_setting('champions.seeding_stories', true), '') <> 'on' then
			raise exception 'stories are seeded only by their migration' using errcode = 'P0001';
		end if;
		return new;
	end if;
	if new.seeded is distinct from old.seeded then
		raise exception 'a story''s seeded mark cannot change' using errcode = 'P0001';
	end if;
	if new.created_by is distinct from old.created_by then
		raise exception 'a story''s author cannot change' using errcode = 'P0001';
	end if;
	if old.consent_withdrawn_at is not null and new.consent_withdrawn_at is distinct from old.consent_withdrawn_at then
		raise exception 'a withdrawn consent stays withdrawn' using errcode = 'P0001';
	end if;
	return new;
end;
$$;
revoke execute on function public.stories_guard() from public, anon, authenticated;

create trigger stories_guard before insert or update on public.stories
	for each row execute function public.stories_guard();

alter table public.stories enable row level security;

-- The public reads the words, never the consent record, who reviewed, or a photo
-- whose face must be hidden (public_photo_* are empty then).
grant select (id, kind, quote_en, quote_fr, account_en, account_fr, attribution_en, attribution_fr,
	pseudonym, public_photo_url, public_photo_alt_en, public_photo_alt_fr, sort, published_at)
	on public.stories to anon;

-- Written out rather than calling story_usable(), which anon may not execute; the
-- integration tests check that the two agree.
create policy stories_public on public.stories for select to anon using (
	status = 'published'
	and reviewed_at is not null
	and (reviewed_by is not null or (seeded and edited_by is null and review_note is not null))
	and (reviewed_by is null or (reviewed_by is distinct from created_by and reviewed_by is distinct from edited_by))
	and consent_web
	and consent_withdrawn_at is null
	and (consent_until is null or consent_until >= (now() at time zone 'UTC')::date)
);

-- Whether a story may be used, now, for 'web' or 'email'. The same rules as the
-- public policy above.
create or replace function public.story_usable(p_story public.stories, p_use text)
returns boolean
language sql
stable
set search_path = ''
as $$
	select p_story.status = 'published'
		and p_story.reviewed_at is not null
		and (p_story.reviewed_by is not null
			or (p_story.seeded and p_story.edited_by is null and p_story.review_note is not null))
		and (p_story.reviewed_by is null
			or (p_story.reviewed_by is distinct from p_story.created_by
				and p_story.reviewed_by is distinct from p_story.edited_by))
		and case p_use when 'web' then p_story.consent_web when 'email' then p_story.consent_email else false end
		and p_story.consent_withdrawn_at is null
		and (p_story.consent_until is null or p_story.consent_until >= (now() at time zone 'UTC')::date);
$$;

-- Stories an email may quote today, in one language (for the results updates).
-- The photo is the public one: none when the face must be hidden.
create or replace function public.stories_for_email(p_language text)
returns table (
	id uuid, kind text, quote text, account text, attribution text, pseudonym boolean,
	photo_url text, photo_alt text
)
language sql
stable
set search_path = ''
as $$
	select s.id, s.kind,
		case p_language when 'fr' then s.quote_fr else s.quote_en end,
		case p_language when 'fr' then s.account_fr else s.account_en end,
		case p_language when 'fr' then s.attribution_fr else s.attribution_en end,
		s.pseudonym,
		s.public_photo_url,
		case p_language when 'fr' then s.public_photo_alt_fr else s.public_photo_alt_en end
	from public.stories s
	where public.story_usable(s, 'email')
	order by s.sort, s.published_at;
$$;

-- The staff member acting, if they may change stories (campaigner and up). The
-- server checks roles first; this keeps a bug or a handcrafted call from slipping by.
create or replace function public.story_actor(p_actor uuid) returns uuid
language plpgsql
stable
set search_path = ''
as $$
begin
	if not exists (
		select 1 from public.staff
		where id = p_actor and removed_at is null and role in ('campaigner', 'admin', 'owner')
	) then
		raise exception 'not_allowed' using errcode = 'P0001';
	end if;
	return p_actor;
end;
$$;

-- The words and how the person is shown, from a form's JSON (absent or empty = none).
create or replace function public.story_words(p jsonb) returns jsonb
language sql
immutable
set search_path = ''
as $$
	select jsonb_build_object(
		'kind', p ->> 'kind',
		'quote_en', p ->> 'quote_en',
		'quote_fr', p ->> 'quote_fr',
		'account_en', nullif(p ->> 'account_en', ''),
		'account_fr', nullif(p ->> 'account_fr', ''),
		'attribution_en', p ->> 'attribution_en',
		'attribution_fr', p ->> 'attribution_fr',
		'pseudonym', coalesce((p ->> 'pseudonym')::boolean, false),
		'hide_face', coalesce((p ->> 'hide_face')::boolean, false),
		'hide_place', coalesce((p ->> 'hide_place')::boolean, false),
		'photo_url', nullif(p ->> 'photo_url', ''),
		'photo_alt_en', nullif(p ->> 'photo_alt_en', ''),
		'photo_alt_fr', nullif(p ->> 'photo_alt_fr', ''));
$$;

-- A new story, as a draft, with its consent. Audited without the words: the log
-- keeps who did what, not a second copy of someone's story.
create or replace function public.story_create(p_actor uuid, p_story jsonb, p_ip text)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
	v_words jsonb := public.story_words(p_story);
	v_id uuid;
begin
	perform public.story_actor(p_actor);
	insert into public.stories (
		kind, quote_en, quote_fr, account_en, account_fr, attribution_en, attribution_fr,
		pseudonym, hide_face, hide_place, photo_url, photo_alt_en, photo_alt_fr,
		consent_given_on, consent_given_to, consent_web, consent_email, consent_until, consent_note,
		created_by, edited_by)
	values (
		v_words ->> 'kind', v_words ->> 'quote_en', v_words ->> 'quote_fr',
		v_words ->> 'account_en', v_words ->> 'account_fr',
		v_words ->> 'attribution_en', v_words ->> 'attribution_fr',
		(v_words ->> 'pseudonym')::boolean, (v_words ->> 'hide_face')::boolean, (v_words ->> 'hide_place')::boolean,
		v_words ->> 'photo_url', v_words ->> 'photo_alt_en', v_words ->> 'photo_alt_fr',
		(p_story ->> 'consent_given_on')::date, p_story ->> 'consent_given_to',
		coalesce((p_story ->> 'consent_web')::boolean, false),
		coalesce((p_story ->> 'consent_email')::boolean, false),
		(p_story ->> 'consent_until')::date, nullif(p_story ->> 'consent_note', ''),
		p_actor, p_actor)
	returning id into v_id;
	perform public.audit(p_actor, 'story.created', v_id::text,
		jsonb_build_object('kind', v_words ->> 'kind',
			'consent', jsonb_build_object('web', coalesce((p_story ->> 'consent_web')::boolean, false),
				'email', coalesce((p_story ->> 'consent_email')::boolean, false),
				'until', p_story ->> 'consent_until')),
		p_ip);
	return v_id;
end;
$$;

-- Changes the words or how the person is shown. Any change takes the story back to
-- a draft and clears its review: changed words are off every page until a second
-- person has read them. Returns the names of the fields that changed.
create or replace function public.story_edit(p_actor uuid, p_id uuid, p_story jsonb, p_ip text)
returns text[]
language plpgsql
set search_path = ''
as $$
declare
	v_before jsonb;
	v_words jsonb := public.story_words(p_story);
	v_changed text[];
begin
	perform public.story_actor(p_actor);
	select public.story_words(to_jsonb(s)) into v_before from public.stories s where s.id = p_id for update;
	if v_before is null then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	select coalesce(array_agg(key order by key), '{}') into v_changed
	from jsonb_each(v_words) after
	where after.value is distinct from v_before -> after.key;
	if cardinality(v_changed) = 0 then
		return v_changed;
	end if;
	update public.stories set
		kind = v_words ->> 'kind',
		quote_en = v_words ->> 'quote_en',
		quote_fr = v_words ->> 'quote_fr',
		account_en = v_words ->> 'account_en',
		account_fr = v_words ->> 'account_fr',
		attribution_en = v_words ->> 'attribution_en',
		attribution_fr = v_words ->> 'attribution_fr',
		pseudonym = (v_words ->> 'pseudonym')::boolean,
		hide_face = (v_words ->> 'hide_face')::boolean,
		hide_place = (v_words ->> 'hide_place')::boolean,
		photo_url = v_words ->> 'photo_url',
		photo_alt_en = v_words ->> 'photo_alt_en',
		photo_alt_fr = v_words ->> 'photo_alt_fr',
		edited_by = p_actor,
		reviewed_by = null,
		reviewed_at = null,
		review_note = null,
		status = case when status = 'unpublished' and consent_withdrawn_at is not null then 'unpublished' else 'draft' end
	where id = p_id;
	perform public.audit(p_actor, 'story.edited', p_id::text, jsonb_build_object('fields', to_jsonb(v_changed)), p_ip);
	return v_changed;
end;
$$;

-- Records the consent as it now stands (when, to whom, which uses, until when).
-- Takes effect at once: shortening or ending it hides the story on the next read.
create or replace function public.story_set_consent(p_actor uuid, p_id uuid, p_consent jsonb, p_ip text)
returns void
language plpgsql
set search_path = ''
as $$
declare
	v_before public.stories;
	v_after public.stories;
	v_diff jsonb;
begin
	perform public.story_actor(p_actor);
	select * into v_before from public.stories where id = p_id for update;
	if not found then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	if v_before.consent_withdrawn_at is not null then
		raise exception 'consent_withdrawn' using errcode = 'P0001';
	end if;
	update public.stories set
		consent_given_on = (p_consent ->> 'consent_given_on')::date,
		consent_given_to = p_consent ->> 'consent_given_to',
		consent_web = coalesce((p_consent ->> 'consent_web')::boolean, false),
		consent_email = coalesce((p_consent ->> 'consent_email')::boolean, false),
		consent_until = (p_consent ->> 'consent_until')::date,
		consent_note = nullif(p_consent ->> 'consent_note', '')
	where id = p_id
	returning * into v_after;
	select coalesce(jsonb_object_agg(key, jsonb_build_object('from', before.value, 'to', after.value)), '{}')
	into v_diff
	from jsonb_each(to_jsonb(v_before)) before
	join jsonb_each(to_jsonb(v_after)) after using (key)
	where key in ('consent_given_on', 'consent_given_to', 'consent_web', 'consent_email', 'consent_until')
		and before.value is distinct from after.value;
	if v_before.consent_note is distinct from v_after.consent_note then
		v_diff := v_diff || '{"consent_note": "changed"}';
	end if;
	if v_diff <> '{}' then
		perform public.audit(p_actor, 'story.consent_changed', p_id::text, v_diff, p_ip);
	end if;
end;
$$;

-- A story moves on: submit (draft → in review), approve (a second staff member, in
-- review), publish (approved, consent current → published), unpublish, or withdraw
-- (the person withdrew consent: off at once, for good). Refusals are named
-- exceptions the server turns into messages.
create or replace function public.story_transition(p_actor uuid, p_id uuid, p_action text, p_ip text)
returns void
language plpgsql
set search_path = ''
as $$
declare
	v_story public.stories;
	v_today date := (now() at time zone 'UTC')::date;
begin
	perform public.story_actor(p_actor);
	select * into v_story from public.stories where id = p_id for update;
	if not found then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	if p_action <> 'unpublish' and v_story.consent_withdrawn_at is not null then
		raise exception 'consent_withdrawn' using errcode = 'P0001';
	end if;

	if p_action = 'submit' then
		if v_story.status <> 'draft' then
			raise exception 'wrong_status' using errcode = 'P0001';
		end if;
		update public.stories set status = 'in_review' where id = p_id;
	elsif p_action = 'approve' then
		if v_story.status <> 'in_review' or v_story.reviewed_at is not null then
			raise exception 'wrong_status' using errcode = 'P0001';
		end if;
		if p_actor = v_story.created_by or p_actor = v_story.edited_by then
			raise exception 'own_story' using errcode = 'P0001';
		end if;
		update public.stories set reviewed_by = p_actor, reviewed_at = now(), review_note = null where id = p_id;
	elsif p_action = 'publish' then
		if v_story.status not in ('in_review', 'unpublished') then
			raise exception 'wrong_status' using errcode = 'P0001';
		end if;
		if v_story.reviewed_at is null then
			raise exception 'not_reviewed' using errcode = 'P0001';
		end if;
		if v_story.consent_until is not null and v_story.consent_until < v_today then
			raise exception 'consent_ended' using errcode = 'P0001';
		end if;
		if not (v_story.consent_web or v_story.consent_email) then
			raise exception 'no_use' using errcode = 'P0001';
		end if;
		update public.stories set status = 'published', published_at = now() where id = p_id;
	elsif p_action = 'unpublish' then
		if v_story.status <> 'published' then
			raise exception 'wrong_status' using errcode = 'P0001';
		end if;
		update public.stories set status = 'unpublished' where id = p_id;
	elsif p_action = 'withdraw' then
		update public.stories set
			consent_withdrawn_at = now(),
			status = case when status in ('published', 'unpublished') then 'unpublished' else 'draft' end,
			reviewed_by = case when status = 'in_review' then null else reviewed_by end,
			reviewed_at = case when status = 'in_review' then null else reviewed_at end
		where id = p_id;
	else
		raise exception 'unknown action %', p_action using errcode = '22023';
	end if;
	perform public.audit(p_actor, 'story.' || case p_action
			when 'submit' then 'submitted' when 'approve' then 'approved' when 'publish' then 'published'
			when 'unpublish' then 'unpublished' else 'consent_withdrawn' end,
		p_id::text, jsonb_build_object('from', v_story.status), p_ip);
end;
$$;

-- The seed: the two voices of the report (content/impact-report.txt). Nobody on this
-- site reviewed them, so they are marked as seeded, with a note saying who did:
-- IJM Canada, which reviewed and printed them. Their consent is recorded as the
-- printed report implies it (the web, no end date) and says so; staff replace it
-- with the consent record on file, and from then on the normal rules apply (an end
-- date is required). Email use is off until that record says otherwise.
select set_config('champions.seeding_stories', 'on', true);

insert into public.stories (
	kind, quote_en, quote_fr, attribution_en, attribution_fr, pseudonym, hide_face, hide_place,
	consent_given_to, consent_web, consent_email, consent_note,
	status, reviewed_at, review_note, published_at, seeded, sort)
values
	('survivor',
	 'Do not lose hope. Don’t think that you are not capable of doing greater things. You will go places, just trust in yourself. There are people who are looking for you.',
	 'Ne perdez pas espoir. Ne croyez pas que vous êtes incapable de faire de plus grandes choses. Vous irez loin : ayez confiance en vous. Il y a des gens qui vous cherchent.',
	 'Elsa*, a survivor of sex trafficking from the Philippines',
	 'Elsa*, survivante de la traite à des fins sexuelles, originaire des Philippines',
	 true, true, true,
	 'IJM, for IJM Canada’s printed report “A Proven Solution to a Global Problem”',
	 true, false,
	 'As recorded for the printed report; replace with the consent record on file. Web use is taken from the report’s publication; email use is off until the record says otherwise.',
	 'published', now(),
	 'Reviewed and published in IJM Canada’s printed report “A Proven Solution to a Global Problem”; seeded from it, not reviewed by staff on this site.',
	 now(), true, 1),
	('official',
	 'We have a heart to protect the country—to make sure there is security and social order—by ensuring rights and freedom for all citizens, and by ensuring citizens have understanding and are free from trafficking… Perpetrators may keep coming up with more trickery, but what we have is our will and our responsibility to fight against them.',
	 'Nous avons à cœur de protéger le pays — de veiller à la sécurité et à l’ordre social — en garantissant les droits et la liberté de tous les citoyens, et en veillant à ce que les citoyens soient informés et à l’abri de la traite… Les auteurs de ces crimes continueront peut-être d’inventer de nouvelles ruses, mais nous avons la volonté et la responsabilité de les combattre.',
	 'General Pol Phie They, Director of Cambodia’s Anti-Human Trafficking and Juvenile Protection Police',
	 'Le général Pol Phie They, directeur de la police cambodgienne de lutte contre la traite des personnes et de protection des mineurs',
	 false, false, false,
	 'IJM, for IJM Canada’s printed report “A Proven Solution to a Global Problem”',
	 true, false,
	 'Words spoken publicly in his official role, as recorded for the printed report; replace with the consent record on file. Email use is off until the record says otherwise.',
	 'published', now(),
	 'Reviewed and published in IJM Canada’s printed report “A Proven Solution to a Global Problem”; seeded from it, not reviewed by staff on this site.',
	 now(), true, 2);

select set_config('champions.seeding_stories', 'off', true);
