import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import { startStack } from '../scripts/local-stack/index.ts';

// `npm run bench -- supporters`: supporter search and filters at 100,000
// supporters (seeded here with consents, tags, gifts and signatures), through
// supabase-js and PostgREST as /admin/supporters calls them.
// Goal (issue 4): p95 under 50 ms. On PostgreSQL 15:
//   BENCH_DATABASE_URL=$(.ci/postgres.sh start 55433) npm run bench -- supporters

const SUPPORTERS = Number(process.env.BENCH_SUPPORTERS ?? 100_000);
const SEARCHES = 380;

const FIRST = [
	'Ana',
	'Marie',
	'Jean',
	'Li',
	'Fatima',
	'Noah',
	'Chloé',
	'Omar',
	'Zoé',
	'Liam',
	'Priya',
	'Samuel'
];
const LAST = [
	'Tremblay',
	'Gagnon',
	'Roy',
	'Smith',
	'Nguyen',
	'Singh',
	'Côté',
	'Martin',
	'Brown',
	'Lee',
	'Wilson'
];
// What staff type, and the filters they combine with it (the list page runs the
// search and its count together).
const QUERIES: Record<string, Record<string, unknown>> = {
	a: { q: 'a' },
	ma: { q: 'ma' },
	marie: { q: 'marie' },
	trem: { q: 'trem' },
	gagnon: { q: 'gagnon' },
	li: { q: 'li' },
	nguyen: { q: 'nguyen' },
	'samuel r': { q: 'samuel r' },
	'bench.99999': { q: 'bench.99999' },
	nobody: { q: 'nobody' },
	'(everyone)': {},
	'subscribed, fr': { consent: 'subscribed', language: 'fr' },
	'expiring in 60 days': { consent: 'expiring' },
	'tag volunteer': { tags: ['volunteer'] },
	'QC + ON, has given': { provinces: ['QC', 'ON'], given: 'yes' },
	'gave monthly': { monthly: true },
	'signed the petition': { petition: '00000000-0000-4000-8000-000000000001' },
	'inactive since 2026-06': { active_before: '2026-06-01' },
	'ma, subscribed, tag': { q: 'ma', consent: 'subscribed', tags: ['volunteer'] }
};

function percentile(sorted: number[], p: number) {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run() {
	const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
	const stack = await startStack({
		data: 'memory',
		databaseUrl,
		ports: { gateway: 0, db: 0, postgrest: 0, postgrestAdmin: 0 }
	});
	const sql = new pg.Client({ connectionString: stack.dbUrl });
	await sql.connect();
	try {
		const database = (
			await sql.query<{ version: string }>('select version()')
		).rows[0].version.split(' on ')[0];
		await sql.query(
			`insert into supporters (email, first_name, last_name, language, created_at)
			 select 'bench.' || n || '@example.org', ($2::text[])[1 + n % $3], ($4::text[])[1 + (n / 7) % $5],
			        case when n % 3 = 0 then 'fr' else 'en' end, now() - make_interval(mins => n)
			 from generate_series(1, $1::int) n`,
			[SUPPORTERS, FIRST, FIRST.length, LAST, LAST.length]
		);
		// A tenth subscribed (express), a tenth on implied consent from a gift (some
		// lapsing soon), a third tagged, a fifth who gave (some monthly), a quarter who signed.
		await sql.query(
			`update supporters set province = (array['QC','ON','BC','AB','NS'])[1 + abs(hashtext(email)) % 5]`
		);
		await sql.query(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language, expires_at, given_at)
			 select id, 'email', 'granted', case when n % 20 = 0 then 'express' else 'implied' end, 'bench',
			        'Yes, email me updates.', language,
			        case when n % 20 = 0 then null else now() + make_interval(days => (n % 700)::int) end,
			        now() - make_interval(days => 30)
			 from (select id, language, row_number() over () as n from supporters) s where n % 10 = 0`
		);
		await sql.query(`insert into tags (name) values ('volunteer'), ('board-prospect')`);
		await sql.query(
			`insert into supporter_tags (supporter_id, tag_id)
			 select s.id, t.id from supporters s, tags t where abs(hashtext(s.email || t.name)) % 3 = 0`
		);
		await sql.query(
			`insert into gifts (supporter_id, amount_cents, frequency, status, received_at)
			 select id, 2500, case when abs(hashtext(email)) % 4 = 0 then 'monthly' else 'one_time' end,
			        'succeeded', now() - make_interval(days => abs(hashtext(email)) % 400)
			 from supporters where abs(hashtext(email || 'g')) % 5 = 0`
		);
		await sql.query(
			`insert into petitions (id, slug, title, status)
			 values ('00000000-0000-4000-8000-000000000001', 'bench', 'Bench petition', 'published')`
		);
		await sql.query(
			`insert into petition_signatures (petition_id, supporter_id, signed_at)
			 select '00000000-0000-4000-8000-000000000001', id, now() - make_interval(hours => abs(hashtext(email)) % 5000)
			 from supporters where abs(hashtext(email || 's')) % 4 = 0`
		);
		await sql.query('analyze');

		const db = createClient(stack.supabaseUrl, stack.serviceRoleKey, {
			auth: { persistSession: false }
		});
		// As the page does it: the first 50 and the count, at once.
		const search = async (filter: Record<string, unknown>) => {
			const [page, count] = await Promise.all([
				db.rpc('supporter_find', {
					p_filter: filter,
					p_limit: 50,
					p_before_created_at: null,
					p_before_id: null
				}),
				db.rpc('supporter_count', { p_filter: filter })
			]);
			if (page.error || count.error) throw new Error((page.error ?? count.error)!.message);
		};
		const names = Object.keys(QUERIES);
		for (const name of names) await search(QUERIES[name]); // warm-up

		const timings: Record<string, number[]> = {};
		for (let index = 0; index < SEARCHES; index += 1) {
			const name = names[index % names.length];
			const started = performance.now();
			await search(QUERIES[name]);
			(timings[name] ??= []).push(performance.now() - started);
		}
		const all = Object.values(timings)
			.flat()
			.sort((a, b) => a - b);
		console.log(
			`\nSupporter search: ${SUPPORTERS.toLocaleString('en')} supporters on ${database}, ${SEARCHES} searches`
		);
		console.table(
			Object.fromEntries(
				Object.entries(timings).map(([query, times]) => {
					const sorted = times.sort((a, b) => a - b);
					return [
						query,
						{
							'p50 ms': +percentile(sorted, 50).toFixed(1),
							'p95 ms': +percentile(sorted, 95).toFixed(1)
						}
					];
				})
			)
		);
		console.log(
			`all searches: p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms (goal: p95 < 50 ms)`
		);
	} finally {
		await sql.end();
		await stack.stop();
	}
}
