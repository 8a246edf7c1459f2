-- Staff's side of donations (/admin/donations): finding gifts, monthly donors and
-- receipts with a filter, totals and a month-by-month chart, the dashboard's
-- figures, and saving the donation settings and the amount ladder. Totals add
-- net_cents (after refunds and a lost dispute) and never mix test gifts with real
-- ones: a filter shows either real gifts (the default) or test gifts only. Dates are
-- days on the charity's clock (America/Toronto), as receipts are.

-- A filter's text as a LIKE prefix in lower case, its own % and _ taken literally.
create or replace function public.donation_search_prefix(p_query text) returns text
language sql
immutable
set search_path = ''
as $$
	select case when trim(coalesce(p_query, '')) = '' then null
		else replace(replace(replace(lower(trim(p_query)), '\', '\\'), '%', '\%'), '_', '\_') || '%' end;
$$;

-- Refuses a filter key it does not know, so a typo never silently widens a list.
create or replace function public.donation_filter_check(p_filter jsonb, p_keys text[]) returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
	v_key text;
begin
	for v_key in select jsonb_object_keys(coalesce(p_filter, '{}')) loop
		if not (v_key = any (p_keys)) then
			raise exception 'unknown_filter: %', v_key using errcode = '22023';
		end if;
	end loop;
end;
$$;

-- The gifts a filter matches. Keys (all optional):
--   from, to       received on or after / on or before this day (YYYY-MM-DD, Toronto)
--   frequency      one_time | monthly
--   designation    'general' (where most needed) or a campaign's id
--   status         pending | succeeded | failed | refunded
--   test           true: test gifts only; otherwise real gifts only
--   q              the start of the donor's email, first, last or full name (any case)
create or replace function public.gifts_matching(p_filter jsonb) returns setof public.gifts
language plpgsql
stable
set search_path = ''
as $$
declare
	v_filter jsonb := coalesce(p_filter, '{}');
	v_from date := (v_filter ->> 'from')::date;
	v_to date := (v_filter ->> 'to')::date;
	v_designation text := v_filter ->> 'designation';
	v_prefix text := public.donation_search_prefix(v_filter ->> 'q');
begin
	perform public.donation_filter_check(v_filter,
		array['from', 'to', 'frequency', 'designation', 'status', 'test', 'q']);
	return query
	select g.* from public.gifts g
	left join public.supporters s on s.id = g.supporter_id
	where g.test = coalesce((v_filter ->> 'test')::boolean, false)
		and (v_from is null or g.received_at >= v_from::timestamp at time zone 'America/Toronto')
		and (v_to is null or g.received_at < (v_to + 1)::timestamp at time zone 'America/Toronto')
		and (v_filter ->> 'frequency' is null or g.frequency = v_filter ->> 'frequency')
		and (v_filter ->> 'status' is null or g.status = v_filter ->> 'status')
		and (v_designation is null
			or (v_designation = 'general' and g.campaign_id is null)
			or (v_designation <> 'general' and g.campaign_id::text = v_designation))
		and (v_prefix is null
			or lower(s.email) like v_prefix or lower(s.first_name) like v_prefix
			or lower(s.last_name) like v_prefix or lower(s.first_name || ' ' || s.last_name) like v_prefix);
end;
$$;

-- A page of the gifts a filter matches, newest first, with who gave them: after
-- p_offset rows, or (an export, which must not repeat a row when a gift arrives
-- meanwhile) after the keyset (p_before_received_at, p_before_id).
create or replace function public.gifts_find(
	p_filter jsonb, p_limit int, p_offset int,
	p_before_received_at timestamptz default null, p_before_id uuid default null
)
returns table (
	id uuid, received_at timestamptz, amount_cents bigint, fee_cents bigint, refunded_cents bigint,
	net_cents bigint, currency text, frequency text, status text, dispute_status text, test boolean,
	anonymous boolean, tribute_kind text, tribute_name text, campaign_id uuid, campaign_slug text,
	recurring_gift_id uuid, stripe_payment_intent text, stripe_invoice text, supporter_id uuid,
	donor_email text, donor_first_name text, donor_last_name text
)
language sql
stable
set search_path = ''
as $$
	select g.id, g.received_at, g.amount_cents, g.fee_cents, g.refunded_cents, g.net_cents, g.currency,
		g.frequency, g.status, g.dispute_status, g.test, g.anonymous, g.tribute_kind, g.tribute_name,
		g.campaign_id, c.slug, g.recurring_gift_id, g.stripe_payment_intent, g.stripe_invoice,
		g.supporter_id, s.email, s.first_name, s.last_name
	from public.gifts_matching(p_filter) g
	left join public.supporters s on s.id = g.supporter_id
	left join public.campaigns c on c.id = g.campaign_id
	where p_before_received_at is null or (g.received_at, g.id) < (p_before_received_at, p_before_id)
	order by g.received_at desc, g.id desc
	limit p_limit offset p_offset;
$$;

-- What the gifts a filter matches add up to: how many, and the net (after refunds)
-- by currency, in all and by month on the charity's clock.
create or replace function public.gifts_summary(p_filter jsonb) returns jsonb
language sql
stable
set search_path = ''
as $$
	with matched as (
		select g.*, to_char(g.received_at at time zone 'America/Toronto', 'YYYY-MM') as month
		from public.gifts_matching(p_filter) g
	)
	select jsonb_build_object(
		'count', (select count(*) from matched),
		'totals', coalesce((
			select jsonb_agg(jsonb_build_object('currency', t.currency, 'net_cents', t.net_cents,
				'paid', t.paid, 'refunded_cents', t.refunded_cents) order by t.currency)
			from (select currency, sum(net_cents) as net_cents, count(*) filter (where net_cents > 0) as paid,
					sum(refunded_cents) as refunded_cents
				from matched group by currency) t), '[]'),
		'months', coalesce((
			select jsonb_agg(jsonb_build_object('month', t.month, 'currency', t.currency,
				'net_cents', t.net_cents, 'paid', t.paid) order by t.month, t.currency)
			from (select month, currency, sum(net_cents) as net_cents,
					count(*) filter (where net_cents > 0) as paid
				from matched group by month, currency) t), '[]'));
$$;

-- One gift as staff see it: the donor, what they asked for, the monthly gift it
-- belongs to, its campaign, and every receipt that covered it (void ones too),
-- oldest first, each with the serial it replaces. Null for an unknown id.
create or replace function public.gift_read(p_id uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select to_jsonb(g) || jsonb_build_object(
		'donor', (select jsonb_build_object('id', s.id, 'email', s.email, 'first_name', s.first_name,
				'last_name', s.last_name, 'erased_at', s.erased_at)
			from public.supporters s where s.id = g.supporter_id),
		'checkout', (select jsonb_build_object('email', c.email, 'first_name', c.first_name,
				'last_name', c.last_name, 'wants_receipt', c.wants_receipt,
				'tribute_notify_email', c.tribute_notify_email, 'language', c.language,
				'created_at', c.created_at, 'stripe_session_id', c.stripe_session_id)
			from public.donation_checkouts c where c.id = g.checkout_id),
		'recurring', (select jsonb_build_object('id', r.id, 'status', r.status,
				'stripe_subscription', r.stripe_subscription, 'stripe_customer', r.stripe_customer,
				'amount_cents', r.amount_cents, 'started_at', r.started_at)
			from public.recurring_gifts r where r.id = g.recurring_gift_id),
		'campaign', (select jsonb_build_object('id', c.id, 'slug', c.slug,
				'title_en', (select t.title from public.campaign_translations t
					where t.campaign_id = c.id and t.language = 'en'),
				'title_fr', (select t.title from public.campaign_translations t
					where t.campaign_id = c.id and t.language = 'fr'))
			from public.campaigns c where c.id = g.campaign_id),
		'receipts', coalesce((
			select jsonb_agg(jsonb_build_object('id', r.id, 'serial', r.serial, 'kind', r.kind,
				'test', r.test, 'status', r.status, 'void_reason', r.void_reason, 'issued_at', r.issued_at,
				'voided_at', r.voided_at, 'amount_cents', r.amount_cents, 'currency', r.currency,
				'replaces_id', r.replaces_id, 'replaces_serial', old.serial)
				order by r.issued_at, r.serial)
			from public.receipt_gifts rg
			join public.receipts r on r.id = rg.receipt_id
			left join public.receipts old on old.id = r.replaces_id
			where rg.gift_id = g.id), '[]'))
	from public.gifts g where g.id = p_id;
$$;

-- Monthly donors (one row per monthly gift). Keys (all optional):
--   failed   true: only those with failed renewals in a row
--   status   a subscription status (active, past_due, canceled, ...)
--   test     true: test subscriptions only; otherwise real ones only
--   q        the start of the donor's email, first, last or full name
-- Each row has what its paid renewals brought in, and the total rows (for paging).
create or replace function public.recurring_gifts_find(p_filter jsonb, p_limit int, p_offset int)
returns table (
	id uuid, supporter_id uuid, donor_email text, donor_first_name text, donor_last_name text,
	amount_cents bigint, currency text, status text, started_at timestamptz, canceled_at timestamptz,
	failed_renewals int, last_failed_at timestamptz, campaign_id uuid, campaign_slug text,
	stripe_subscription text, test boolean, paid int, net_cents bigint, total bigint
)
language plpgsql
stable
set search_path = ''
as $$
declare
	v_filter jsonb := coalesce(p_filter, '{}');
	v_prefix text := public.donation_search_prefix(v_filter ->> 'q');
begin
	perform public.donation_filter_check(v_filter, array['failed', 'status', 'test', 'q']);
	return query
	select r.id, r.supporter_id, s.email, s.first_name, s.last_name, r.amount_cents, r.currency, r.status,
		r.started_at, r.canceled_at, r.failed_renewals, r.last_failed_at, r.campaign_id, c.slug,
		r.stripe_subscription, r.test,
		(select count(*)::int from public.gifts g where g.recurring_gift_id = r.id and g.net_cents > 0),
		(select coalesce(sum(g.net_cents), 0)::bigint from public.gifts g where g.recurring_gift_id = r.id),
		count(*) over ()
	from public.recurring_gifts r
	join public.supporters s on s.id = r.supporter_id
	left join public.campaigns c on c.id = r.campaign_id
	where r.test = coalesce((v_filter ->> 'test')::boolean, false)
		and (coalesce((v_filter ->> 'failed')::boolean, false) = false or r.failed_renewals > 0)
		and (v_filter ->> 'status' is null or r.status = v_filter ->> 'status')
		and (v_prefix is null
			or lower(s.email) like v_prefix or lower(s.first_name) like v_prefix
			or lower(s.last_name) like v_prefix or lower(s.first_name || ' ' || s.last_name) like v_prefix)
	order by r.failed_renewals desc, r.started_at desc, r.id desc
	limit p_limit offset p_offset;
end;
$$;

-- The receipt register, void receipts included (they are kept). Keys (all optional):
--   year     tax year
--   status   issued | void
--   kind     gift | annual
--   test     true: test and sample receipts only; false: official ones only; absent: all
--   q        the start of a serial, or of the donor's name as printed (any case)
create or replace function public.receipts_find(p_filter jsonb, p_limit int, p_offset int)
returns table (
	id uuid, serial text, kind text, test boolean, supporter_id uuid, donor_name text, tax_year int,
	received_on date, issued_at timestamptz, amount_cents bigint, eligible_cents bigint, currency text,
	status text, void_reason text, voided_at timestamptz, replaces_id uuid, replaces_serial text,
	replaced_by_id uuid, replaced_by_serial text, total bigint
)
language plpgsql
stable
set search_path = ''
as $$
declare
	v_filter jsonb := coalesce(p_filter, '{}');
	v_prefix text := public.donation_search_prefix(v_filter ->> 'q');
begin
	perform public.donation_filter_check(v_filter, array['year', 'status', 'kind', 'test', 'q']);
	return query
	select r.id, r.serial, r.kind, r.test, r.supporter_id, r.donor_name, r.tax_year, r.received_on,
		r.issued_at, r.amount_cents, r.eligible_cents, r.currency, r.status, r.void_reason, r.voided_at,
		r.replaces_id, old.serial, rep.id, rep.serial, count(*) over ()
	from public.receipts r
	left join public.receipts old on old.id = r.replaces_id
	left join public.receipts rep on rep.replaces_id = r.id
	where (v_filter ->> 'year' is null or r.tax_year = (v_filter ->> 'year')::int)
		and (v_filter ->> 'status' is null or r.status = v_filter ->> 'status')
		and (v_filter ->> 'kind' is null or r.kind = v_filter ->> 'kind')
		and (v_filter ->> 'test' is null or r.test = (v_filter ->> 'test')::boolean)
		and (v_prefix is null or lower(r.serial) like v_prefix or lower(r.donor_name) like v_prefix
			or exists (select 1 from regexp_split_to_table(lower(r.donor_name), '\s+') w where w like v_prefix))
	order by r.issued_at desc, r.serial desc
	limit p_limit offset p_offset;
end;
$$;

-- The dashboard's figures: what real gifts brought in this month (net, by
-- currency), how many donors started their first monthly gift this month, and
-- each published campaign's progress to its goal.
create or replace function public.donations_dashboard() returns jsonb
language sql
stable
set search_path = ''
as $$
	with this_month as (
		select date_trunc('month', now() at time zone 'America/Toronto') at time zone 'America/Toronto' as start
	)
	select jsonb_build_object(
		'month_start', (select to_char(start at time zone 'America/Toronto', 'YYYY-MM-DD') from this_month),
		'raised', coalesce((
			select jsonb_agg(jsonb_build_object('currency', t.currency, 'net_cents', t.net_cents, 'paid', t.paid)
				order by t.currency)
			from (select g.currency, sum(g.net_cents) as net_cents, count(*) filter (where g.net_cents > 0) as paid
				from public.gifts g, this_month
				where not g.test and g.received_at >= this_month.start
				group by g.currency) t), '[]'),
		'new_monthly_donors', (
			select count(*) from (
				select r.supporter_id from public.recurring_gifts r
				where not r.test and r.status not in ('incomplete', 'incomplete_expired')
				group by r.supporter_id
				having min(r.started_at) >= (select start from this_month)) t),
		'campaigns', coalesce((
			select jsonb_agg(jsonb_build_object('id', c.id, 'slug', c.slug,
				'title_en', (select t.title from public.campaign_translations t where t.campaign_id = c.id and t.language = 'en'),
				'title_fr', (select t.title from public.campaign_translations t where t.campaign_id = c.id and t.language = 'fr'),
				'goal_cents', c.goal_cents, 'currency', c.currency,
				'raised_cents', coalesce((select sum(g.net_cents) from public.gifts g
					where g.campaign_id = c.id and not g.test), 0),
				'donors', (select count(distinct g.supporter_id) from public.gifts g
					where g.campaign_id = c.id and not g.test and g.net_cents > 0))
				order by c.published_at desc nulls last, c.id)
			from public.campaigns c where c.status = 'published'), '[]'));
$$;

-- Saves the donation settings in one transaction with its audit entry (what they
-- were, what they became). p_fields: min_cents, max_cents, fee_percent_bp,
-- fee_fixed_cents, charity_legal_name, and (null for not set) charity_address,
-- registration_number, receipt_location, signatory_name, signatory_title.
create or replace function public.donation_settings_save(p_actor uuid, p_fields jsonb, p_ip text)
returns void
language plpgsql
set search_path = ''
as $$
declare
	v_before jsonb;
	v_after jsonb;
begin
	select to_jsonb(d) - 'updated_at' - 'updated_by' - 'id' into v_before
	from public.donation_settings d for update;
	update public.donation_settings d set
		min_cents = (p_fields ->> 'min_cents')::bigint,
		max_cents = (p_fields ->> 'max_cents')::bigint,
		fee_percent_bp = (p_fields ->> 'fee_percent_bp')::int,
		fee_fixed_cents = (p_fields ->> 'fee_fixed_cents')::int,
		charity_legal_name = p_fields ->> 'charity_legal_name',
		charity_address = nullif(p_fields ->> 'charity_address', ''),
		registration_number = nullif(p_fields ->> 'registration_number', ''),
		receipt_location = nullif(p_fields ->> 'receipt_location', ''),
		signatory_name = nullif(p_fields ->> 'signatory_name', ''),
		signatory_title = nullif(p_fields ->> 'signatory_title', ''),
		updated_by = p_actor
	where d.id
	returning to_jsonb(d) - 'updated_at' - 'updated_by' - 'id' into v_after;
	perform public.audit(p_actor, 'donation_settings.saved', null,
		jsonb_build_object('from', v_before, 'to', v_after), p_ip);
end;
$$;

-- Adds (p_id null) or saves one amount of the ladder: frequency, amount_cents,
-- is_default, impact_en, impact_fr. Amounts show smallest first, so positions are
-- renumbered by amount; making one the default unsets the frequency's other
-- default. An amount the frequency already has raises 23505 'amount_taken'.
create or replace function public.donation_amount_save(p_actor uuid, p_id uuid, p_fields jsonb, p_ip text)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
	v_id uuid := p_id;
	v_before jsonb;
	v_frequency text := p_fields ->> 'frequency';
	v_default boolean := coalesce((p_fields ->> 'is_default')::boolean, false);
begin
	-- One writer of the ladder at a time, so renumbering and the default stay consistent.
	perform pg_advisory_xact_lock(hashtext('donation_amounts'));
	if exists (select 1 from public.donation_amounts where frequency = v_frequency
			and amount_cents = (p_fields ->> 'amount_cents')::bigint and id is distinct from p_id) then
		raise exception 'amount_taken' using errcode = '23505';
	end if;
	if v_id is not null then
		select to_jsonb(a) into v_before from public.donation_amounts a where id = v_id;
		if v_before is null then
			raise exception 'not_found' using errcode = 'P0002';
		end if;
	end if;
	if v_default then
		update public.donation_amounts set is_default = false
		where frequency = v_frequency and is_default and id is distinct from v_id;
	end if;
	if v_id is null then
		insert into public.donation_amounts (frequency, amount_cents, is_default, impact_en, impact_fr)
		values (v_frequency, (p_fields ->> 'amount_cents')::bigint, v_default,
			p_fields ->> 'impact_en', p_fields ->> 'impact_fr')
		returning id into v_id;
	else
		update public.donation_amounts set frequency = v_frequency,
			amount_cents = (p_fields ->> 'amount_cents')::bigint, is_default = v_default,
			impact_en = p_fields ->> 'impact_en', impact_fr = p_fields ->> 'impact_fr'
		where id = v_id;
	end if;
	update public.donation_amounts a set position = n.position
	from (select id, row_number() over (partition by frequency order by amount_cents)::int as position
		from public.donation_amounts) n
	where n.id = a.id and a.position <> n.position;
	perform public.audit(p_actor, case when p_id is null then 'donation_amount.created' else 'donation_amount.saved' end,
		v_id::text, jsonb_build_object('from', v_before,
			'to', (select to_jsonb(a) from public.donation_amounts a where a.id = v_id)), p_ip);
	return v_id;
end;
$$;

-- Removes one amount of the ladder; the audit entry keeps what it was.
create or replace function public.donation_amount_delete(p_actor uuid, p_id uuid, p_ip text)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
	v_before jsonb;
begin
	perform pg_advisory_xact_lock(hashtext('donation_amounts'));
	delete from public.donation_amounts a where a.id = p_id returning to_jsonb(a) into v_before;
	if v_before is null then
		return false;
	end if;
	perform public.audit(p_actor, 'donation_amount.deleted', p_id::text,
		jsonb_build_object('from', v_before), p_ip);
	return true;
end;
$$;
