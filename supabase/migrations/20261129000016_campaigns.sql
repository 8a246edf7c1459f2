-- Campaigns and petitions: "scale demand for protection". A campaign tells a story
-- and carries a petition and a donation goal; a petition is signed once per
-- supporter, counted exactly, and delivered to its target.

create table public.campaigns (
	id uuid primary key default gen_random_uuid(),
	slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	status text not null default 'draft' check (status in ('draft', 'published', 'closed')),
	-- Filled by gifts designated to the campaign (the donations issue).
	goal_cents bigint check (goal_cents > 0),
	currency text not null default 'cad' check (currency ~ '^[a-z]{3}$'),
	published_at timestamptz,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create trigger campaigns_touch before update on public.campaigns
	for each row execute function public.touch_updated_at();

create table public.campaign_translations (
	campaign_id uuid not null references public.campaigns (id) on delete cascade,
	language text not null check (language in ('en', 'fr')),
	title text not null check (length(title) between 1 and 200),
	summary text not null check (length(summary) between 1 and 500),
	-- Plain text; paragraphs separated by blank lines.
	story text not null check (length(story) between 1 and 20000),
	primary key (campaign_id, language)
);

alter table public.petitions
	add column campaign_id uuid references public.campaigns (id),
	add column goal int check (goal > 0),
	add column deadline timestamptz,
	-- Origins (https://partner.example) allowed to frame /embed/petitions/<slug>.
	add column embed_origins text[] not null default '{}'
		check (array_position(embed_origins, null) is null),
	add column signature_count int not null default 0,
	add column published_at timestamptz,
	add column delivered_at timestamptz,
	add column won_at timestamptz;
-- petitions.title stays the staff's name for it (filters, timelines); readers see
-- the translations.

create table public.petition_translations (
	petition_id uuid not null references public.petitions (id) on delete cascade,
	language text not null check (language in ('en', 'fr')),
	title text not null check (length(title) between 1 and 200),
	-- Whom it is addressed to ("The Minister of Public Safety").
	target text not null check (length(target) between 1 and 300),
	letter text not null check (length(letter) between 1 and 10000),
	primary key (petition_id, language)
);

-- News on a campaign or petition that supporters see (and, later, are emailed).
create table public.campaign_updates (
	id bigint generated always as identity primary key,
	campaign_id uuid references public.campaigns (id),
	petition_id uuid references public.petitions (id),
	kind text not null check (kind in ('news', 'delivered', 'won')),
	published_at timestamptz not null default now(),
	created_by uuid references public.staff (id),
	check (campaign_id is not null or petition_id is not null)
);
create table public.campaign_update_translations (
	update_id bigint not null references public.campaign_updates (id) on delete cascade,
	language text not null check (language in ('en', 'fr')),
	title text not null check (length(title) between 1 and 200),
	body text not null check (length(body) between 1 and 5000),
	primary key (update_id, language)
);

-- What a signature keeps beyond "who signed what, when".
alter table public.petition_signatures
	add column comment text check (length(comment) <= 500),
	-- Shown publicly (first name and province) only if they said so.
	add column show_name boolean not null default false,
	add column language text not null default 'en' check (language in ('en', 'fr')),
	add column postal_code text check (length(postal_code) <= 7),
	-- Their own share code: links they share carry it, so "you brought 3 people" can be said.
	add column referral_code text not null unique
		default substr(replace(gen_random_uuid()::text, '-', ''), 1, 10),
	add column referred_by bigint references public.petition_signatures (id),
	-- Where the signature came from: direct, embed:<origin>, share:<channel>, email...
	add column source text check (length(source) <= 200),
	add column consent_id bigint references public.consents (id),
	-- The signer's own thank-you page (/petitions/<slug>/thanks/<token>): the SHA-256 of
	-- a random token only they were given. Not the referral code, which they share.
	add column thanks_token_hash text unique;
create index petition_signatures_petition_time on public.petition_signatures (petition_id, signed_at desc);
create index petition_signatures_referred_by on public.petition_signatures (referred_by)
	where referred_by is not null;

-- The count moves with every signature added or removed (a merge folds one
-- person's two signatures into one), so it is exact without counting rows.
create or replace function public.petition_signatures_count() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if tg_op = 'INSERT' then
		update public.petitions set signature_count = signature_count + 1 where id = new.petition_id;
	elsif tg_op = 'DELETE' then
		update public.petitions set signature_count = signature_count - 1 where id = old.petition_id;
	end if;
	return null;
end;
$$;
-- Deferred to commit: every signature updates the one petition row, so its lock is
-- held only for the commit, not through the rest of the signing transaction.
create constraint trigger petition_signatures_count after insert or delete on public.petition_signatures
	deferrable initially deferred
	for each row execute function public.petition_signatures_count();
update public.petitions p set signature_count = (
	select count(*) from public.petition_signatures s where s.petition_id = p.id);

-- An erased supporter's signatures still count, but say nothing of them.
create or replace function public.supporters_erase_signatures() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	update public.petition_signatures set comment = null, show_name = false, postal_code = null,
		thanks_token_hash = null
	where supporter_id = new.id;
	return null;
end;
$$;
create trigger supporters_erase_signatures after update of erased_at on public.supporters
	for each row when (old.erased_at is null and new.erased_at is not null)
	execute function public.supporters_erase_signatures();

alter table public.campaigns enable row level security;
alter table public.campaign_translations enable row level security;
alter table public.petition_translations enable row level security;
alter table public.campaign_updates enable row level security;
alter table public.campaign_update_translations enable row level security;

-- The province a Canadian postal code belongs to, from its first letter (X0A-X0C
-- is Nunavut, the rest of X the Northwest Territories). Null when it is not one.
create or replace function public.postal_code_province(p_postal_code text) returns text
language sql
immutable
set search_path = ''
as $$
	select case upper(left(trim(p_postal_code), 1))
		when 'A' then 'NL' when 'B' then 'NS' when 'C' then 'PE' when 'E' then 'NB'
		when 'G' then 'QC' when 'H' then 'QC' when 'J' then 'QC'
		when 'K' then 'ON' when 'L' then 'ON' when 'M' then 'ON' when 'N' then 'ON' when 'P' then 'ON'
		when 'R' then 'MB' when 'S' then 'SK' when 'T' then 'AB' when 'V' then 'BC' when 'Y' then 'YT'
		when 'X' then case when upper(left(trim(p_postal_code), 3)) in ('X0A', 'X0B', 'X0C') then 'NU' else 'NT' end
	end;
$$;

-- Counts one attempt against each limit; raises 'rate_limited' (with the limit's
-- name in its detail) when one is over, so the caller's transaction is undone.
create or replace function public.petition_take_limits(p_limits jsonb) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_limit jsonb;
begin
	for v_limit in select * from jsonb_array_elements(coalesce(p_limits, '[]')) loop
		if not public.rate_limit_take(v_limit ->> 'key', (v_limit ->> 'limit')::int,
			(v_limit ->> 'window_seconds')::int) then
			raise exception 'rate_limited' using errcode = 'P0001', detail = v_limit ->> 'name';
		end if;
	end loop;
end;
$$;

-- Signing: one transaction does it all. p_signature: {petition (slug), email,
-- first_name, last_name, postal_code, province (else from the postal code), comment,
-- show_name, language, consent (bool), consent_wording, consent_source, referral
-- (a code), source, thanks_token_hash, limits}. limits: [{name, key, limit,
-- window_seconds}]: the public form's rate limits (per IP, per address), in the same
-- round trip. A limit already used up refuses at once, writing nothing (a flood costs
-- a read each); otherwise the attempt is counted last, so the counter rows are locked
-- only for the commit, and one that loses a race to the last slot raises
-- 'rate_limited' (everything undone).
-- Returns {signature_id, referral_code, count, already, supporter_id}, or {limited:
-- name}, or raises 'not_open' (draft, closed, past its deadline) or 'rate_limited'.
-- count is read before this signature is counted (at commit): it adds one for it.
create or replace function public.petition_sign(p_signature jsonb) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_petition public.petitions;
	v_supporter uuid;
	v_signature public.petition_signatures;
	v_referrer bigint;
	v_consent bigint;
	v_language text := coalesce(p_signature ->> 'language', 'en');
	v_province text := coalesce(nullif(p_signature ->> 'province', ''),
		public.postal_code_province(p_signature ->> 'postal_code'));
	v_limit jsonb;
	v_count int;
	v_title text;
begin
	select * into v_petition from public.petitions where slug = p_signature ->> 'petition';
	if not found or v_petition.status <> 'published'
		or (v_petition.deadline is not null and v_petition.deadline < now()) then
		raise exception 'not_open' using errcode = 'P0001';
	end if;

	for v_limit in select * from jsonb_array_elements(coalesce(p_signature -> 'limits', '[]')) loop
		if (select h.count from public.rate_limit_hits h
			where h.key = v_limit ->> 'key'
				and h.window_start = to_timestamp(floor(extract(epoch from now())
					/ (v_limit ->> 'window_seconds')::int) * (v_limit ->> 'window_seconds')::int))
			>= (v_limit ->> 'limit')::int then
			return jsonb_build_object('limited', v_limit ->> 'name');
		end if;
	end loop;

	-- One supporter per address, any letter case; blanks filled, nothing overwritten.
	insert into public.supporters (email, first_name, last_name, language, postal_code, province)
	values (trim(p_signature ->> 'email'), nullif(p_signature ->> 'first_name', ''),
		nullif(p_signature ->> 'last_name', ''), v_language, nullif(p_signature ->> 'postal_code', ''),
		v_province)
	on conflict ((lower(email))) do update set
		first_name = coalesce(public.supporters.first_name, excluded.first_name),
		last_name = coalesce(public.supporters.last_name, excluded.last_name),
		postal_code = coalesce(public.supporters.postal_code, excluded.postal_code),
		province = coalesce(public.supporters.province, excluded.province)
	returning id into v_supporter;

	select id into v_referrer from public.petition_signatures
	where referral_code = p_signature ->> 'referral' and petition_id = v_petition.id;

	insert into public.petition_signatures (petition_id, supporter_id, comment, show_name, language,
		postal_code, referred_by, source, thanks_token_hash)
	values (v_petition.id, v_supporter, nullif(trim(p_signature ->> 'comment'), ''),
		coalesce((p_signature ->> 'show_name')::boolean, false), v_language,
		nullif(p_signature ->> 'postal_code', ''), v_referrer, nullif(p_signature ->> 'source', ''),
		nullif(p_signature ->> 'thanks_token_hash', ''))
	on conflict (petition_id, supporter_id) do nothing
	returning * into v_signature;

	if v_signature.id is null then
		perform public.petition_take_limits(p_signature -> 'limits');
		select * into v_signature from public.petition_signatures
		where petition_id = v_petition.id and supporter_id = v_supporter;
		select signature_count into v_count from public.petitions where id = v_petition.id;
		return jsonb_build_object('signature_id', v_signature.id, 'referral_code', v_signature.referral_code,
			'count', v_count, 'already', true, 'supporter_id', v_supporter);
	end if;

	if coalesce((p_signature ->> 'consent')::boolean, false) then
		insert into public.consents (supporter_id, channel, status, kind, source, wording, language)
		values (v_supporter, 'email', 'granted', 'express', p_signature ->> 'consent_source',
			p_signature ->> 'consent_wording', v_language)
		returning id into v_consent;
		update public.petition_signatures set consent_id = v_consent where id = v_signature.id;
	end if;

	-- The email carries the title in the signer's language: templates render from their data alone.
	select t.title into v_title from public.petition_translations t
	where t.petition_id = v_petition.id
	order by t.language = v_language desc, t.language = 'en' desc
	limit 1;

	perform public.email_enqueue(jsonb_build_array(jsonb_build_object(
		'idempotency_key', 'petition-thanks:' || v_signature.id,
		'template', 'petition-thanks',
		'data', jsonb_build_object('petition', v_petition.slug, 'referral', v_signature.referral_code,
			'title', coalesce(v_title, v_petition.title)),
		'language', v_language,
		'supporter_id', v_supporter,
		'to_email', trim(p_signature ->> 'email'),
		'kind', 'transactional')));

	perform public.petition_take_limits(p_signature -> 'limits');
	select signature_count + 1 into v_count from public.petitions where id = v_petition.id;
	return jsonb_build_object('signature_id', v_signature.id, 'referral_code', v_signature.referral_code,
		'count', v_count, 'already', false, 'supporter_id', v_supporter);
end;
$$;

-- A new signature moves the count; it does not make the petition "last edited".
drop trigger petitions_touch on public.petitions;
create trigger petitions_touch before update on public.petitions
	for each row when (old.signature_count is not distinct from new.signature_count)
	execute function public.touch_updated_at();

-- Secrets the app instances share, made here so that no setting is needed.
-- 'petition-form' signs the moment a petition form was served (the minimum fill
-- time, src/lib/server/petitions/form-token.ts). Only the server reads it.
create table public.app_secrets (
	name text primary key,
	value text not null default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
);
alter table public.app_secrets enable row level security;
insert into public.app_secrets (name) values ('petition-form');

-- The public pages read through the server (service role) with these functions,
-- which return only what a reader may see: published or closed campaigns and
-- petitions, never a draft, and of signers only a first name and province (and
-- comment) they chose to show. Each answers in the reader's language, else English.

-- Updates on a campaign (and its petitions) or on one petition, newest first.
create or replace function public.campaign_updates_for(p_campaign uuid, p_petition uuid, p_language text)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select coalesce(jsonb_agg(jsonb_build_object('id', u.id, 'kind', u.kind,
		'published_at', u.published_at, 'title', t.title, 'body', t.body) order by u.published_at desc, u.id desc), '[]')
	from (
		select * from public.campaign_updates u
		where u.published_at <= now() and (
			u.petition_id = p_petition or u.campaign_id = p_campaign
			or u.petition_id in (select p.id from public.petitions p where p.campaign_id = p_campaign))
		order by u.published_at desc, u.id desc
		limit 20
	) u
	cross join lateral (
		select * from public.campaign_update_translations t where t.update_id = u.id
		order by t.language = p_language desc, t.language = 'en' desc limit 1
	) t;
$$;

-- A petition's page: its words, count, goal, and the last ten signers who said
-- their first name may be shown. Null for an unknown slug or a draft.
create or replace function public.petition_page(p_slug text, p_language text) returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object(
		'slug', p.slug,
		'status', p.status,
		'open', p.status = 'published' and (p.deadline is null or p.deadline > now()),
		'goal', p.goal,
		'deadline', p.deadline,
		'count', p.signature_count,
		'delivered_at', p.delivered_at,
		'won_at', p.won_at,
		'embed_origins', to_jsonb(p.embed_origins),
		'language', t.language,
		'title', t.title,
		'target', t.target,
		'letter', t.letter,
		'campaign', (
			select jsonb_build_object('slug', c.slug, 'title', ct.title)
			from public.campaigns c
			cross join lateral (
				select x.title from public.campaign_translations x where x.campaign_id = c.id
				order by x.language = p_language desc, x.language = 'en' desc limit 1
			) ct
			where c.id = p.campaign_id and c.status in ('published', 'closed')),
		'recent', (
			select coalesce(jsonb_agg(jsonb_build_object('first_name', r.first_name,
				'province', r.province, 'comment', r.comment, 'signed_at', r.signed_at)
				order by r.signed_at desc), '[]')
			from (
				select s.first_name, coalesce(public.postal_code_province(ps.postal_code), s.province) as province,
					ps.comment, ps.signed_at
				from public.petition_signatures ps
				join public.supporters s on s.id = ps.supporter_id
				where ps.petition_id = p.id and ps.show_name and s.erased_at is null
					and nullif(trim(s.first_name), '') is not null
				order by ps.signed_at desc
				limit 10
			) r),
		'updates', public.campaign_updates_for(null, p.id, p_language))
	from public.petitions p
	cross join lateral (
		select * from public.petition_translations x where x.petition_id = p.id
		order by x.language = p_language desc, x.language = 'en' desc limit 1
	) t
	where p.slug = p_slug and p.status in ('published', 'closed');
$$;

-- A campaign's page: its story, goal, petitions and updates. Null for a draft.
-- (What was raised comes with the donations issue.)
create or replace function public.campaign_page(p_slug text, p_language text) returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object(
		'slug', c.slug,
		'status', c.status,
		'goal_cents', c.goal_cents,
		'currency', c.currency,
		'language', t.language,
		'title', t.title,
		'summary', t.summary,
		'story', t.story,
		'petitions', (
			select coalesce(jsonb_agg(jsonb_build_object('slug', p.slug, 'status', p.status,
				'open', p.status = 'published' and (p.deadline is null or p.deadline > now()),
				'title', pt.title, 'target', pt.target, 'count', p.signature_count, 'goal', p.goal)
				order by p.created_at desc), '[]')
			from public.petitions p
			cross join lateral (
				select x.title, x.target from public.petition_translations x where x.petition_id = p.id
				order by x.language = p_language desc, x.language = 'en' desc limit 1
			) pt
			where p.campaign_id = c.id and p.status in ('published', 'closed')),
		'updates', public.campaign_updates_for(c.id, null, p_language))
	from public.campaigns c
	cross join lateral (
		select * from public.campaign_translations x where x.campaign_id = c.id
		order by x.language = p_language desc, x.language = 'en' desc limit 1
	) t
	where c.slug = p_slug and c.status in ('published', 'closed');
$$;

-- Published and closed campaigns, open ones first, newest first.
create or replace function public.campaign_list(p_language text) returns jsonb
language sql
stable
set search_path = ''
as $$
	select coalesce(jsonb_agg(jsonb_build_object('slug', c.slug, 'status', c.status,
		'title', t.title, 'summary', t.summary,
		'petition', (
			select jsonb_build_object('slug', p.slug, 'count', p.signature_count, 'goal', p.goal)
			from public.petitions p
			where p.campaign_id = c.id and p.status = 'published'
			order by p.created_at desc limit 1))
		order by c.status = 'published' desc, coalesce(c.published_at, c.created_at) desc), '[]')
	from public.campaigns c
	cross join lateral (
		select x.title, x.summary from public.campaign_translations x where x.campaign_id = c.id
		order by x.language = p_language desc, x.language = 'en' desc limit 1
	) t
	where c.status in ('published', 'closed');
$$;

-- The home page's open campaign, now in the reader's language and counted by the
-- trigger. anon may call it: slug, title and count, nothing about signers.
drop function public.petition_open_summary();
create or replace function public.petition_open_summary(p_language text)
returns table (slug text, title text, signatures bigint)
language sql
stable
security definer
set search_path = ''
as $$
	select p.slug, coalesce(t.title, p.title), p.signature_count::bigint
	from public.petitions p
	left join lateral (
		select x.title from public.petition_translations x where x.petition_id = p.id
		order by x.language = p_language desc, x.language = 'en' desc limit 1
	) t on true
	where p.status = 'published' and (p.deadline is null or p.deadline > now())
	order by coalesce(p.published_at, p.created_at) desc
	limit 1;
$$;
grant execute on function public.petition_open_summary(text) to anon;

-- A signer's thank-you page, by the token only they were given: their referral
-- code, how many signed through it, and whether to offer email updates again.
create or replace function public.petition_thanks(p_slug text, p_token_hash text, p_language text)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object(
		'referral_code', ps.referral_code,
		'referred', (select count(*) from public.petition_signatures r where r.referred_by = ps.id),
		'consent_offered', ps.consent_id is null and s.erased_at is null
			and not (s.email_consent is not distinct from 'granted'
				and (s.email_consent_expires_at is null or s.email_consent_expires_at > now())),
		'petition', jsonb_build_object('slug', p.slug, 'title', t.title, 'count', p.signature_count,
			'goal', p.goal, 'embed_origins', to_jsonb(p.embed_origins),
			'campaign', (select c.slug from public.campaigns c
				where c.id = p.campaign_id and c.status = 'published')))
	from public.petition_signatures ps
	join public.petitions p on p.id = ps.petition_id
	join public.supporters s on s.id = ps.supporter_id
	cross join lateral (
		select x.title from public.petition_translations x where x.petition_id = p.id
		order by x.language = p_language desc, x.language = 'en' desc limit 1
	) t
	where ps.thanks_token_hash = p_token_hash and p.slug = p_slug and p.status in ('published', 'closed');
$$;

-- "Yes, email me the results" on the thank-you page, for a signer who did not tick
-- the box: an express consent with the words they were shown. Once.
create or replace function public.petition_thanks_consent(p_token_hash text, p_wording text, p_source text)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
	v_signature public.petition_signatures;
	v_consent bigint;
begin
	select ps.* into v_signature from public.petition_signatures ps
	join public.supporters s on s.id = ps.supporter_id
	where ps.thanks_token_hash = p_token_hash and s.erased_at is null
	for update of ps;
	if not found or v_signature.consent_id is not null then
		return false;
	end if;
	insert into public.consents (supporter_id, channel, status, kind, source, wording, language)
	values (v_signature.supporter_id, 'email', 'granted', 'express', p_source, p_wording, v_signature.language)
	returning id into v_consent;
	update public.petition_signatures set consent_id = v_consent where id = v_signature.id;
	return true;
end;
$$;

-- The campaign the site opens with (issue 6), in both languages.
with campaign as (
	insert into public.campaigns (slug, status, goal_cents, published_at)
	values ('protect-children-online', 'published', 5000000, now())
	returning id
), campaign_text as (
	insert into public.campaign_translations (campaign_id, language, title, summary, story)
	select id, language, title, summary, story from campaign, (values
		('en', 'Protect children from online sexual exploitation in the Philippines',
			'Children in the Philippines are abused on live video for paying viewers, some of them in Canada. Justice systems can stop it, as they stopped child sex trafficking in the streets.',
			E'Where IJM worked alongside authorities in Cambodia and the Philippines, the number of minors available for sexual exploitation fell by at least 73 %. Criminals have moved online: children are abused on live video for people who pay to watch, many of them abroad.\n\nIJM’s 2020 study found that IP addresses used for this abuse in the Philippines rose from 43 to 149 per 10,000 between 2014 and 2017. In 2022, nearly half a million Filipino children, about 1 in 100, were trafficked to produce sexual exploitation material.\n\nThe same model works here: police who can investigate across borders, prosecutors who build strong cases, courts that protect child witnesses, and aftercare for survivors. Canada has a part to play, because some of the people paying for this abuse live here.'),
		('fr', 'Protéger les enfants de l’exploitation sexuelle en ligne aux Philippines',
			'Aux Philippines, des enfants sont abusés en direct devant des spectateurs qui paient, dont certains au Canada. Les systèmes de justice peuvent y mettre fin, comme ils l’ont fait pour la traite d’enfants dans la rue.',
			E'Là où IJM a travaillé avec les autorités au Cambodge et aux Philippines, le nombre de mineurs disponibles pour l’exploitation sexuelle a baissé d’au moins 73 %. Les criminels se sont déplacés en ligne : des enfants sont abusés en vidéo, en direct, devant des personnes qui paient pour regarder, souvent à l’étranger.\n\nL’étude d’IJM de 2020 a montré que les adresses IP servant à ces abus aux Philippines sont passées de 43 à 149 sur 10 000 entre 2014 et 2017. En 2022, près d’un demi-million d’enfants philippins, environ 1 sur 100, ont été victimes de traite pour produire du matériel d’exploitation sexuelle.\n\nLe même modèle fonctionne ici : des policiers capables d’enquêter au-delà des frontières, des procureurs qui montent des dossiers solides, des tribunaux qui protègent les enfants témoins et un suivi pour les survivants. Le Canada a un rôle à jouer, car certaines des personnes qui paient pour ces abus vivent ici.')
	) as t (language, title, summary, story)
	returning 1
), petition as (
	insert into public.petitions (slug, title, status, campaign_id, goal, deadline, published_at)
	select 'protect-children-online', 'Protect children from online sexual exploitation (Minister of Public Safety)',
		'published', id, 10000, '2027-06-30T23:59:59-04:00', now()
	from campaign
	returning id
)
insert into public.petition_translations (petition_id, language, title, target, letter)
select id, language, title, target, letter from petition, (values
	('en', 'Stop Canadians from paying for the live-streamed abuse of children',
		'The Minister of Public Safety of Canada',
		E'Dear Minister,\n\nChildren in the Philippines are being sexually abused on live video for paying viewers around the world, including in Canada. Where police, prosecutors and courts have worked together, this kind of violence has fallen sharply: it can be stopped.\n\nWe ask the Government of Canada to:\n\n1. Give the RCMP the mandate and resources to investigate Canadians who pay for the live-streamed sexual abuse of children, and to work with Philippine authorities on these cases.\n2. Require online platforms and payment providers operating in Canada to detect, report and stop the live-streamed abuse of children.\n3. Support survivors’ protection and recovery through Canada’s international assistance.\n\nEvery child deserves to be protected by the law. Please act now.'),
	('fr', 'Empêcher des Canadiens de payer pour des abus d’enfants diffusés en direct',
		'Le ministre de la Sécurité publique du Canada',
		E'Monsieur le Ministre,\n\nAux Philippines, des enfants sont abusés sexuellement en vidéo, en direct, devant des spectateurs qui paient partout dans le monde, y compris au Canada. Là où la police, les procureurs et les tribunaux ont travaillé ensemble, cette violence a fortement reculé : on peut y mettre fin.\n\nNous demandons au gouvernement du Canada :\n\n1. De donner à la GRC le mandat et les ressources pour enquêter sur les Canadiens qui paient pour des abus sexuels d’enfants diffusés en direct, et pour travailler avec les autorités philippines sur ces dossiers.\n2. D’obliger les plateformes en ligne et les services de paiement actifs au Canada à détecter, signaler et faire cesser la diffusion en direct d’abus d’enfants.\n3. De soutenir la protection et le rétablissement des survivants par l’aide internationale du Canada.\n\nChaque enfant mérite d’être protégé par la loi. Agissez maintenant.')
) as t (language, title, target, letter);
