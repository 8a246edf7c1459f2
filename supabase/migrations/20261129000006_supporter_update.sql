-- Staff edit a supporter's details; the audit log keeps what changed, from what,
-- to what, by whom.
create or replace function public.supporter_update(
	p_actor uuid, p_id uuid, p_changes jsonb, p_ip text
) returns void
language plpgsql
set search_path = ''
as $$
declare
	v_before public.supporters;
	v_after public.supporters;
	v_diff jsonb;
begin
	select * into v_before from public.supporters where id = p_id for update;
	if not found then
		raise exception 'not_found' using errcode = 'P0002';
	end if;
	if p_changes ? 'email' and exists (
		select 1 from public.supporters where lower(email) = lower(p_changes ->> 'email') and id <> p_id
	) then
		raise exception 'email_taken' using errcode = 'P0001';
	end if;
	update public.supporters set
		email = coalesce(p_changes ->> 'email', email),
		first_name = case when p_changes ? 'first_name' then nullif(p_changes ->> 'first_name', '') else first_name end,
		last_name = case when p_changes ? 'last_name' then nullif(p_changes ->> 'last_name', '') else last_name end,
		language = coalesce(p_changes ->> 'language', language),
		postal_code = case when p_changes ? 'postal_code' then nullif(p_changes ->> 'postal_code', '') else postal_code end,
		province = case when p_changes ? 'province' then nullif(p_changes ->> 'province', '') else province end
	where id = p_id
	returning * into v_after;

	select coalesce(jsonb_object_agg(key, jsonb_build_object('from', before.value, 'to', after.value)), '{}')
	into v_diff
	from jsonb_each(to_jsonb(v_before)) before
	join jsonb_each(to_jsonb(v_after)) after using (key)
	where key in ('email', 'first_name', 'last_name', 'language', 'postal_code', 'province')
		and before.value is distinct from after.value;

	if v_diff <> '{}' then
		perform public.audit(p_actor, 'supporter.updated', p_id::text, v_diff, p_ip);
	end if;
end;
$$;
