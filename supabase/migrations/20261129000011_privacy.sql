-- Supporters' privacy requests (PIPEDA, Quebec Law 25): a copy of what we hold
-- about them (access), or its erasure. Whoever asks gets an email; only someone
-- who can open it confirms, by a link whose token is stored here only as its
-- SHA-256 hash, valid 24 hours, used once. See src/lib/server/privacy/README.md.

create table public.privacy_requests (
	id bigint generated always as identity primary key,
	kind text not null check (kind in ('access', 'erasure')),
	-- pending: the email is out, not yet confirmed;
	-- confirmed: an erasure whose link was opened and confirmed, waiting for the final button;
	-- completed: the copy is ready (access) or the data is erased (erasure);
	-- no_data: the address is not a supporter's (the email said we hold nothing);
	-- cancelled: the person was erased while this request was open.
	-- A pending or confirmed request past expires_at is expired (computed, see below).
	status text not null default 'pending'
		check (status in ('pending', 'confirmed', 'completed', 'no_data', 'cancelled')),
	supporter_id uuid references public.supporters (id),
	-- The address asked about, kept only while the request is open.
	email text check (length(email) <= 254),
	language text not null check (language in ('en', 'fr')),
	token_hash text unique,
	expires_at timestamptz,
	-- Access: the file can be downloaded with the link until then (7 days after confirming).
	download_until timestamptz,
	downloaded_at timestamptz,
	download_count int not null default 0,
	requested_at timestamptz not null default now(),
	confirmed_at timestamptz,
	completed_at timestamptz
);

create index privacy_requests_supporter on public.privacy_requests (supporter_id);
-- Open requests whose address should be forgotten once they expire.
create index privacy_requests_open on public.privacy_requests (expires_at)
	where email is not null;

alter table public.privacy_requests enable row level security;
-- No policy: only the server (service_role) reads or writes privacy requests.

-- A request, as the form at /privacy makes it. For a supporter's address: a token
-- (its hash) valid 24 hours and the email with the link, in their language. For
-- any other address: a record that one was asked, and an email that says we hold
-- nothing. The page answers the same either way, so it never tells who is a supporter.
-- p_links: {"en": "<link>", "fr": "<link>"}, each ending with the token.
create or replace function public.privacy_request(
	p_email text, p_kind text, p_language text, p_token_hash text, p_links jsonb, p_ip text
) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_supporter public.supporters;
	v_id bigint;
	v_email text := trim(p_email);
begin
	if p_kind not in ('access', 'erasure') or p_language not in ('en', 'fr') then
		raise exception 'bad_request' using errcode = '22023';
	end if;

	-- Addresses of requests nobody confirmed are not kept past their link's life.
	update public.privacy_requests set email = null
	where email is not null and expires_at <= now();

	select * into v_supporter from public.supporters
	where lower(email) = lower(v_email) and erased_at is null;

	if not found then
		insert into public.privacy_requests (kind, status, language, completed_at)
		values (p_kind, 'no_data', p_language, now())
		returning id into v_id;
		perform public.email_enqueue(jsonb_build_array(jsonb_build_object(
			'idempotency_key', 'privacy-request:' || v_id,
			'template', 'privacy-no-data',
			'data', jsonb_build_object('kind', p_kind),
			'language', p_language,
			'to_email', v_email,
			'kind', 'transactional')));
		return;
	end if;

	insert into public.privacy_requests (kind, supporter_id, email, language, token_hash, expires_at)
	values (p_kind, v_supporter.id, v_supporter.email, v_supporter.language, p_token_hash,
		now() + interval '24 hours')
	returning id into v_id;
	perform public.email_enqueue(jsonb_build_array(jsonb_build_object(
		'idempotency_key', 'privacy-request:' || v_id,
		'template', 'privacy-confirm',
		'data', jsonb_build_object('kind', p_kind, 'link', p_links ->> v_supporter.language, 'hours', 24),
		'language', v_supporter.language,
		'supporter_id', v_supporter.id,
		'to_email', v_supporter.email,
		'kind', 'transactional')));
	perform public.audit(null, 'privacy.requested', v_supporter.id::text,
		jsonb_build_object('kind', p_kind, 'request', v_id), p_ip);
