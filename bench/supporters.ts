import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import { startStack } from '../scripts/local-stack/index.ts';

// `npm run bench -- supporters`: supporter search at 100,000 supporters (seeded
// here), through supabase-js and PostgREST as /admin/supporters calls it.
// Goal (issue 4): p95 under 50 ms. On PostgreSQL 15:
//   BENCH_DATABASE_URL=$(.ci/postgres.sh start 55433) npm run bench -- supporters

const SUPPORTERS = Number(process.env.BENCH_SUPPORTERS ?? 100_000);
const SEARCHES = 300;

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
const QUERIES = [
	'a',
	'ma',
	'marie',
	'trem',
	'gagnon',
	'li',
	'nguyen',
	'z',
	'samuel r',
	'bench.12',
	'bench.99999',
	'nobody'
];

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
		await sql.query('analyze supporters');

		const db = createClient(stack.supabaseUrl, stack.serviceRoleKey, {
			auth: { persistSession: false }
		});
		const search = (query: string) =>
			db.rpc('supporter_search', {
				p_query: query,
				p_limit: 50,
				p_before_created_at: null,
				p_before_id: null
			});
		for (const query of QUERIES) await search(query); // warm-up

		const timings: Record<string, number[]> = {};
		for (let index = 0; index < SEARCHES; index += 1) {
			const query = QUERIES[index % QUERIES.length];
			const started = performance.now();
			const { error } = await search(query);
			if (error) throw new Error(error.message);
			(timings[query] ??= []).push(performance.now() - started);
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
