-- Supporters: one row per person, found by email whatever its letter case.
create table public.supporters (
	id uuid primary key default gen_random_uuid(),
	email text not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 254),
	first_name text check (length(first_name) <= 100),
	last_name text check (length(last_name) <= 100),
	language text not null default 'en' check (language in ('en', 'fr')),
	postal_code text check (length(postal_code) <= 10),
	province text check (province in ('AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT')),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);

-- Email addresses are compared case-insensitively: Jane@X.org and jane@x.org are one person.
create unique index supporters_email_key on public.supporters (lower(email));

create trigger supporters_touch before update on public.supporters
	for each row execute function public.touch_updated_at();

alter table public.supporters enable row level security;
-- No policy for anon or authenticated: only the server (service_role) reads supporters.

-- Consents: an append-only ledger. The current state of a supporter's consent on a
-- channel is their latest row; nothing is ever updated or deleted, so what they
-- agreed to, when, where and in which words can always be shown.
create table public.consents (
	id bigint generated always as identity primary key,
	supporter_id uuid not null references public.supporters (id),
	channel text not null check (channel in ('email')),
	status text not null check (status in ('granted', 'withdrawn')),
	-- CASL: express (a ticked box, until withdrawn) or implied (from a gift or an enquiry, expires).
	kind text not null default 'express' check (kind in ('express', 'implied')),
	-- Where it happened: a page path, an import file, a one-click unsubscribe.
	source text not null check (length(source) between 1 and 500),
	-- The exact words the person was shown (or the withdrawal they made).
	wording text not null check (length(wording) between 1 and 4000),
	language text not null check (language in ('en', 'fr')),
	expires_at timestamptz,
	recorded_at timestamptz not null default now()
);

create index consents_supporter_channel on public.consents (supporter_id, channel, recorded_at desc);

create trigger consents_append_only before update or delete on public.consents
	for each row execute function public.forbid_change();

alter table public.consents enable row level security;