end;
$$;

-- What a link can do now, without changing anything (opening a link must not act:
-- mail scanners follow links). state: unknown | expired | used | ready (pending) |
-- confirmed (erasure, final step) | download (access, the file is ready).
create or replace function public.privacy_request_state(p_token_hash text) returns jsonb
language sql
stable
set search_path = ''
as $$
	select coalesce((
		select jsonb_build_object(
			'kind', r.kind,
			'download_until', r.download_until,
			'state', case
				when r.status = 'cancelled' then 'used'
				when r.status in ('pending', 'confirmed') and r.expires_at <= now() then 'expired'
				when r.status = 'pending' then 'ready'
				when r.status = 'confirmed' then 'confirmed'
				when r.kind = 'access' and s.erased_at is not null then 'used'
				when r.kind = 'access' and r.download_until > now() then 'download'
				when r.kind = 'access' then 'expired'
				else 'used'
			end)
		from public.privacy_requests r
		left join public.supporters s on s.id = r.supporter_id
		where r.token_hash = p_token_hash and r.status <> 'no_data'
	), jsonb_build_object('state', 'unknown'));
$$;

-- Confirms a request by its link, once. Access: the file is ready at once and can be
-- downloaded with the same link for 7 days. Erasure: the identity is confirmed; the
-- data goes only at the final button (privacy_erase). Returns {kind} or {error}.
create or replace function public.privacy_confirm(p_token_hash text, p_ip text) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_request public.privacy_requests;
begin
	select * into v_request from public.privacy_requests
	where token_hash = p_token_hash and status <> 'no_data'
	for update;
	if not found then
		return jsonb_build_object('error', 'unknown');
	end if;
	if v_request.status <> 'pending' then
		return jsonb_build_object('error', 'used');
	end if;
	if v_request.expires_at <= now() then
		return jsonb_build_object('error', 'expired');
	end if;

	if v_request.kind = 'access' then
		update public.privacy_requests
		set status = 'completed', confirmed_at = now(), completed_at = now(),
			download_until = now() + interval '7 days', email = null
		where id = v_request.id;
	else
		update public.privacy_requests set status = 'confirmed', confirmed_at = now()
		where id = v_request.id;
	end if;
	perform public.audit(null, 'privacy.confirmed', v_request.supporter_id::text,
		jsonb_build_object('kind', v_request.kind, 'request', v_request.id), p_ip);
	return jsonb_build_object('kind', v_request.kind);
end;
$$;

