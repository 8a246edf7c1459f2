-- Email delivery: every email is first a row in the outbox, written in the same
-- transaction as what caused it. Workers claim rows in batches, send them through
-- Resend, and record what Resend answered. See src/lib/server/email/README.md.

-- A random token per supporter for links in their email (one-click unsubscribe,
-- preferences): unguessable, and needs no signing secret.
alter table public.supporters
	add column email_token text not null unique
		default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');

create table public.email_outbox (
	id bigint generated always as identity primary key,
	-- Stable per email (e.g. 'petition-thanks:<signature id>'): enqueueing twice sends once.
	idempotency_key text not null unique check (length(idempotency_key) between 1 and 200),
	template text not null check (template ~ '^[a-z][a-z0-9-]*$'),
	data jsonb not null default '{}',
	language text not null check (language in ('en', 'fr')),
	supporter_id uuid references public.supporters (id),
	to_email text not null check (to_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
	-- transactional: receipts, sign-in links (sent whatever the consent);
	-- broadcast: updates (only with consent, with one-click unsubscribe).
	kind text not null check (kind in ('transactional', 'broadcast')),
	not_before timestamptz not null default now(),
	-- pending → batched → sent | failed; or pending → suppressed (never sent).
	status text not null default 'pending'
		check (status in ('pending', 'batched', 'sent', 'failed', 'suppressed')),
	batch_id uuid,
	provider_message_id text,
	last_error text,
	created_at timestamptz not null default now(),
	sent_at timestamptz
);

create index email_outbox_pending on public.email_outbox (not_before, id) where status = 'pending';
create index email_outbox_batch on public.email_outbox (batch_id) where batch_id is not null;
create index email_outbox_provider_id on public.email_outbox (provider_message_id)
	where provider_message_id is not null;
create index email_outbox_created on public.email_outbox (created_at desc, id desc);

-- A batch's membership is fixed when it is made, before its first attempt: every
-- retry sends the same rows under the same idempotency key, so Resend sends once.
create table public.email_batches (
	id uuid primary key default gen_random_uuid(),
	idempotency_key text not null unique,
	-- sending: a worker holds it until lease_until; waiting: a retry is due at next_attempt_at.
	status text not null default 'sending'
		check (status in ('sending', 'waiting', 'sent', 'failed', 'released')),
	worker text,
	lease_until timestamptz,
	next_attempt_at timestamptz,
	attempts int not null default 0,
	last_error text,
	size int not null,
	created_at timestamptz not null default now(),
	finished_at timestamptz
);

create index email_batches_due on public.email_batches (coalesce(next_attempt_at, lease_until))
	where status in ('sending', 'waiting');

alter table public.email_outbox
	add constraint email_outbox_batch_fk foreign key (batch_id) references public.email_batches (id);

-- Addresses never to email again: hard bounces, complaints.
create table public.email_suppressions (
	email_lower text primary key check (email_lower = lower(email_lower)),
	reason text not null check (reason in ('bounced', 'complained', 'manual')),
	source text not null,
	created_at timestamptz not null default now()
);

-- What Resend reported (via its webhook), once per Svix message id.
create table public.email_events (
	id bigint generated always as identity primary key,
	svix_id text not null unique,
	type text not null,
	outbox_id bigint references public.email_outbox (id),
	provider_message_id text,
	occurred_at timestamptz,
	payload jsonb not null,
	received_at timestamptz not null default now()
);

create index email_events_outbox on public.email_events (outbox_id, type);

-- One row: the shared send rate (all workers together keep to it) and a pause
-- (a daily or monthly quota was reached).
create table public.email_sender_state (
	id boolean primary key default true check (id),
	next_slot_at timestamptz not null default now(),
	paused_until timestamptz,
	pause_reason text
);
insert into public.email_sender_state default values;

-- Things staff must know about email delivery (a quota reached).
create table public.email_alerts (
	id bigint generated always as identity primary key,
	kind text not null,
	message text not null,
	created_at timestamptz not null default now(),
	resolved_at timestamptz
);

alter table public.email_outbox enable row level security;
alter table public.email_batches enable row level security;
alter table public.email_suppressions enable row level security;
alter table public.email_events enable row level security;
alter table public.email_sender_state enable row level security;
alter table public.email_alerts enable row level security;

-- The latest email consent of each supporter: who may receive broadcasts.
create view public.supporter_email_consent with (security_invoker = true) as
select distinct on (c.supporter_id)
	c.supporter_id, c.status, c.kind, c.expires_at, c.recorded_at
from public.consents c
where c.channel = 'email'
order by c.supporter_id, c.recorded_at desc, c.id desc;

-- Queues emails; the one way to send. Called from other SQL functions so the
-- email is written in the same transaction as what caused it, or by RPC.
-- p_emails: [{idempotency_key, template, data, language, supporter_id?, to_email, kind, not_before?}]
-- Returns how many were new (a known idempotency key is skipped).
create or replace function public.email_enqueue(p_emails jsonb) returns int
language sql
set search_path = ''
as $$
	with inserted as (
		insert into public.email_outbox
			(idempotency_key, template, data, language, supporter_id, to_email, kind, not_before)
		select e.idempotency_key, e.template, coalesce(e.data, '{}'), e.language, e.supporter_id,
			e.to_email, e.kind, coalesce(e.not_before, now())
		from jsonb_to_recordset(p_emails) as e(
			idempotency_key text, template text, data jsonb, language text, supporter_id uuid,
			to_email text, kind text, not_before timestamptz)
		on conflict (idempotency_key) do nothing
		returning 1
	)
	select count(*)::int from inserted;
$$;

-- Queues one broadcast to every supporter whose latest email consent is granted
-- (and not expired), minus suppressed addresses, in one statement.
-- Each row's key is '<p_key>:<supporter id>', so queueing twice sends once.
create or replace function public.email_enqueue_broadcast(
	p_key text, p_template text, p_data jsonb, p_not_before timestamptz default now()
) returns int
language sql
set search_path = ''
as $$
	with inserted as (
		insert into public.email_outbox
			(idempotency_key, template, data, language, supporter_id, to_email, kind, not_before)
		select p_key || ':' || s.id, p_template, p_data, s.language, s.id, s.email, 'broadcast', p_not_before
		from public.supporters s
		join public.supporter_email_consent c on c.supporter_id = s.id
		where c.status = 'granted' and (c.expires_at is null or c.expires_at > now())
			and not exists (select 1 from public.email_suppressions x where x.email_lower = lower(s.email))
		on conflict (idempotency_key) do nothing
		returning 1
	)
	select count(*)::int from inserted;
$$;

-- Claims the next batch for a worker: a batch whose retry is due or whose worker
-- died (lease expired), else a new batch of up to p_size due rows. New rows to a
-- suppressed address, or broadcasts to someone who has since withdrawn consent,
-- are marked suppressed and counted instead. SKIP LOCKED lets any number of
-- workers claim at once without waiting for or taking each other's rows.
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
			select o.id, o.to_email, o.kind, o.supporter_id from public.email_outbox o
			where o.status = 'pending' and o.not_before <= now()
			order by o.not_before, o.id
			limit p_size
			for update skip locked
		), blocked as (
			update public.email_outbox o set status = 'suppressed',
				last_error = case when exists (select 1 from public.email_suppressions x
					where x.email_lower = lower(due.to_email)) then 'suppressed address' else 'no consent' end
			from due
			where o.id = due.id and (
				exists (select 1 from public.email_suppressions x where x.email_lower = lower(due.to_email))
				or (due.kind = 'broadcast' and not exists (
					select 1 from public.supporter_email_consent c
					where c.supporter_id = due.supporter_id and c.status = 'granted'
						and (c.expires_at is null or c.expires_at > now())))
			)
			returning o.id
		)
		select (select count(*) from blocked)::int,
			array(select id from due where id not in (select id from blocked) order by id)
		into v_suppressed, v_ids;

		if coalesce(array_length(v_ids, 1), 0) = 0 then
			-- Nothing to send now; say how much is still in flight or waiting for a retry.
			return jsonb_build_object('suppressed', v_suppressed, 'batch', null,
				'outstanding', (select count(*) from public.email_outbox o
					where (o.status = 'pending' and o.not_before <= now()) or o.status = 'batched'));
		end if;

		insert into public.email_batches (idempotency_key, worker, lease_until, attempts, size)
		values (
			-- Derived from the rows, so it names exactly this membership.
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

-- Resend accepted the batch: record its message ids (in row order) and finish the batch.
-- Only the worker holding the lease may finish it.
create or replace function public.email_batch_sent(p_batch uuid, p_worker text, p_message_ids text[])
returns int
language plpgsql
set search_path = ''
as $$
declare
	v_count int;
begin
	update public.email_batches set status = 'sent', finished_at = now(), lease_until = null
	where id = p_batch and status = 'sending' and worker = p_worker;
	if not found then
		return 0;
	end if;
	with numbered as (
		select o.id, row_number() over (order by o.id) as n from public.email_outbox o
		where o.batch_id = p_batch
	)
	update public.email_outbox o set status = 'sent', sent_at = now(),
		provider_message_id = p_message_ids[numbered.n], last_error = null
	from numbered where o.id = numbered.id;
	get diagnostics v_count = row_count;
	return v_count;
end;
$$;

-- A retryable failure (429, 5xx, timeout): the same batch is tried again after p_delay_ms.
create or replace function public.email_batch_retry(p_batch uuid, p_worker text, p_delay_ms int, p_error text)
returns void
language sql
set search_path = ''
as $$
	update public.email_batches
	set status = 'waiting', lease_until = null, last_error = p_error,
		next_attempt_at = now() + make_interval(secs => p_delay_ms / 1000.0)
	where id = p_batch and status = 'sending' and worker = p_worker;
$$;

-- Resend refused the batch for good (a 4xx other than 429): its rows failed, with the reason.
create or replace function public.email_batch_failed(p_batch uuid, p_worker text, p_error text)
returns int
language plpgsql
set search_path = ''
as $$
declare
	v_count int;
begin
	update public.email_batches set status = 'failed', finished_at = now(), lease_until = null,
		last_error = p_error
	where id = p_batch and status = 'sending' and worker = p_worker;
	if not found then
		return 0;
	end if;
	update public.email_outbox set status = 'failed', last_error = p_error where batch_id = p_batch;
	get diagnostics v_count = row_count;
	return v_count;
end;
$$;

-- A daily or monthly quota was reached: nothing in the batch was sent. Its rows go
-- back to pending, every worker pauses until p_until, and staff get an alert.
create or replace function public.email_pause_for_quota(
	p_batch uuid, p_worker text, p_until timestamptz, p_reason text
) returns void
language plpgsql
set search_path = ''
as $$
begin
	update public.email_batches set status = 'released', finished_at = now(), lease_until = null,
		last_error = p_reason
	where id = p_batch and worker = p_worker and status = 'sending';
	if found then
		update public.email_outbox set status = 'pending', batch_id = null where batch_id = p_batch;
	end if;
	update public.email_sender_state set paused_until = p_until, pause_reason = p_reason;
	insert into public.email_alerts (kind, message)
	select 'quota', p_reason
	where not exists (select 1 from public.email_alerts where kind = 'quota' and resolved_at is null);
end;
$$;

-- Takes the next send slot at p_per_second calls per second, shared by all workers.
-- Returns how many milliseconds to wait before using it. p_not_before pushes the
-- next slots back (Resend said to wait).
create or replace function public.email_take_send_slot(p_per_second numeric, p_not_before timestamptz default null)
returns int
language plpgsql
set search_path = ''
as $$
declare
	v_slot timestamptz;
begin
	update public.email_sender_state
	set next_slot_at = greatest(next_slot_at, now(), coalesce(p_not_before, now()))
		+ make_interval(secs => 1.0 / p_per_second)
	returning next_slot_at - make_interval(secs => 1.0 / p_per_second) into v_slot;
	return greatest(0, ceil(extract(epoch from (v_slot - now())) * 1000))::int;
end;
$$;

-- Records one Resend webhook event, once per Svix message id. A hard bounce or a
-- complaint suppresses the address. Returns false when the event was already known.
create or replace function public.email_record_event(
	p_svix_id text, p_type text, p_provider_message_id text, p_occurred_at timestamptz,
	p_payload jsonb, p_bounce_type text default null
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_outbox public.email_outbox;
	v_event_id bigint;
begin
	select * into v_outbox from public.email_outbox where provider_message_id = p_provider_message_id;

	insert into public.email_events (svix_id, type, outbox_id, provider_message_id, occurred_at, payload)
	values (p_svix_id, p_type, v_outbox.id, p_provider_message_id, p_occurred_at, p_payload)
	on conflict (svix_id) do nothing
	returning id into v_event_id;

	if v_event_id is null then
		return jsonb_build_object('recorded', false, 'known_email', v_outbox.id is not null);
	end if;

	if v_outbox.id is not null and (
		(p_type = 'email.bounced' and coalesce(lower(p_bounce_type), 'permanent') in ('permanent', 'hard'))
		or p_type = 'email.complained'
	) then
		insert into public.email_suppressions (email_lower, reason, source)
		values (lower(v_outbox.to_email),
			case when p_type = 'email.complained' then 'complained' else 'bounced' end,
			'resend:' || p_svix_id)
		on conflict (email_lower) do nothing;
	end if;

	return jsonb_build_object('recorded', true, 'known_email', v_outbox.id is not null);
end;
$$;

-- One-click unsubscribe (RFC 8058) and the unsubscribe page: records the withdrawal
-- in the consent ledger at once. Returns the supporter's language, or null for an
-- unknown token. Withdrawing twice records once.
create or replace function public.email_unsubscribe(
	p_token text, p_source text, p_wording_en text, p_wording_fr text
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_supporter public.supporters;
	v_current text;
begin
	select * into v_supporter from public.supporters where email_token = p_token;
	if not found then
		return null;
	end if;
	select status into v_current from public.supporter_email_consent where supporter_id = v_supporter.id;
	if v_current is distinct from 'withdrawn' then
		insert into public.consents (supporter_id, channel, status, kind, source, wording, language)
		values (v_supporter.id, 'email', 'withdrawn', 'express', p_source,
			case when v_supporter.language = 'fr' then p_wording_fr else p_wording_en end, v_supporter.language);
	end if;
	return jsonb_build_object('language', v_supporter.language, 'already', v_current = 'withdrawn');
end;
$$;
