-- Development data, loaded after the migrations by `npm run dev` (first start),
-- `npm run db:reset`, and the Supabase CLI (`supabase db reset`).
-- Public content (campaigns, metrics) is seeded by the migration or seed that adds
-- its table; no real person's data is ever seeded.
select 1;