-- Everything we hold about a supporter, as one document: their details, every
-- consent (words, when, where, kind, expiry), tags, staff notes, petition
-- signatures, gifts, the emails we sent them (with what happened to each), their
-- privacy requests, and whether their address is on the do-not-contact list.
create or replace function public.privacy_export(p_supporter uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object(
		'generated_at', now(),
		'supporter', jsonb_build_object(
			'id', s.id, 'email', s.email, 'first_name', s.first_name, 'last_name', s.last_name,
			'language', s.language, 'postal_code', s.postal_code, 'province', s.province,
			'email_consent', s.email_consent, 'email_consent_expires_at', s.email_consent_expires_at,
			'created_at', s.created_at, 'updated_at', s.updated_at, 'last_activity_at', s.last_activity_at),
		'consents', coalesce((
			select jsonb_agg(jsonb_build_object(
				'channel', c.channel, 'status', c.status, 'kind', c.kind, 'wording', c.wording,
				'language', c.language, 'source', c.source, 'given_at', coalesce(c.given_at, c.recorded_at),
				'recorded_at', c.recorded_at, 'expires_at', c.expires_at)
				order by coalesce(c.given_at, c.recorded_at), c.id)
			from public.consents c where c.supporter_id = s.id), '[]'),
		'tags', coalesce((
			select jsonb_agg(jsonb_build_object('name', t.name, 'tagged_at', st.tagged_at) order by lower(t.name))
			from public.supporter_tags st join public.tags t on t.id = st.tag_id
			where st.supporter_id = s.id), '[]'),
		'staff_notes', coalesce((
			select jsonb_agg(jsonb_build_object('note', n.body, 'written_at', n.created_at) order by n.id)
			from public.supporter_notes n where n.supporter_id = s.id), '[]'),
		'petition_signatures', coalesce((
			select jsonb_agg(jsonb_build_object('petition', p.title, 'signed_at', ps.signed_at) order by ps.id)
			from public.petition_signatures ps join public.petitions p on p.id = ps.petition_id
			where ps.supporter_id = s.id), '[]'),
		'gifts', coalesce((
			select jsonb_agg(jsonb_build_object(
				'id', g.id, 'amount_cents', g.amount_cents, 'currency', g.currency,
				'frequency', g.frequency, 'status', g.status, 'test', g.test, 'received_at', g.received_at)
				order by g.received_at, g.id)
			from public.gifts g where g.supporter_id = s.id), '[]'),
		'emails', coalesce((
			select jsonb_agg(jsonb_build_object(
				'template', o.template, 'kind', o.kind, 'to', o.to_email, 'language', o.language,
				'status', o.status, 'queued_at', o.created_at, 'sent_at', o.sent_at,
				'events', coalesce((
					select jsonb_agg(jsonb_build_object('type', e.type,
						'at', coalesce(e.occurred_at, e.received_at)) order by e.id)
					from public.email_events e where e.outbox_id = o.id), '[]'))
				order by o.id)
			from public.email_outbox o
			where o.supporter_id = s.id or lower(o.to_email) = lower(s.email)), '[]'),
		'merged_records', coalesce((
			select jsonb_agg(jsonb_build_object('merged_at', mr.merged_at, 'record', mr.merged_row)
				order by mr.id)
			from public.supporter_merges mr where mr.survivor_id = s.id), '[]'),
		'privacy_requests', coalesce((
			select jsonb_agg(jsonb_build_object(
				'kind', r.kind, 'status', r.status, 'requested_at', r.requested_at,
				'confirmed_at', r.confirmed_at, 'completed_at', r.completed_at,
				'downloaded_at', r.downloaded_at) order by r.id)
			from public.privacy_requests r where r.supporter_id = s.id), '[]'),
		'do_not_contact', (
			select jsonb_build_object('reason', x.reason, 'since', x.created_at)
			from public.email_suppressions x where x.email_lower = lower(s.email))
	)
	from public.supporters s
	where s.id = p_supporter and s.erased_at is null;
$$;

-- The file of an access request, by its link, while it is downloadable (7 days
-- after confirming). Each download is recorded. Returns {export} or {error}.
create or replace function public.privacy_download(p_token_hash text, p_ip text) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_request public.privacy_requests;
	v_export jsonb;
begin
	select * into v_request from public.privacy_requests
	where token_hash = p_token_hash and kind = 'access' and status in ('completed', 'cancelled')
	for update;
	if not found then
		return jsonb_build_object('error', 'unknown');
	end if;
	if v_request.status = 'cancelled' or v_request.download_until <= now() then
		return jsonb_build_object('error', 'expired');
	end if;
	-- Null once the person has been erased: there is nothing left to give.
	v_export := public.privacy_export(v_request.supporter_id);
	if v_export is null then
		return jsonb_build_object('error', 'used');
	end if;
	update public.privacy_requests
	set downloaded_at = now(), download_count = download_count + 1
	where id = v_request.id;
	perform public.audit(null, 'privacy.downloaded', v_request.supporter_id::text,
		jsonb_build_object('request', v_request.id), p_ip);
	return jsonb_build_object('export', v_export);
end;
$$;

-- Whether a text (a jsonb's, a message) mentions any of these lower-case needles.
create or replace function public.privacy_mentions(p_text text, p_needles text[]) returns boolean
language sql
immutable
set search_path = ''
as $$
	select exists (select 1 from unnest(p_needles) n where strpos(lower(p_text), n) > 0);
$$;

-- Erases a supporter's personal data, in one transaction. What goes: their email
-- address, names and postal code (the row stays, anonymous, with its language and
-- province so counts by province stay true), tags, staff notes, the addresses and
-- contents of the emails we sent them and what Resend reported about those emails,
-- the details of audit entries about them, the records merged into theirs, and
-- their rows in imports not yet finished or kept as rejected. What stays: consents
-- (the words and dates we showed, not personal data), gifts and petition signatures
-- (so totals and counts stay exact), and the do-not-contact list (an address there
-- must never be emailed again). A granted email consent is withdrawn in the ledger,
-- so no email can follow.
create or replace function public.privacy_erase_supporter(
	p_supporter uuid, p_wording_en text, p_wording_fr text
) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_supporter public.supporters;
	v_erased text;
	-- Their addresses (theirs, and of records merged into theirs), lower case.
	v_emails text[];
	-- Their full names ("first last"), looked for in free text; one name alone is too
	-- common to look for in other people's records.
	v_names text[];
	v_outbox bigint[];
begin
	select * into v_supporter from public.supporters where id = p_supporter for update;
	if not found then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	if v_supporter.erased_at is not null then
		return;
	end if;
	-- Ledgers (notes, the audit log) may be rewritten in this transaction only.
	perform set_config('champions.rewriting_history', 'on', true);

	v_erased := 'erased-' || v_supporter.id || '@erased.invalid';
	select array_agg(distinct lower(x.email)) filter (where x.email is not null),
		coalesce(array_agg(distinct lower(x.first_name || ' ' || x.last_name))
			filter (where x.first_name is not null and x.last_name is not null), '{}')
	into v_emails, v_names
	from (
		select v_supporter.email, v_supporter.first_name, v_supporter.last_name
		union all
		select m.merged_row ->> 'email', m.merged_row ->> 'first_name', m.merged_row ->> 'last_name'
		from public.supporter_merges m where m.survivor_id = v_supporter.id
	) x (email, first_name, last_name);

	if v_supporter.email_consent = 'granted' then
		insert into public.consents (supporter_id, channel, status, kind, source, wording, language)
		values (v_supporter.id, 'email', 'withdrawn', 'express', '/privacy',
			case when v_supporter.language = 'fr' then p_wording_fr else p_wording_en end,
			v_supporter.language);
	end if;

	delete from public.supporter_notes where supporter_id = v_supporter.id;
	delete from public.supporter_tags where supporter_id = v_supporter.id;

	-- The emails we sent them: kept as a count and a status, without address or content.
	-- Anything still queued is never sent.
	select array_agg(o.id) into v_outbox from public.email_outbox o
	where o.supporter_id = v_supporter.id or lower(o.to_email) = any (v_emails);
	update public.email_outbox o set
		to_email = v_erased,
		data = '{}',
		status = case when o.status = 'pending' then 'suppressed' else o.status end,
		last_error = case when o.status = 'pending' then 'erased at the person''s request'
			when public.privacy_mentions(o.last_error, v_emails) then null
			else o.last_error end
	where o.id = any (v_outbox);
	update public.email_events e set payload = '{}'
	where e.outbox_id = any (v_outbox)
		or (e.outbox_id is null and public.privacy_mentions(e.payload::text, v_emails));

	-- Audit entries about them keep who did what and when, not what it was.
	update public.audit_log a set details = '{"redacted": "erased at the person''s request"}'
	where a.action not like 'privacy.%' and a.details <> '{}'::jsonb
		and (a.target = v_supporter.id::text
			or public.privacy_mentions(a.details::text, v_emails || v_names));
	update public.audit_log a set target = v_supporter.id::text
	where lower(a.target) = any (v_emails) and a.action like 'supporter%';
	-- Where they were when they asked is theirs too.
	update public.audit_log a set ip = null
	where a.action like 'privacy.%' and a.target = v_supporter.id::text;

	-- Records merged into theirs keep only what is not personal.
	update public.supporter_merges m
	set merged_row = m.merged_row - array['email', 'first_name', 'last_name', 'postal_code']
	where m.survivor_id = v_supporter.id;

	-- Their rows in imports (kept until applied, and afterwards only if rejected):
	-- blanked, so an import still running cannot bring them back.
	update public.supporter_import_rows r set
		cells = (select coalesce(jsonb_agg('""'::jsonb), '[]'::jsonb) from jsonb_array_elements(r.cells)),
		email_key = null
	where r.email_key = any (v_emails) or public.privacy_mentions(r.cells::text, v_emails);

	-- A saved search for their address keeps matching only them: no one, once erased.
	update public.segments g set filter = jsonb_set(g.filter, '{q}', to_jsonb(v_erased))
	where public.privacy_mentions(g.filter ->> 'q', v_emails);

	-- Their other requests: no address kept; any still open can no longer act.
	update public.privacy_requests r set email = null,
		status = case when r.status in ('pending', 'confirmed') then 'cancelled' else r.status end
	where r.supporter_id = v_supporter.id;

	update public.supporters set
		email = v_erased,
		first_name = null,
		last_name = null,
		postal_code = null,
		email_token = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
		erased_at = now()
	where id = v_supporter.id;
end;
$$;

-- The final button of an erasure request: erases the person's data (see
-- privacy_erase_supporter) and records that it was done, with no personal data.
-- Returns {erased: true} or {error}.
create or replace function public.privacy_erase(
	p_token_hash text, p_wording_en text, p_wording_fr text
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_request public.privacy_requests;
begin
	select * into v_request from public.privacy_requests
	where token_hash = p_token_hash and kind = 'erasure' and status <> 'no_data'
	for update;
	if not found then
		return jsonb_build_object('error', 'unknown');
	end if;
	if v_request.status = 'pending' then
		return jsonb_build_object('error', 'not_confirmed');
	end if;
	if v_request.status <> 'confirmed' then
		return jsonb_build_object('error', 'used');
	end if;
	if v_request.expires_at <= now() then
		return jsonb_build_object('error', 'expired');
	end if;

	perform public.privacy_erase_supporter(v_request.supporter_id, p_wording_en, p_wording_fr);
	update public.privacy_requests set status = 'completed', completed_at = now(), email = null
	where id = v_request.id;
	perform public.audit(null, 'privacy.erased', v_request.supporter_id::text,
		jsonb_build_object('request', v_request.id), null);
	return jsonb_build_object('erased', true);
end;
$$;

-- Requests for staff, newest first, p_limit at a time before the keyset p_before.
-- The address is shown only while a request is open (pending or confirmed, not expired).
create or replace function public.privacy_request_list(p_limit int, p_before bigint default null)
returns table (
	id bigint, kind text, status text, supporter_id uuid, email text, requested_at timestamptz,
	confirmed_at timestamptz, completed_at timestamptz, expires_at timestamptz,
	downloaded_at timestamptz, supporter_erased boolean
)
language sql
stable
set search_path = ''
as $$
	select r.id, r.kind,
		case when r.status in ('pending', 'confirmed') and r.expires_at <= now() then 'expired'
			else r.status end,
		r.supporter_id,
		case when r.status in ('pending', 'confirmed') and r.expires_at > now() then r.email end,
		r.requested_at, r.confirmed_at, r.completed_at, r.expires_at, r.downloaded_at,
		s.erased_at is not null
	from public.privacy_requests r
	left join public.supporters s on s.id = r.supporter_id
	where p_before is null or r.id < p_before
	order by r.id desc
	limit p_limit;
$$;
