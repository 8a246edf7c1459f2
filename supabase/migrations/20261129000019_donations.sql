-- Donations: Stripe Checkout (once or monthly), the webhook's effects, and CRA
-- official receipts. Amounts are integer cents with their currency, always from
-- Stripe's objects. Every Stripe event is recorded by id before it acts, in the
-- same transaction as its effect, so a repeated event changes nothing twice; each
-- handler is written so that the end state is right whatever order events come in.

-- What the donation form offers and what receipts say. One row.
create table public.donation_settings (
	id boolean primary key default true check (id),
	currency text not null default 'cad' check (currency ~ '^[a-z]{3}$'),
	min_cents bigint not null default 500 check (min_cents >= 100),
	max_cents bigint not null default 2500000 check (max_cents <= 99999999),
	-- What card processing costs, for "cover the fees": a percentage (basis points)
	-- plus a fixed amount per payment. Stripe Canada's domestic card price.
	fee_percent_bp int not null default 290 check (fee_percent_bp between 0 and 1000),
	fee_fixed_cents int not null default 30 check (fee_fixed_cents between 0 and 500),
	-- The charity as registered with the CRA, as every official receipt prints it.
	-- Until the registration number, address, place of issue and signatory are set
	-- (by an admin, /admin/donations/settings), receipts are samples in the TEST series.
	charity_legal_name text not null default 'International Justice Mission Canada'
		check (length(charity_legal_name) between 1 and 200),
	charity_address text check (length(charity_address) between 1 and 500),
	registration_number text check (registration_number ~ '^[0-9]{9}RR[0-9]{4}$'),
	-- Where receipts are issued (a locality, as the CRA asks).
	receipt_location text check (length(receipt_location) between 1 and 200),
	signatory_name text check (length(signatory_name) between 1 and 200),
	signatory_title text check (length(signatory_title) between 1 and 200),
	updated_at timestamptz not null default now(),
	updated_by uuid references public.staff (id),
	check (min_cents < max_cents)
);
insert into public.donation_settings default values;
create trigger donation_settings_touch before update on public.donation_settings
	for each row execute function public.touch_updated_at();
alter table public.donation_settings enable row level security;

-- The amount ladder: suggested amounts, each with what it does, in both languages.
create table public.donation_amounts (
	id uuid primary key default gen_random_uuid(),
	frequency text not null check (frequency in ('one_time', 'monthly')),
	amount_cents bigint not null check (amount_cents > 0),
	position int not null default 0,
	-- The amount preselected for this frequency (at most one).
	is_default boolean not null default false,
	impact_en text not null check (length(impact_en) between 1 and 200),
	impact_fr text not null check (length(impact_fr) between 1 and 200),
	unique (frequency, amount_cents)
);
create unique index donation_amounts_one_default on public.donation_amounts (frequency) where is_default;
alter table public.donation_amounts enable row level security;

insert into public.donation_amounts (frequency, amount_cents, position, is_default, impact_en, impact_fr) values
	('one_time', 5000, 1, false,
		'Helps a survivor reach a trauma-informed counsellor.',
		'Aide une survivante à voir une conseillère formée au trauma.'),
	('one_time', 10000, 2, true,
		'Helps train police to handle a violence case with care.',
		'Aide à former la police à traiter un cas de violence avec soin.'),
	('one_time', 25000, 3, false,
		'Helps a lawyer carry a survivor''s case through court.',
		'Aide une avocate à mener le dossier d''une survivante au tribunal.'),
	('one_time', 50000, 4, false,
		'Helps a rescue operation bring people out of forced labour.',
		'Aide une opération de libération à sortir des personnes du travail forcé.'),
	('monthly', 2500, 1, false,
		'Each month, helps a survivor stay in school or work.',
		'Chaque mois, aide une survivante à rester à l''école ou au travail.'),
	('monthly', 5000, 2, true,
		'Each month, helps keep a case moving until a verdict.',
		'Chaque mois, aide un dossier à avancer jusqu''au verdict.'),
	('monthly', 10000, 3, false,
		'Each month, helps protect a community from violence.',
		'Chaque mois, aide à protéger une communauté de la violence.');

-- What a donor asked for, before Stripe. Its id is the Checkout session's
-- client_reference_id and is in the metadata of the payment and the subscription,
-- so every later event finds it. Holds what the receipt needs (name, address).
create table public.donation_checkouts (
	id uuid primary key default gen_random_uuid(),
	created_at timestamptz not null default now(),
	status text not null default 'open' check (status in ('open', 'completed', 'failed', 'expired')),
	-- Made without a Stripe key (the local test checkout) or with a test-mode key.
	test boolean not null,
	frequency text not null check (frequency in ('one_time', 'monthly')),
	-- What the donor chose, and what covering the fees added (fee_cents is in amount_cents).
	amount_cents bigint not null check (amount_cents > 0),
	fee_cents bigint not null default 0 check (fee_cents >= 0 and fee_cents < amount_cents),
	currency text not null check (currency ~ '^[a-z]{3}$'),
	campaign_id uuid references public.campaigns (id),
	tribute_kind text check (tribute_kind in ('honour', 'memory')),
	tribute_name text check (length(tribute_name) between 1 and 200),
	tribute_notify_email text check (length(tribute_notify_email) <= 254),
	anonymous boolean not null default false,
	wants_receipt boolean not null default false,
	email text not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 254),
	first_name text check (length(first_name) <= 100),
	last_name text check (length(last_name) <= 100),
	address_line1 text check (length(address_line1) <= 200),
	address_line2 text check (length(address_line2) <= 200),
	city text check (length(city) <= 100),
	province text check (length(province) <= 100),
	postal_code text check (length(postal_code) <= 20),
	country text check (length(country) <= 100),
	language text not null check (language in ('en', 'fr')),
	-- The donor ticked "keep me informed": recorded in the consent ledger when the gift succeeds.
	email_consent boolean not null default false,
	consent_wording text check (length(consent_wording) <= 4000),
	consent_source text check (length(consent_source) <= 500),
	stripe_session_id text unique,
	supporter_id uuid references public.supporters (id),
	-- CRA: an official receipt names the donor and their address.
	check (not wants_receipt or (first_name is not null and last_name is not null
		and address_line1 is not null and city is not null and postal_code is not null))
);
create index donation_checkouts_supporter on public.donation_checkouts (supporter_id);
alter table public.donation_checkouts enable row level security;

