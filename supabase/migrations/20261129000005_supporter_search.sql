-- Finding supporters by the start of their name or email, fast at 100,000 and
-- more: one prefix index per field (text_pattern_ops serves LIKE 'abc%' in any
-- collation), searched separately and merged, rather than one scan testing all.

create index supporters_email_prefix on public.supporters (lower(email) text_pattern_ops);
create index supporters_first_name_prefix on public.supporters (lower(first_name) text_pattern_ops);
create index supporters_last_name_prefix on public.supporters (lower(last_name) text_pattern_ops);
create index supporters_full_name_prefix
	on public.supporters (lower(first_name || ' ' || last_name) text_pattern_ops);
create index supporters_newest on public.supporters (created_at desc, id desc);

-- Supporters whose email, first name, last name or full name starts with p_query
-- (any letter case; all supporters when it is empty), newest first, p_limit at a
-- time after the keyset (p_before_created_at, p_before_id).
create or replace function public.supporter_search(
	p_query text, p_limit int, p_before_created_at timestamptz default null, p_before_id uuid default null
) returns table (
	id uuid, email text, first_name text, last_name text, language text, province text,
	created_at timestamptz
)
language plpgsql
stable
set search_path = ''
as $$
declare
	-- The query as a LIKE prefix, its own % and _ taken literally.
	v_prefix text := replace(replace(replace(lower(trim(coalesce(p_query, ''))), '\', '\\'), '%', '\%'), '_', '\_') || '%';
begin
	if trim(coalesce(p_query, '')) = '' then
		return query
		select s.id, s.email, s.first_name, s.last_name, s.language, s.province, s.created_at
		from public.supporters s
		where p_before_created_at is null or (s.created_at, s.id) < (p_before_created_at, p_before_id)
		order by s.created_at desc, s.id desc
		limit p_limit;
		return;
	end if;
	return query
	with matches as (
		select x.id from public.supporters x where lower(x.email) like v_prefix
		union
		select x.id from public.supporters x where lower(x.first_name) like v_prefix
		union
		select x.id from public.supporters x where lower(x.last_name) like v_prefix
		union
		select x.id from public.supporters x where lower(x.first_name || ' ' || x.last_name) like v_prefix
	)
	select s.id, s.email, s.first_name, s.last_name, s.language, s.province, s.created_at
	from public.supporters s join matches m on m.id = s.id
	where p_before_created_at is null or (s.created_at, s.id) < (p_before_created_at, p_before_id)
	order by s.created_at desc, s.id desc
	limit p_limit;
end;
$$;
