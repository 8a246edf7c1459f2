-- A batch sent email by email (one with an attachment: Resend's batch call takes
-- none) can have some emails refused and the others sent. After email_batch_sent
-- marked them all sent, this marks the refused ones failed, with Resend's reason.
-- p_rows: [{id, reason}]. Returns how many changed.
create or replace function public.email_batch_rows_failed(p_batch uuid, p_rows jsonb) returns int
language sql
set search_path = ''
as $$
	with changed as (
		update public.email_outbox o set status = 'failed', last_error = left(r.reason, 1000)
		from jsonb_to_recordset(p_rows) as r(id bigint, reason text)
		where o.id = r.id and o.batch_id = p_batch and o.status = 'sent'
		returning 1
	)
	select count(*)::int from changed;
$$;
