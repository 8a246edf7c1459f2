-- Merging two supporter records of one person: the survivor keeps every consent,
-- signature, gift, note, tag and email of both; the duplicate's row goes, and what
-- it held is kept in supporter_merges.

create table public.supporter_merges (
	id bigint generated always as identity primary key,
	survivor_id uuid not null references public.supporters (id),
	merged_id uuid not null,
	-- The duplicate's row as it was (email, names...), so nothing is lost.
	merged_row jsonb not null,
	-- Its unsubscribe token: links in emails it was sent keep working.
	merged_email_token text not null unique,
	-- What could not move as it was (both signed one petition: the earlier signature stays).
	folded jsonb not null default '{}',
	staff_id uuid references public.staff (id),
	merged_at timestamptz not null default now()
);
create index supporter_merges_survivor on public.supporter_merges (survivor_id, merged_at desc);
alter table public.supporter_merges enable row level security;

-- Moves everything of p_duplicate to p_survivor in one transaction. Every
-- foreign key to supporters is followed (found in the catalogue), so a table
-- added later moves too; the two with a per-supporter unique key are folded first.
create or replace function public.supporter_merge(
	p_actor uuid, p_survivor uuid, p_duplicate uuid, p_ip text
) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_survivor public.supporters;
	v_duplicate public.supporters;
	v_folded_signatures jsonb;
	v_reference record;
begin
	if p_survivor = p_duplicate then
		raise exception 'same_supporter' using errcode = '22023';
	end if;
	-- Lock both rows in a fixed order, so two merges of the same pair cannot deadlock.
	perform 1 from public.supporters where id in (p_survivor, p_duplicate) order by id for update;
	select * into v_survivor from public.supporters where id = p_survivor;
	select * into v_duplicate from public.supporters where id = p_duplicate;
	if v_survivor.id is null or v_duplicate.id is null then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	if v_survivor.erased_at is not null or v_duplicate.erased_at is not null then
		raise exception 'erased' using errcode = '22023';
	end if;

	perform set_config('champions.rewriting_history', 'on', true);

	-- Both signed the same petition: one person, one signature (the earlier one).
	with pairs as (
		select d.id as duplicate_signature, d.petition_id, d.signed_at as duplicate_at, s.id as survivor_signature,
			s.signed_at as survivor_at
		from public.petition_signatures d
		join public.petition_signatures s on s.petition_id = d.petition_id and s.supporter_id = p_survivor
		where d.supporter_id = p_duplicate
	), earlier as (
		update public.petition_signatures ps set signed_at = pairs.duplicate_at
		from pairs where ps.id = pairs.survivor_signature and pairs.duplicate_at < pairs.survivor_at
		returning ps.id
	), removed as (
		delete from public.petition_signatures ps using pairs
		where ps.id = pairs.duplicate_signature
		returning pairs.petition_id, pairs.duplicate_at
	)
	select coalesce(jsonb_agg(jsonb_build_object('petition_id', petition_id, 'signed_at', duplicate_at)), '[]')
	into v_folded_signatures from removed;

	insert into public.supporter_tags (supporter_id, tag_id, tagged_at)
	select p_survivor, tag_id, tagged_at from public.supporter_tags where supporter_id = p_duplicate
	on conflict do nothing;
	delete from public.supporter_tags where supporter_id = p_duplicate;

	-- Everything else that points at the duplicate now points at the survivor.
	for v_reference in
		select c.conrelid::regclass as table_name, a.attname as column_name
		from pg_catalog.pg_constraint c
		join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
		where c.contype = 'f' and c.confrelid = 'public.supporters'::regclass
			and array_length(c.conkey, 1) = 1
	loop
		execute format('update %s set %I = $1 where %I = $2',
			v_reference.table_name, v_reference.column_name, v_reference.column_name)
		using p_survivor, p_duplicate;
	end loop;

	insert into public.supporter_merges (survivor_id, merged_id, merged_row, merged_email_token, folded, staff_id)
	values (p_survivor, p_duplicate, to_jsonb(v_duplicate) - 'email_token', v_duplicate.email_token,
		jsonb_build_object('signatures', v_folded_signatures), p_actor);
	delete from public.supporters where id = p_duplicate;

	-- The survivor's blanks are filled from the duplicate; what it has stays.
	update public.supporters set
		first_name = coalesce(first_name, v_duplicate.first_name),
		last_name = coalesce(last_name, v_duplicate.last_name),
		postal_code = coalesce(postal_code, v_duplicate.postal_code),
		province = coalesce(province, v_duplicate.province),
		created_at = least(created_at, v_duplicate.created_at),
		last_activity_at = greatest(last_activity_at, v_duplicate.last_activity_at)
	where id = p_survivor;
	perform public.supporters_refresh_email_consent(array[p_survivor]);

	perform public.audit(p_actor, 'supporter.merged', p_survivor::text,
		jsonb_build_object('merged_id', p_duplicate, 'merged_email', v_duplicate.email,
			'folded_signatures', jsonb_array_length(v_folded_signatures)), p_ip);
end;
$$;

-- One-click unsubscribe from an email sent to a record since merged: the
-- merged record's token leads to the survivor.
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
		select s.* into v_supporter from public.supporter_merges mg
		join public.supporters s on s.id = mg.survivor_id
		where mg.merged_email_token = p_token;
		if not found then
			return null;
		end if;
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

-- The supporter with this address, any letter case (the unique index answers it).
create or replace function public.supporter_id_by_email(p_email text) returns uuid
language sql
stable
set search_path = ''
as $$
	select id from public.supporters where lower(email) = lower(trim(p_email));
$$;
