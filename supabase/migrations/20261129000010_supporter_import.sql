-- Importing supporters from a CSV file. The file's rows are staged here first
-- (so nothing is lost when the app stops), then applied in batches by a runner
-- that holds a lease on the import: one runner at a time, and any later visit
-- takes over when the lease has run out, from the cursor the last batch left.
-- Rows are validated in the app (translated reasons); each batch is applied
-- here in one transaction, so a batch is applied whole or not at all.

create table public.supporter_imports (
	id uuid primary key default gen_random_uuid(),
	file_name text not null check (length(file_name) between 1 and 200),
	-- The file's column names, in order.
	headers jsonb not null check (jsonb_typeof(headers) = 'array'),
	-- For each column, the supporter field it fills, or 'ignore'.
	mapping jsonb not null default '[]' check (jsonb_typeof(mapping) = 'array'),
	-- A tag put on every supporter the import adds or updates.
	tag text check (tag is null or (length(tag) between 1 and 60 and tag = trim(tag))),
	-- uploading (rows being staged) → mapping → running → finished.
	status text not null default 'uploading'
		check (status in ('uploading', 'mapping', 'running', 'finished')),
	row_count int not null default 0,
	-- The last row number applied: the next batch starts after it.
	cursor_row int not null default 0,
	added int not null default 0,
	updated int not null default 0,
	rejected int not null default 0,
	consents_recorded int not null default 0,
	-- Rows that said yes to email but gave no source or date: imported without consent.
	consents_unrecorded int not null default 0,
	-- The runner applying batches, and until when it may (its lease).
	runner uuid,
	lease_expires_at timestamptz,
	created_by uuid references public.staff (id),
	started_by uuid references public.staff (id),
	started_ip text,
	created_at timestamptz not null default now(),
	started_at timestamptz,
	finished_at timestamptz
);
create index supporter_imports_created on public.supporter_imports (created_at desc);
alter table public.supporter_imports enable row level security;

-- One row of the file, as its cells. Row numbers are as a spreadsheet shows them
-- (the column names are row 1). Once applied: its outcome and, if rejected, why.
-- When the import finishes, only the rejected rows are kept (for their download).
create table public.supporter_import_rows (
	import_id uuid not null references public.supporter_imports (id) on delete cascade,
	row_number int not null check (row_number > 1),
	cells jsonb not null check (jsonb_typeof(cells) = 'array'),
	email_key text,
	outcome text check (outcome in ('added', 'updated', 'rejected')),
	-- [{"code": "postal_code_invalid"}, {"code": "duplicate", "row": 12}, ...]
	reasons jsonb,
	primary key (import_id, row_number)
);
-- "Duplicate of row N": the first earlier row with the same address.
create index supporter_import_rows_email on public.supporter_import_rows (import_id, email_key, row_number)
	where email_key is not null;
alter table public.supporter_import_rows enable row level security;

