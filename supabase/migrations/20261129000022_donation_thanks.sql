-- The donor's thank-you page (/donate/thanks/<checkout>): what the database knows
-- of their payment now, so the page tells the truth (paid, processing, failed, or
-- still waiting for Stripe). The checkout's id is the key: random, given only to
-- the donor (Stripe sends them back with it). Nothing here names or addresses anyone
-- but the tribute's name the donor wrote. Called through the service role only.
create or replace function public.donation_thanks(p_checkout uuid, p_language text) returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object(
		'id', c.id,
		'status', c.status,
		'test', c.test,
		'frequency', c.frequency,
		'amount_cents', c.amount_cents,
		'fee_cents', c.fee_cents,
		'currency', c.currency,
		'wants_receipt', c.wants_receipt,
		'anonymous', c.anonymous,
		'tribute_kind', c.tribute_kind,
		'tribute_name', c.tribute_name,
		'tribute_notified', c.tribute_notify_email is not null,
		'campaign', (
			select jsonb_build_object('slug', k.slug, 'title', t.title)
			from public.campaigns k
			cross join lateral (
				select x.title from public.campaign_translations x where x.campaign_id = k.id
				order by x.language = p_language desc, x.language = 'en' desc limit 1
			) t
			where k.id = c.campaign_id),
		-- The first payment: the one-time gift, or a monthly gift's first invoice.
		'gift', (
			select jsonb_build_object('status', g.status, 'amount_cents', g.amount_cents,
				'currency', g.currency, 'refunded_cents', g.refunded_cents,
				'receipt', (
					select jsonb_build_object('serial', r.serial, 'test', r.test, 'status', r.status)
					from public.receipt_gifts rg
					join public.receipts r on r.id = rg.receipt_id
					where rg.gift_id = g.id and r.kind = 'gift'
					order by r.issued_at desc limit 1))
			from public.gifts g
			where g.checkout_id = c.id
			order by g.received_at, g.created_at limit 1),
		'recurring', (
			select jsonb_build_object('status', rg.status, 'amount_cents', rg.amount_cents,
				'currency', rg.currency)
			from public.recurring_gifts rg where rg.checkout_id = c.id))
	from public.donation_checkouts c
	where c.id = p_checkout;
$$;
