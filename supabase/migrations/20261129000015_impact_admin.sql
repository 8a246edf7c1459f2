-- Staff edit the impact figures: each change in one transaction with its audit
-- entry (what it was, what it became, who, from where).

-- p_fields: value, qualifier, verification, source_title, source_url, published, and
-- en/fr: {label, as_of, place, measured}.
create or replace function public.impact_metric_save(p_actor uuid, p_key text, p_fields jsonb, p_ip text)
returns void
language plpgsql
set search_path = ''
as $$
declare
	v_before jsonb;
	v_after jsonb;
	v_language text;
begin
	select to_jsonb(m) || jsonb_build_object('text', (
		select jsonb_object_agg(t.language, to_jsonb(t) - 'metric_key' - 'language')
		from public.impact_metric_translations t where t.metric_key = m.key))
	into v_before
	from public.impact_metrics m where m.key = p_key for update;
	if v_before is null then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	update public.impact_metrics set
		value = (p_fields ->> 'value')::numeric,
		qualifier = p_fields ->> 'qualifier',
		verification = p_fields ->> 'verification',
		source_title = p_fields ->> 'source_title',
		source_url = nullif(p_fields ->> 'source_url', ''),
		published = (p_fields ->> 'published')::boolean,
		updated_by = p_actor
	where key = p_key;
	foreach v_language in array array['en', 'fr'] loop
		insert into public.impact_metric_translations (metric_key, language, label, as_of, place, measured)
		values (p_key, v_language, p_fields -> v_language ->> 'label', p_fields -> v_language ->> 'as_of',
			p_fields -> v_language ->> 'place', p_fields -> v_language ->> 'measured')
		on conflict (metric_key, language) do update set
			label = excluded.label, as_of = excluded.as_of, place = excluded.place, measured = excluded.measured;
	end loop;
	select to_jsonb(m) || jsonb_build_object('text', (
		select jsonb_object_agg(t.language, to_jsonb(t) - 'metric_key' - 'language')
		from public.impact_metric_translations t where t.metric_key = m.key))
	into v_after
	from public.impact_metrics m where m.key = p_key;
	perform public.audit(p_actor, 'impact.metric_saved', p_key,
		jsonb_build_object(
			'from', v_before - 'updated_at' - 'updated_by',
			'to', v_after - 'updated_at' - 'updated_by'),
		p_ip);
end;
$$;

-- A new point on a series, as a draft (unpublished) until staff publish it.
-- p_point: value, value_low, source_title, source_url, en/fr: {label, as_of, place, measured}.
create or replace function public.impact_point_add(p_actor uuid, p_series text, p_point jsonb, p_ip text)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
	v_id bigint;
	v_language text;
begin
	insert into public.impact_series_points (series_key, sort, value, value_low, source_title, source_url,
		published, updated_by)
	values (p_series,
		coalesce((select max(sort) + 1 from public.impact_series_points where series_key = p_series), 1),
		(p_point ->> 'value')::numeric, nullif(p_point ->> 'value_low', '')::numeric,
		p_point ->> 'source_title', nullif(p_point ->> 'source_url', ''), false, p_actor)
	returning id into v_id;
	foreach v_language in array array['en', 'fr'] loop
		insert into public.impact_point_translations (point_id, language, label, as_of, place, measured)
		values (v_id, v_language, p_point -> v_language ->> 'label', p_point -> v_language ->> 'as_of',
			p_point -> v_language ->> 'place', p_point -> v_language ->> 'measured');
	end loop;
	perform public.audit(p_actor, 'impact.point_added', p_series || ':' || v_id, p_point, p_ip);
	return v_id;
end;
$$;

create or replace function public.impact_point_publish(
	p_actor uuid, p_point bigint, p_published boolean, p_ip text
) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_series text;
begin
	update public.impact_series_points set published = p_published, updated_by = p_actor
	where id = p_point
	returning series_key into v_series;
	if v_series is null then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	perform public.audit(p_actor, case when p_published then 'impact.point_published' else 'impact.point_unpublished' end,
		v_series || ':' || p_point, '{}', p_ip);
end;
$$;

-- An unpublished point can be removed; a published one must be unpublished first.
create or replace function public.impact_point_delete_draft(p_actor uuid, p_point bigint, p_ip text)
returns void
language plpgsql
set search_path = ''
as $$
declare
	v_deleted jsonb;
begin
	delete from public.impact_series_points where id = p_point and not published
	returning to_jsonb(impact_series_points.*) into v_deleted;
	if v_deleted is null then
		raise exception 'not_a_draft' using errcode = 'P0001';
	end if;
	perform public.audit(p_actor, 'impact.point_deleted', (v_deleted ->> 'series_key') || ':' || p_point,
		v_deleted, p_ip);
end;
$$;