-- One row of a batch as the app read it: values already checked and normalised
-- (null where the file's cell is empty, so an empty cell never erases anything),
-- or the reasons it is rejected.
create type public.supporter_import_input as (
	row_number int,
	email_key text,
	reasons jsonb,
	email text,
	first_name text,
	last_name text,
	language text,
	postal_code text,
	province text,
	tags text[],
	consent_given_at timestamptz,
	-- express | gift | enquiry (implied consent, from a gift or an enquiry)
	consent_kind text,
	consent_source text,
	consent_wording text,
	-- The sentence recorded when the file has no wording column, in both
	-- languages: the supporter's language picks one.
	consent_wording_en text,
	consent_wording_fr text,
	consent_unrecorded boolean
);

-- Takes (or renews) the lease on a running import for p_runner and returns the
-- next p_limit rows after its cursor; null when another runner holds a lease
-- that has not run out, or the import is not running.
create or replace function public.supporter_import_claim(
	p_import uuid, p_runner uuid, p_lease_seconds int, p_limit int
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_import public.supporter_imports;
begin
	update public.supporter_imports
	set runner = p_runner, lease_expires_at = now() + make_interval(secs => p_lease_seconds)
	where id = p_import and status = 'running'
		and (runner is null or runner = p_runner or lease_expires_at < now())
	returning * into v_import;
	if not found then
		return null;
	end if;
	return jsonb_build_object(
		'from', v_import.cursor_row,
		'file_name', v_import.file_name,
		'mapping', v_import.mapping,
		'rows', coalesce((
			select jsonb_agg(jsonb_build_object('row', r.row_number, 'cells', r.cells) order by r.row_number)
			from (
				select x.row_number, x.cells from public.supporter_import_rows x
				where x.import_id = p_import and x.row_number > v_import.cursor_row
				order by x.row_number
				limit p_limit
			) r
		), '[]'::jsonb)
	);
end;
$$;

-- Applies one batch (the rows after p_from up to p_to) for the runner holding
-- the lease, in this one transaction: rejected rows change nothing; a row whose
-- address an earlier row of the file had is rejected as its duplicate; an
-- existing supporter gets only the file's non-empty values; tags are added;
-- consent is recorded as the file states it (never a withdrawal, and never the
-- same consent twice). A runner that lost its lease, or a batch already applied,
-- changes nothing: {"applied": false}. The last batch finishes the import,
-- writes the audit entry and drops the staged rows that were imported.
create or replace function public.supporter_import_apply(
	p_import uuid, p_runner uuid, p_from int, p_to int, p_rows jsonb
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
	v_import public.supporter_imports;
	v_batch jsonb;
	v_staged int;
	v_accepted int;
	v_updated text[];
	v_added text[];
	v_consents int;
	v_finished boolean;
begin
	select * into v_import from public.supporter_imports where id = p_import for update;
	if not found or v_import.status <> 'running' or v_import.runner is distinct from p_runner
		or v_import.cursor_row <> p_from then
		return jsonb_build_object('applied', false);
	end if;

	select count(*) into v_staged from public.supporter_import_rows
	where import_id = p_import and row_number > p_from and row_number <= p_to;
	if v_staged <> jsonb_array_length(p_rows) then
		raise exception 'batch does not match the staged rows' using errcode = '22023';
	end if;

	-- Duplicates: an earlier batch's row with the same address, else an earlier
	-- row of this batch.
	select coalesce(jsonb_agg(to_jsonb(j) order by j.row_number), '[]'::jsonb) into v_batch
	from (
		select b.row_number, b.email_key,
			b.reasons || case when d.first_row is not null
				then jsonb_build_array(jsonb_build_object('code', 'duplicate', 'row', d.first_row))
				else '[]'::jsonb end as reasons,
			b.email, b.first_name, b.last_name, b.language, b.postal_code, b.province, b.tags,
			b.consent_given_at, b.consent_kind, b.consent_source, b.consent_wording,
			b.consent_wording_en, b.consent_wording_fr, b.consent_unrecorded
		from (
			select i.*, min(i.row_number) over (partition by i.email_key) as first_in_batch
			from jsonb_populate_recordset(null::public.supporter_import_input, p_rows) i
		) b
		left join lateral (
			select coalesce(
				(select min(r.row_number) from public.supporter_import_rows r
				 where r.import_id = p_import and r.email_key = b.email_key and r.row_number <= p_from),
				case when b.first_in_batch < b.row_number then b.first_in_batch end
			) as first_row
		) d on b.email_key is not null
	) j;

	select count(*) into v_accepted
	from jsonb_populate_recordset(null::public.supporter_import_input, v_batch) a
	where a.reasons = '[]'::jsonb;

	-- Existing supporters: only what the file says (null leaves a value as it is).
	with accepted as (
		select * from jsonb_populate_recordset(null::public.supporter_import_input, v_batch)
		where reasons = '[]'::jsonb
	), changed as (
		update public.supporters s set
			first_name = coalesce(a.first_name, s.first_name),
			last_name = coalesce(a.last_name, s.last_name),
			language = coalesce(a.language, s.language),
			postal_code = coalesce(a.postal_code, s.postal_code),
			province = coalesce(a.province, s.province)
		from accepted a
		where lower(s.email) = a.email_key
		returning lower(s.email) as email_key
	)
	select coalesce(array_agg(email_key), '{}') into v_updated from changed;

	with accepted as (
		select * from jsonb_populate_recordset(null::public.supporter_import_input, v_batch)
		where reasons = '[]'::jsonb
	), inserted as (
		insert into public.supporters (email, first_name, last_name, language, postal_code, province)
		select a.email, a.first_name, a.last_name, coalesce(a.language, 'en'), a.postal_code, a.province
		from accepted a
		where a.email_key <> all (v_updated)
		on conflict ((lower(email))) do nothing
		returning lower(email) as email_key
	)
	select coalesce(array_agg(email_key), '{}') into v_added from inserted;

	-- Someone signed up with one of these addresses meanwhile: the runner tries the batch again.
	if cardinality(v_updated) + cardinality(v_added) <> v_accepted then
		raise exception 'a supporter was added meanwhile; try the batch again' using errcode = '40001';
	end if;

	with wanted as (
		select x.name
		from jsonb_populate_recordset(null::public.supporter_import_input, v_batch) a
		cross join lateral unnest(a.tags || case when v_import.tag is null then '{}'::text[] else array[v_import.tag] end) as x(name)
		where a.reasons = '[]'::jsonb
	)
	insert into public.tags (name)
	select distinct on (lower(name)) name from wanted
	on conflict ((lower(name))) do nothing;

	insert into public.supporter_tags (supporter_id, tag_id)
	select distinct s.id, t.id
	from jsonb_populate_recordset(null::public.supporter_import_input, v_batch) a
	cross join lateral unnest(a.tags || case when v_import.tag is null then '{}'::text[] else array[v_import.tag] end) as x(name)
	join public.supporters s on lower(s.email) = a.email_key
	join public.tags t on lower(t.name) = lower(x.name)
	where a.reasons = '[]'::jsonb
	on conflict do nothing;

	-- Consent as the file states it, dated when it was given: the ledger orders by
	-- that date, so an old consent never overrides a later withdrawal.
	with recorded as (
		insert into public.consents (supporter_id, channel, status, kind, source, wording, language, expires_at, given_at)
		select s.id, 'email', 'granted',
			case when a.consent_kind = 'express' then 'express' else 'implied' end,
			'import:' || v_import.file_name || ':' || a.consent_source,
			coalesce(a.consent_wording, case when l.language = 'fr' then a.consent_wording_fr else a.consent_wording_en end),
			l.language,
			case a.consent_kind
				when 'gift' then a.consent_given_at + interval '2 years'
				when 'enquiry' then a.consent_given_at + interval '6 months'
			end,
			a.consent_given_at
		from jsonb_populate_recordset(null::public.supporter_import_input, v_batch) a
		join public.supporters s on lower(s.email) = a.email_key
		cross join lateral (select coalesce(a.language, s.language) as language) l
		where a.reasons = '[]'::jsonb and a.consent_given_at is not null
			and not exists (
				select 1 from public.consents c
				where c.supporter_id = s.id and c.channel = 'email' and c.status = 'granted'
					and c.given_at = a.consent_given_at
					and c.source = 'import:' || v_import.file_name || ':' || a.consent_source
			)
		returning 1
	)
	select count(*) into v_consents from recorded;

	update public.supporter_import_rows r set
		email_key = a.email_key,
		outcome = case
			when a.reasons <> '[]'::jsonb then 'rejected'
			when a.email_key = any (v_added) then 'added'
			else 'updated'
		end,
		reasons = case when a.reasons <> '[]'::jsonb then a.reasons end
	from jsonb_populate_recordset(null::public.supporter_import_input, v_batch) a
	where r.import_id = p_import and r.row_number = a.row_number;

	v_finished := not exists (
		select 1 from public.supporter_import_rows where import_id = p_import and row_number > p_to
	);

	update public.supporter_imports set
		cursor_row = p_to,
		added = added + cardinality(v_added),
		updated = updated + cardinality(v_updated),
		rejected = rejected + (jsonb_array_length(v_batch) - v_accepted),
		consents_recorded = consents_recorded + v_consents,
		consents_unrecorded = consents_unrecorded + (
			select count(*) from jsonb_populate_recordset(null::public.supporter_import_input, v_batch) a
			where a.reasons = '[]'::jsonb and a.consent_unrecorded
		),
		status = case when v_finished then 'finished' else status end,
		finished_at = case when v_finished then now() end,
		runner = case when v_finished then null else runner end,
		lease_expires_at = case when v_finished then null else lease_expires_at end
	where id = p_import
	returning * into v_import;

	if v_finished then
		delete from public.supporter_import_rows where import_id = p_import and outcome <> 'rejected';
		perform public.audit(v_import.started_by, 'supporters.imported', p_import::text,
			jsonb_build_object(
				'file', v_import.file_name, 'rows', v_import.row_count, 'added', v_import.added,
				'updated', v_import.updated, 'rejected', v_import.rejected,
				'consents_recorded', v_import.consents_recorded,
				'consents_unrecorded', v_import.consents_unrecorded, 'tag', v_import.tag),
			v_import.started_ip);
	end if;

	return jsonb_build_object('applied', true, 'finished', v_finished);
end;
$$;

-- Starts an import that is waiting for its mapping; false if it already started.
create or replace function public.supporter_import_start(
	p_import uuid, p_actor uuid, p_mapping jsonb, p_tag text, p_ip text
) returns boolean
language plpgsql
set search_path = ''
as $$
begin
	update public.supporter_imports set
		mapping = p_mapping, tag = nullif(trim(p_tag), ''), status = 'running',
		started_by = p_actor, started_at = now(), started_ip = p_ip
	where id = p_import and status = 'mapping';
	return found;
end;
$$;

-- How many rejected rows each reason has (a row may have more than one).
create or replace function public.supporter_import_reasons(p_import uuid)
returns table (code text, row_count bigint)
language sql
stable
set search_path = ''
as $$
	select reason ->> 'code', count(*)
	from public.supporter_import_rows r
	cross join lateral jsonb_array_elements(r.reasons) as reason
	where r.import_id = p_import and r.outcome = 'rejected'
	group by 1
	order by 2 desc, 1;
$$;