-- A monthly gift: one Stripe subscription.
create table public.recurring_gifts (
	id uuid primary key default gen_random_uuid(),
	checkout_id uuid not null unique references public.donation_checkouts (id),
	supporter_id uuid not null references public.supporters (id),
	test boolean not null,
	stripe_subscription text not null unique,
	stripe_customer text,
	amount_cents bigint not null check (amount_cents > 0),
	currency text not null check (currency ~ '^[a-z]{3}$'),
	campaign_id uuid references public.campaigns (id),
	status text not null check (status in
		('incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'unpaid', 'canceled', 'paused')),
	started_at timestamptz not null default now(),
	canceled_at timestamptz,
	-- Stripe's time of the last subscription event applied: an older one, late, changes nothing.
	stripe_updated_at timestamptz,
	-- Renewals that failed in a row (reset by a paid one), for staff's "failed renewals".
	failed_renewals int not null default 0,
	last_failed_at timestamptz,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create index recurring_gifts_supporter on public.recurring_gifts (supporter_id);
create trigger recurring_gifts_touch before update on public.recurring_gifts
	for each row execute function public.touch_updated_at();
alter table public.recurring_gifts enable row level security;

-- Gifts (0008 made the table): now with where they came from in Stripe.
alter table public.gifts
	add column checkout_id uuid references public.donation_checkouts (id),
	add column recurring_gift_id uuid references public.recurring_gifts (id),
	add column campaign_id uuid references public.campaigns (id),
	add column fee_cents bigint not null default 0 check (fee_cents >= 0),
	add column refunded_cents bigint not null default 0 check (refunded_cents >= 0),
	add column dispute_status text check (dispute_status in ('open', 'won', 'lost')),
	add column anonymous boolean not null default false,
	add column tribute_kind text check (tribute_kind in ('honour', 'memory')),
	add column tribute_name text check (length(tribute_name) <= 200),
	add column stripe_payment_intent text unique,
	add column stripe_invoice text unique,
	add column failure_reason text check (length(failure_reason) <= 500),
	add column updated_at timestamptz not null default now(),
	-- What the gift brings in, after refunds and a lost dispute: what totals add up.
	add column net_cents bigint generated always as (
		case when status = 'succeeded' and dispute_status is distinct from 'lost'
			then greatest(amount_cents - refunded_cents, 0) else 0 end) stored,
	add constraint gifts_refund_within check (refunded_cents <= amount_cents);
-- One one-time gift per checkout; a monthly gift has one gift per paid invoice.
create unique index gifts_one_time_checkout on public.gifts (checkout_id) where frequency = 'one_time';
create index gifts_received on public.gifts (received_at desc);
create index gifts_campaign on public.gifts (campaign_id) where campaign_id is not null;
create index gifts_recurring on public.gifts (recurring_gift_id) where recurring_gift_id is not null;
create trigger gifts_touch before update on public.gifts
	for each row execute function public.touch_updated_at();

-- Every Stripe event applied, by id: a second delivery finds its id and does nothing.
create table public.stripe_events (
	id text primary key,
	type text not null,
	-- When Stripe made the event (orders subscription updates).
	stripe_created_at timestamptz not null,
	livemode boolean not null,
	received_at timestamptz not null default now(),
	-- What it did: 'applied', 'ignored' (a type we do not act on) or why it did nothing.
	outcome text not null
);
create index stripe_events_received on public.stripe_events (received_at desc);
alter table public.stripe_events enable row level security;

-- Refunds and disputes by payment, kept even when they arrive before the gift they
-- belong to (events come out of order): the gift takes them when it is made.
create table public.stripe_payment_states (
	payment_intent text primary key,
	refunded_cents bigint not null default 0 check (refunded_cents >= 0),
	dispute_status text check (dispute_status in ('open', 'won', 'lost')),
	updated_at timestamptz not null default now()
);
alter table public.stripe_payment_states enable row level security;

-- Official receipts for income tax purposes. A receipt is a snapshot of what was
-- printed; it is never changed, only voided (and kept), and a correction is a new
-- receipt with a new serial that says which one it cancels and replaces.
create table public.receipt_serials (
	-- 'TEST-<year>' for receipts of test gifts and samples, so they never use a real number.
	series text primary key,
	last_number int not null default 0
);
alter table public.receipt_serials enable row level security;

create table public.receipts (
	id uuid primary key default gen_random_uuid(),
	serial text not null unique,
	kind text not null check (kind in ('gift', 'annual')),
	-- A test gift's receipt, or a sample (the charity's details were not set): not official.
	test boolean not null,
	supporter_id uuid not null references public.supporters (id),
	tax_year int not null,
	-- The day the gift was received (a 'gift' receipt); an annual receipt lists its gifts.
	received_on date,
	issued_at timestamptz not null default now(),
	issued_location text not null,
	charity_legal_name text not null,
	charity_address text not null,
	registration_number text not null,
	signatory_name text not null,
	signatory_title text not null,
	donor_name text not null,
	donor_address text not null,
	amount_cents bigint not null check (amount_cents > 0),
	advantage_cents bigint not null default 0 check (advantage_cents >= 0),
	eligible_cents bigint generated always as (amount_cents - advantage_cents) stored,
	currency text not null,
	language text not null check (language in ('en', 'fr')),
	status text not null default 'issued' check (status in ('issued', 'void')),
	voided_at timestamptz,
	void_reason text check (void_reason in ('refunded', 'partially_refunded', 'dispute_lost', 'reissued', 'corrected')),
	-- The receipt this one cancels and replaces.
	replaces_id uuid unique references public.receipts (id),
	check (advantage_cents < amount_cents),
	check ((status = 'void') = (voided_at is not null))
);
create index receipts_supporter on public.receipts (supporter_id, issued_at desc);
alter table public.receipts enable row level security;

create table public.receipt_gifts (
	receipt_id uuid not null references public.receipts (id),
	gift_id uuid not null references public.gifts (id),
	amount_cents bigint not null check (amount_cents > 0),
	primary key (receipt_id, gift_id)
);
create index receipt_gifts_gift on public.receipt_gifts (gift_id);
alter table public.receipt_gifts enable row level security;

-- A receipt's printed fields never change; only issued -> void.
create or replace function public.receipts_guard() returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if tg_op = 'DELETE' then
		if current_setting('champions.rewriting_history', true) = 'on' then
			return old;
		end if;
		raise exception 'receipts are kept: a receipt is voided, never deleted' using errcode = 'P0001';
	end if;
	if current_setting('champions.rewriting_history', true) = 'on' then
		return new;
	end if;
	-- (eligible_cents is generated: a BEFORE trigger sees it as null in NEW.)
	if old.status = 'void' or new.status <> 'void'
		or (to_jsonb(new) - array['status', 'voided_at', 'void_reason', 'eligible_cents'])
			is distinct from (to_jsonb(old) - array['status', 'voided_at', 'void_reason', 'eligible_cents']) then
		raise exception 'a receipt is never changed, only voided' using errcode = 'P0001';
	end if;
	return new;
end;
$$;
create trigger receipts_guard before update or delete on public.receipts
	for each row execute function public.receipts_guard();
create trigger receipt_gifts_append_only before update or delete on public.receipt_gifts
	for each row execute function public.forbid_change();

-- The next serial of a series, gapless and never reused: the counter row is locked
-- until the receipt's transaction ends.
create or replace function public.receipt_next_serial(p_test boolean, p_year int) returns text
language sql
set search_path = ''
as $$
	insert into public.receipt_serials as s (series, last_number)
	values (case when p_test then 'TEST-' || p_year else p_year::text end, 1)
	on conflict (series) do update set last_number = s.last_number + 1
	returning s.series || '-' || lpad(s.last_number::text, 6, '0');
$$;

-- Issues one official receipt for these gifts (their amounts after refunds), with
-- the charity's details as they are now and the donor's name and address from
-- their checkout. Queues the email that carries it. Returns the receipt's id, or
-- null when there is nothing left to receipt (every gift refunded).
create or replace function public.receipt_issue(
	p_gifts uuid[], p_kind text, p_replaces uuid default null, p_email boolean default true
) returns uuid
language plpgsql
set search_path = ''
as $$
declare
	v_settings public.donation_settings;
	v_checkout public.donation_checkouts;
	v_supporter public.supporters;
	v_first public.gifts;
	v_total bigint;
	v_id uuid;
	v_year int;
	v_address text;
	v_sample boolean;
begin
	-- The gifts are locked first, so a refund cannot change what they brought in while
	-- their receipt is printed (a refund locks its gift, then the receipt).
	perform 1 from public.gifts where id = any (p_gifts) order by id for update;
	select * into v_first from public.gifts where id = any (p_gifts) order by received_at desc limit 1;
	select coalesce(sum(net_cents), 0) into v_total from public.gifts where id = any (p_gifts);
	if v_first.id is null or v_total <= 0 then
		return null;
	end if;
	select * into v_settings from public.donation_settings;
	select * into v_supporter from public.supporters where id = v_first.supporter_id;
	-- The latest checkout of these gifts that asked for a receipt carries the name and address.
	select c.* into v_checkout from public.gifts g
	join public.donation_checkouts c on c.id = g.checkout_id
	where g.id = any (p_gifts) and c.wants_receipt
	order by c.created_at desc limit 1;
	if v_checkout.id is null then
		return null;
	end if;
	v_year := extract(year from v_first.received_at at time zone 'America/Toronto')::int;
	-- Without the charity's registered details a receipt can only be a sample.
	v_sample := v_first.test or v_settings.registration_number is null or v_settings.charity_address is null
		or v_settings.receipt_location is null or v_settings.signatory_name is null;
	v_address := concat_ws(E'\n', v_checkout.address_line1, nullif(v_checkout.address_line2, ''),
		concat_ws(' ', v_checkout.city || coalesce(' ' || nullif(v_checkout.province, ''), ''),
			v_checkout.postal_code),
		nullif(v_checkout.country, ''));

	insert into public.receipts (serial, kind, test, supporter_id, tax_year, received_on,
		issued_location, charity_legal_name, charity_address, registration_number,
		signatory_name, signatory_title, donor_name, donor_address, amount_cents, currency,
		language, replaces_id)
	values (public.receipt_next_serial(v_sample, v_year), p_kind, v_sample, v_first.supporter_id,
		v_year,
		case when p_kind = 'gift' then (v_first.received_at at time zone 'America/Toronto')::date end,
		coalesce(v_settings.receipt_location, '(not set)'), v_settings.charity_legal_name,
		coalesce(v_settings.charity_address, '(not set)'),
		coalesce(v_settings.registration_number, '(not set)'), coalesce(v_settings.signatory_name, '(not set)'),
		coalesce(v_settings.signatory_title, ''),
		v_checkout.first_name || ' ' || v_checkout.last_name, v_address, v_total, v_first.currency,
		-- In the language the donor gave in (an annual receipt: their latest checkout's).
		v_checkout.language, p_replaces)
	returning id into v_id;

	insert into public.receipt_gifts (receipt_id, gift_id, amount_cents)
	select v_id, g.id, g.net_cents from public.gifts g where g.id = any (p_gifts) and g.net_cents > 0;

	if p_email and v_supporter.erased_at is null then
		perform public.email_enqueue(jsonb_build_array(jsonb_build_object(
			'idempotency_key', 'donation-receipt:' || v_id,
			'template', 'donation-receipt',
			'data', jsonb_build_object('receipt_id', v_id, 'replaces', p_replaces is not null),
			'language', v_checkout.language,
			'supporter_id', v_supporter.id,
			'to_email', v_supporter.email,
			'kind', 'transactional')));
	end if;
	return v_id;
end;
$$;

-- After a gift's amount changed (refund, lost dispute): voids its issued receipt
-- and, if something is left to receipt, issues one that cancels and replaces it.
create or replace function public.receipt_follow_gift(p_gift uuid) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_receipt public.receipts;
	v_gift public.gifts;
	v_gifts uuid[];
	v_total bigint;
begin
	select * into v_gift from public.gifts where id = p_gift;
	select r.* into v_receipt from public.receipts r
	join public.receipt_gifts rg on rg.receipt_id = r.id
	where rg.gift_id = p_gift and r.status = 'issued'
	for update of r;
	if v_receipt.id is null then
		return;
	end if;
	select array_agg(gift_id) into v_gifts from public.receipt_gifts where receipt_id = v_receipt.id;
	select coalesce(sum(net_cents), 0) into v_total from public.gifts where id = any (v_gifts);
	if v_total = v_receipt.amount_cents then
		return;
	end if;
	update public.receipts set status = 'void', voided_at = now(),
		void_reason = case
			when v_gift.dispute_status = 'lost' then 'dispute_lost'
			when v_total = 0 then 'refunded'
			else 'partially_refunded' end
	where id = v_receipt.id;
	perform public.receipt_issue(v_gifts, v_receipt.kind, v_receipt.id);
end;
$$;

-- Staff reissue a receipt (the donor lost it or their name or address was wrong
-- and the checkout was corrected): the old one is voided, a new serial replaces it.
create or replace function public.receipt_reissue(p_actor uuid, p_receipt uuid, p_ip text) returns uuid
language plpgsql
set search_path = ''
as $$
declare
	v_receipt public.receipts;
	v_gifts uuid[];
	v_new uuid;
begin
	-- Gifts before their receipt, in the order a refund takes them.
	select array_agg(gift_id) into v_gifts from public.receipt_gifts where receipt_id = p_receipt;
	perform 1 from public.gifts where id = any (v_gifts) order by id for update;
	select * into v_receipt from public.receipts where id = p_receipt for update;
	if not found or v_receipt.status <> 'issued' then
		raise exception 'not_issued' using errcode = 'P0001';
	end if;
	update public.receipts set status = 'void', voided_at = now(), void_reason = 'reissued'
	where id = p_receipt;
	v_new := public.receipt_issue(v_gifts, v_receipt.kind, p_receipt);
	-- Nothing to print it from (the donor was erased) or nothing left to receipt:
	-- the receipt stands as it was.
	if v_new is null then
		raise exception 'cannot_reissue' using errcode = 'P0001';
	end if;
	perform public.audit(p_actor, 'receipt.reissue', p_receipt::text,
		jsonb_build_object('serial', v_receipt.serial, 'replacement', v_new), p_ip);
	return v_new;
end;
$$;

-- One consolidated receipt per monthly donor for a tax year, covering their paid
-- monthly gifts of that year that no receipt covers yet. Safe to run twice.
create or replace function public.receipts_issue_annual(p_actor uuid, p_year int, p_ip text) returns int
language plpgsql
set search_path = ''
as $$
declare
	v_donor record;
	v_count int := 0;
begin
	-- One run at a time: a second one (a double submit, two staff) waits, then sees the
	-- first one's receipts and issues none for the same gifts.
	perform pg_advisory_xact_lock(hashtext('receipts_issue_annual'));
	for v_donor in
		select g.supporter_id, g.test, array_agg(g.id order by g.received_at) as gifts
		from public.gifts g
		join public.donation_checkouts c on c.id = g.checkout_id and c.wants_receipt
		where g.frequency = 'monthly' and g.net_cents > 0
			and extract(year from g.received_at at time zone 'America/Toronto') = p_year
			and not exists (
				select 1 from public.receipt_gifts rg join public.receipts r on r.id = rg.receipt_id
				where rg.gift_id = g.id and r.status = 'issued')
		-- Two people giving under one address get a receipt each, in their own name.
		group by g.supporter_id, g.test, c.first_name, c.last_name, c.address_line1, c.postal_code
	loop
		if public.receipt_issue(v_donor.gifts, 'annual') is not null then
			v_count := v_count + 1;
		end if;
	end loop;
	perform public.audit(p_actor, 'receipts.annual', p_year::text,
		jsonb_build_object('issued', v_count), p_ip);
	return v_count;
end;
$$;

-- The donor behind a checkout, made or found by email (any letter case); blanks
-- filled, nothing overwritten. Their consent, if they gave it, goes in the ledger.
create or replace function public.donation_supporter(p_checkout public.donation_checkouts) returns uuid
language plpgsql
set search_path = ''
as $$
declare
	v_supporter uuid;
	v_province text := public.postal_code_province(p_checkout.postal_code);
begin
	if p_checkout.supporter_id is not null then
		return p_checkout.supporter_id;
	end if;
	insert into public.supporters (email, first_name, last_name, language, postal_code, province)
	values (trim(p_checkout.email), nullif(p_checkout.first_name, ''), nullif(p_checkout.last_name, ''),
		p_checkout.language, nullif(p_checkout.postal_code, ''), v_province)
	on conflict ((lower(email))) do update set
		first_name = coalesce(public.supporters.first_name, excluded.first_name),
		last_name = coalesce(public.supporters.last_name, excluded.last_name),
		postal_code = coalesce(public.supporters.postal_code, excluded.postal_code),
		province = coalesce(public.supporters.province, excluded.province)
	returning id into v_supporter;
	update public.donation_checkouts set supporter_id = v_supporter where id = p_checkout.id;
	if p_checkout.email_consent then
		insert into public.consents (supporter_id, channel, status, kind, source, wording, language, given_at)
		values (v_supporter, 'email', 'granted', 'express', coalesce(p_checkout.consent_source, '/donate'),
			p_checkout.consent_wording, p_checkout.language, p_checkout.created_at);
	end if;
	return v_supporter;
end;
$$;

-- Makes (or finds) the gift of a payment, takes any refund or dispute already
-- known for it, and on success sends the thanks and, if asked for, the receipt.
-- The caller holds the checkout's lock.
create or replace function public.donation_gift_record(
	p_checkout public.donation_checkouts,
	p_gift jsonb
) returns public.gifts
language plpgsql
set search_path = ''
as $$
declare
	v_gift public.gifts;
	v_state public.stripe_payment_states;
	v_supporter uuid;
	v_status text := p_gift ->> 'status';
	v_pi text := nullif(p_gift ->> 'payment_intent', '');
	v_first boolean;
	v_receipt uuid;
begin
	v_supporter := public.donation_supporter(p_checkout);
	if v_pi is not null then
		insert into public.stripe_payment_states as s (payment_intent) values (v_pi)
		on conflict (payment_intent) do update set payment_intent = s.payment_intent
		returning * into v_state;
	end if;

	if p_checkout.frequency = 'one_time' then
		select * into v_gift from public.gifts where checkout_id = p_checkout.id and frequency = 'one_time' for update;
	else
		select * into v_gift from public.gifts where stripe_invoice = p_gift ->> 'invoice' for update;
	end if;

	if v_gift.id is null then
		insert into public.gifts (supporter_id, amount_cents, currency, frequency, status, test,
			received_at, checkout_id, recurring_gift_id, campaign_id, fee_cents, anonymous,
			tribute_kind, tribute_name, stripe_payment_intent, stripe_invoice, failure_reason,
			refunded_cents, dispute_status)
		values (v_supporter, (p_gift ->> 'amount_cents')::bigint, p_gift ->> 'currency',
			p_checkout.frequency, v_status, p_checkout.test,
			coalesce((p_gift ->> 'received_at')::timestamptz, now()), p_checkout.id,
			(p_gift ->> 'recurring_gift_id')::uuid, p_checkout.campaign_id,
			-- A renewal at a changed amount covers no fee that we know of.
			case when (p_gift ->> 'amount_cents')::bigint = p_checkout.amount_cents then p_checkout.fee_cents else 0 end,
			p_checkout.anonymous, p_checkout.tribute_kind, p_checkout.tribute_name, v_pi,
			nullif(p_gift ->> 'invoice', ''), nullif(p_gift ->> 'failure_reason', ''),
			least(coalesce(v_state.refunded_cents, 0), (p_gift ->> 'amount_cents')::bigint),
			v_state.dispute_status)
		returning * into v_gift;
	else
		-- A status moves forward only: pending -> succeeded or failed; failed -> succeeded
		-- (a retried renewal). A late "failed" never undoes a payment.
		if v_gift.status = v_status
			or v_gift.status in ('succeeded', 'refunded')
			or (v_gift.status = 'failed' and v_status <> 'succeeded') then
			return v_gift;
		end if;
		update public.gifts set status = v_status,
			stripe_payment_intent = coalesce(stripe_payment_intent, v_pi),
			received_at = case when v_status = 'succeeded'
				then coalesce((p_gift ->> 'received_at')::timestamptz, received_at) else received_at end,
			failure_reason = case when v_status = 'failed' then nullif(p_gift ->> 'failure_reason', '') end,
			refunded_cents = greatest(refunded_cents, least(coalesce(v_state.refunded_cents, 0), amount_cents)),
			dispute_status = coalesce(v_state.dispute_status, dispute_status)
		where id = v_gift.id
		returning * into v_gift;
	end if;

	if v_gift.status <> 'succeeded' then
		return v_gift;
	end if;
	if v_gift.refunded_cents >= v_gift.amount_cents then
		update public.gifts set status = 'refunded' where id = v_gift.id returning * into v_gift;
		return v_gift;
	end if;

	-- The first payment of this checkout says thank you (a renewal does not: monthly
	-- donors get their receipt for the year).
	v_first := not exists (select 1 from public.gifts g where g.checkout_id = p_checkout.id
		and g.status in ('succeeded', 'refunded') and g.id <> v_gift.id);
	if p_checkout.frequency = 'one_time' and p_checkout.wants_receipt then
		v_receipt := public.receipt_issue(array[v_gift.id], 'gift', null, false);
	end if;
	if v_first then
		perform public.email_enqueue(jsonb_build_array(jsonb_build_object(
			'idempotency_key', 'donation-thanks:' || p_checkout.id,
			'template', 'donation-thanks',
			'data', jsonb_build_object('gift_id', v_gift.id, 'receipt_id', v_receipt),
			'language', p_checkout.language,
			'supporter_id', v_supporter,
			'to_email', trim(p_checkout.email),
			'kind', 'transactional'))
			|| case when p_checkout.tribute_notify_email is not null then jsonb_build_array(jsonb_build_object(
				'idempotency_key', 'donation-tribute:' || p_checkout.id,
				'template', 'donation-tribute',
				'data', jsonb_build_object('gift_id', v_gift.id),
				'language', p_checkout.language,
				'to_email', trim(p_checkout.tribute_notify_email),
				'kind', 'transactional')) else '[]'::jsonb end);
	end if;
	return v_gift;
end;
$$;

-- The monthly gift of a subscription, made by whichever event comes first.
-- The caller holds the checkout's lock.
create or replace function public.donation_recurring_record(
	p_checkout public.donation_checkouts, p_subscription jsonb
) returns public.recurring_gifts
language plpgsql
set search_path = ''
as $$
declare
	v_recurring public.recurring_gifts;
begin
	insert into public.recurring_gifts (checkout_id, supporter_id, test, stripe_subscription,
		stripe_customer, amount_cents, currency, campaign_id, status, started_at)
	values (p_checkout.id, public.donation_supporter(p_checkout), p_checkout.test,
		p_subscription ->> 'subscription', nullif(p_subscription ->> 'customer', ''),
		coalesce((p_subscription ->> 'amount_cents')::bigint, p_checkout.amount_cents),
		coalesce(p_subscription ->> 'currency', p_checkout.currency), p_checkout.campaign_id,
		-- Until Stripe says otherwise, a subscription whose checkout completed is active.
		'active', coalesce((p_subscription ->> 'started_at')::timestamptz, now()))
	on conflict (stripe_subscription) do update set
		stripe_customer = coalesce(public.recurring_gifts.stripe_customer, excluded.stripe_customer)
	returning * into v_recurring;
	return v_recurring;
end;
$$;

-- Applies one Stripe event, as src/lib/server/donations/stripe-events.ts reduces it:
-- {id, type, created, livemode, object: {...}}. Returns what it did. The event id is
-- recorded first: a second delivery, even a concurrent one, waits for the first and
-- then does nothing.
create or replace function public.stripe_event_apply(p_event jsonb) returns text
language plpgsql
set search_path = ''
as $$
declare
	v_type text := p_event ->> 'type';
	v_object jsonb := p_event -> 'object';
	v_created timestamptz := (p_event ->> 'created')::timestamptz;
	v_checkout public.donation_checkouts;
	v_recurring public.recurring_gifts;
	v_state public.stripe_payment_states;
	v_gift public.gifts;
	v_outcome text := 'applied';
	-- An invoice already seen (a failed one Stripe tries again).
	v_retry boolean;
	v_handled text[] := array['checkout.session.completed', 'checkout.session.async_payment_succeeded',
		'checkout.session.async_payment_failed', 'checkout.session.expired', 'invoice.paid',
		'invoice.payment_failed', 'customer.subscription.updated', 'customer.subscription.deleted',
		'charge.refunded', 'charge.dispute.created', 'charge.dispute.closed'];
begin
	insert into public.stripe_events (id, type, stripe_created_at, livemode, outcome)
	values (p_event ->> 'id', v_type, v_created, coalesce((p_event ->> 'livemode')::boolean, false),
		case when v_type = any (v_handled) then 'applied' else 'ignored' end)
	on conflict (id) do nothing;
	if not found then
		return 'duplicate';
	end if;
	if not (v_type = any (v_handled)) then
		return 'ignored';
	end if;

	-- Every effect on one donation happens under its checkout's lock (charges: their payment's).
	-- A session or subscription not made by our /donate (a payment link, the dashboard) is not ours.
	if v_type not like 'charge.%' and coalesce(v_object ->> 'checkout_id', '') = '' then
		v_outcome := 'not from our checkout';
		update public.stripe_events set outcome = v_outcome where id = p_event ->> 'id';
		return v_outcome;
	end if;
	if v_type like 'charge.%' and coalesce(v_object ->> 'payment_intent', '') = '' then
		v_outcome := 'no payment intent';
		update public.stripe_events set outcome = v_outcome where id = p_event ->> 'id';
		return v_outcome;
	end if;
	if v_object ? 'checkout_id' then
		select * into v_checkout from public.donation_checkouts
		where id = (v_object ->> 'checkout_id')::uuid for update;
		if not found then
			v_outcome := 'unknown checkout';
			update public.stripe_events set outcome = v_outcome where id = p_event ->> 'id';
			return v_outcome;
		end if;
	end if;

	case
	when v_type in ('checkout.session.completed', 'checkout.session.async_payment_succeeded',
			'checkout.session.async_payment_failed') then
		update public.donation_checkouts set stripe_session_id = coalesce(stripe_session_id, v_object ->> 'session'),
			status = case
				when v_type = 'checkout.session.async_payment_failed' and status <> 'completed' then 'failed'
				when v_type = 'checkout.session.async_payment_failed' or status = 'failed' then status
				else 'completed' end
		where id = v_checkout.id
		returning * into v_checkout;
		if v_checkout.frequency = 'one_time' then
			perform public.donation_gift_record(v_checkout, jsonb_build_object(
				'status', case
					when v_type = 'checkout.session.async_payment_failed' then 'failed'
					when v_object ->> 'payment_status' = 'paid' or v_type = 'checkout.session.async_payment_succeeded' then 'succeeded'
					else 'pending' end,
				'amount_cents', v_object -> 'amount_cents', 'currency', v_object ->> 'currency',
				'payment_intent', v_object ->> 'payment_intent', 'received_at', p_event ->> 'created',
				'failure_reason', case when v_type = 'checkout.session.async_payment_failed' then 'async_payment_failed' end));
		elsif v_object ->> 'subscription' is not null then
			perform public.donation_recurring_record(v_checkout, v_object);
		end if;

	when v_type = 'checkout.session.expired' then
		update public.donation_checkouts set status = 'expired' where id = v_checkout.id and status = 'open';

	when v_type in ('invoice.paid', 'invoice.payment_failed') and coalesce((v_object ->> 'amount_cents')::bigint, 0) <= 0 then
		-- An invoice for nothing (a trial, a credit) is not a gift.
		v_outcome := 'nothing paid';

	when v_type in ('invoice.paid', 'invoice.payment_failed') then
		v_recurring := public.donation_recurring_record(v_checkout, v_object);
		-- It may have just recorded the donor: read the checkout again, so they are made once.
		select * into v_checkout from public.donation_checkouts where id = v_checkout.id;
		v_retry := exists (select 1 from public.gifts where stripe_invoice = v_object ->> 'invoice');
		v_gift := public.donation_gift_record(v_checkout, jsonb_build_object(
			'status', case when v_type = 'invoice.paid' then 'succeeded' else 'failed' end,
			'amount_cents', v_object -> 'amount_cents', 'currency', v_object ->> 'currency',
			'payment_intent', v_object ->> 'payment_intent', 'invoice', v_object ->> 'invoice',
			'recurring_gift_id', v_recurring.id, 'received_at', p_event ->> 'created',
			'failure_reason', v_object ->> 'failure_reason'));
		-- Failed renewals in a row, for staff; a paid invoice resets them. An invoice counts
		-- once (Stripe retries a failed one several times), and a late failure of an
		-- invoice older than the last payment does not count.
		if v_type = 'invoice.paid' then
			update public.recurring_gifts set failed_renewals = 0
			where id = v_recurring.id and (last_failed_at is null or last_failed_at <= v_created);
		elsif v_gift.status = 'failed' and not v_retry and not exists (
				select 1 from public.gifts g where g.recurring_gift_id = v_recurring.id
					and g.status in ('succeeded', 'refunded') and g.received_at > v_created) then
			update public.recurring_gifts set failed_renewals = failed_renewals + 1,
				last_failed_at = greatest(last_failed_at, v_created)
			where id = v_recurring.id;
			perform public.email_enqueue(jsonb_build_array(jsonb_build_object(
				'idempotency_key', 'donation-renewal-failed:' || (v_object ->> 'invoice'),
				'template', 'donation-renewal-failed',
				'data', jsonb_build_object('recurring_gift_id', v_recurring.id,
					'amount_cents', v_object -> 'amount_cents', 'currency', v_object ->> 'currency'),
				'language', v_checkout.language,
				'supporter_id', v_recurring.supporter_id,
				'to_email', trim(v_checkout.email),
				'kind', 'transactional')));
		end if;

	when v_type in ('customer.subscription.updated', 'customer.subscription.deleted') then
		v_recurring := public.donation_recurring_record(v_checkout, v_object);
		-- A cancelled subscription stays cancelled; an older update arriving late is ignored.
		if v_recurring.status = 'canceled' then
			v_outcome := 'already canceled';
		elsif v_recurring.stripe_updated_at is not null and v_recurring.stripe_updated_at > v_created then
			v_outcome := 'older than the last applied';
		else
			update public.recurring_gifts set
				status = case when v_type = 'customer.subscription.deleted' then 'canceled'
					else coalesce(v_object ->> 'status', status) end,
				amount_cents = coalesce((v_object ->> 'amount_cents')::bigint, amount_cents),
				canceled_at = case when v_type = 'customer.subscription.deleted'
					then coalesce((v_object ->> 'canceled_at')::timestamptz, v_created) else canceled_at end,
				stripe_updated_at = v_created
			where id = v_recurring.id;
		end if;

	when v_type in ('charge.refunded', 'charge.dispute.created', 'charge.dispute.closed') then
		-- Refund totals only grow (a charge carries its cumulative refunded amount).
		insert into public.stripe_payment_states as s (payment_intent, refunded_cents, dispute_status)
		values (v_object ->> 'payment_intent', coalesce((v_object ->> 'amount_refunded')::bigint, 0),
			case when v_type = 'charge.dispute.created' then 'open'
				when v_type = 'charge.dispute.closed' then
					case when v_object ->> 'dispute_status' = 'lost' then 'lost' else 'won' end end)
		on conflict (payment_intent) do update set
			refunded_cents = greatest(s.refunded_cents, excluded.refunded_cents),
			-- A closed dispute is final: a late "created" does not reopen it.
			dispute_status = case
				when s.dispute_status in ('won', 'lost') then s.dispute_status
				else coalesce(excluded.dispute_status, s.dispute_status) end,
			updated_at = now()
		returning * into v_state;
		select * into v_gift from public.gifts where stripe_payment_intent = v_state.payment_intent for update;
		if v_gift.id is null then
			v_outcome := 'kept for its gift';
		else
			update public.gifts set
				refunded_cents = least(greatest(refunded_cents, v_state.refunded_cents), amount_cents),
				dispute_status = v_state.dispute_status,
				status = case when status = 'succeeded' and least(greatest(refunded_cents, v_state.refunded_cents), amount_cents) >= amount_cents
					then 'refunded' else status end
			where id = v_gift.id;
			perform public.receipt_follow_gift(v_gift.id);
		end if;
	end case;

	update public.stripe_events set outcome = v_outcome where id = p_event ->> 'id' and outcome <> v_outcome;
	return v_outcome;
end;
$$;

-- What was raised for a published or closed campaign (not test gifts, after
-- refunds), for its page and the dashboard. Null for a draft or an unknown slug.
create or replace function public.campaign_raised(p_slug text) returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object('raised_cents', coalesce((
			select sum(g.net_cents) from public.gifts g where g.campaign_id = c.id and not g.test), 0),
		'donors', (select count(distinct g.supporter_id) from public.gifts g
			where g.campaign_id = c.id and not g.test and g.net_cents > 0),
		'goal_cents', c.goal_cents, 'currency', c.currency)
	from public.campaigns c
	where c.slug = p_slug and c.status in ('published', 'closed');
$$;

revoke execute on function public.receipts_guard() from public, anon, authenticated;

-- Privacy. Access: a person's export now has their checkouts, monthly gifts and
-- receipts. Erasure: their checkouts lose name, address, email and tribute; their
-- gifts stay (totals stay exact). Issued receipts are kept as printed: the Income
-- Tax Act (and the CRA's books-and-records rules) require a copy of every official
-- receipt for two years after the end of its calendar year, a legal obligation
-- that an erasure request does not override. An active monthly gift is cancelled
-- in Stripe before this runs (src/lib/server/privacy).
alter function public.privacy_export(uuid) rename to privacy_export_without_donations;
create or replace function public.privacy_export(p_supporter uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select public.privacy_export_without_donations(p_supporter) || jsonb_build_object(
		'donation_checkouts', coalesce((
			select jsonb_agg(to_jsonb(c) - array['supporter_id'] order by c.created_at)
			from public.donation_checkouts c where c.supporter_id = p_supporter), '[]'),
		'monthly_gifts', coalesce((
			select jsonb_agg(jsonb_build_object('amount_cents', r.amount_cents, 'currency', r.currency,
				'status', r.status, 'started_at', r.started_at, 'canceled_at', r.canceled_at) order by r.started_at)
			from public.recurring_gifts r where r.supporter_id = p_supporter), '[]'),
		'receipts', coalesce((
			select jsonb_agg(jsonb_build_object('serial', x.serial, 'issued_at', x.issued_at,
				'donor_name', x.donor_name, 'donor_address', x.donor_address,
				'amount_cents', x.amount_cents, 'eligible_cents', x.eligible_cents, 'currency', x.currency,
				'status', x.status) order by x.issued_at)
			from public.receipts x where x.supporter_id = p_supporter), '[]'))
	where exists (select 1 from public.supporters s where s.id = p_supporter and s.erased_at is null);
$$;

alter function public.privacy_erase_supporter(uuid, text, text) rename to privacy_erase_supporter_without_donations;
create or replace function public.privacy_erase_supporter(
	p_supporter uuid, p_wording_en text, p_wording_fr text
) returns void
language plpgsql
set search_path = ''
as $$
begin
	perform public.privacy_erase_supporter_without_donations(p_supporter, p_wording_en, p_wording_fr);
	update public.donation_checkouts set
		email = 'erased-' || p_supporter || '@erased.invalid',
		first_name = null, last_name = null, address_line1 = null, address_line2 = null,
		city = null, postal_code = null, country = null,
		tribute_name = null, tribute_notify_email = null, consent_wording = null,
		-- What a receipt needs is on the receipt; the checkout no longer asks for one.
		wants_receipt = false
	where supporter_id = p_supporter;
	update public.gifts set tribute_name = null where supporter_id = p_supporter;
end;
$$;
revoke execute on function public.privacy_export_without_donations(uuid) from public, anon, authenticated;
revoke execute on function public.privacy_erase_supporter_without_donations(uuid, text, text) from public, anon, authenticated;
