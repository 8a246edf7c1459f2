-- Notes staff keep about a supporter ("prefers phone calls"). Kept, never edited:
-- a correction is a new note.
create table public.supporter_notes (
	id bigint generated always as identity primary key,
	supporter_id uuid not null references public.supporters (id),
	staff_id uuid references public.staff (id),
	body text not null check (length(trim(body)) between 1 and 5000),
	created_at timestamptz not null default now()
);

create index supporter_notes_supporter on public.supporter_notes (supporter_id, created_at desc);

create trigger supporter_notes_append_only before update or delete on public.supporter_notes
	for each row execute function public.forbid_change();

alter table public.supporter_notes enable row level security;

create or replace function public.supporter_add_note(p_actor uuid, p_supporter uuid, p_body text, p_ip text)
returns void
language plpgsql
set search_path = ''
as $$
begin
	insert into public.supporter_notes (supporter_id, staff_id, body) values (p_supporter, p_actor, trim(p_body));
	perform public.audit(p_actor, 'supporter.note_added', p_supporter::text, '{}', p_ip);
end;
$$;
