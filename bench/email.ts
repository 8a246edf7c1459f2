import {
	BOUND,
	drainWithWorker,
	grantEmailConsent,
	printDrain,
	startEmailBench
} from './email-drain.ts';

// `npm run bench -- email`:
//  1. queue a broadcast to 100,000 supporters (one SQL statement); goal < 10 s on
//     PostgreSQL 15: BENCH_DATABASE_URL=$(.ci/postgres.sh start 55433) npm run bench -- email
//  2. send them with `npm run worker` through the Resend double at 10 calls/s;
//     goal >= 95 % of the bound (1,000 emails/s), with the worker's memory flat.

const SUPPORTERS = Number(process.env.BENCH_SUPPORTERS ?? 100_000);

export async function run() {
	const bench = await startEmailBench();
	const { sql } = bench;
	try {
		console.log(`\nEmail: ${SUPPORTERS.toLocaleString('en')} supporters on ${bench.database}`);

		await sql.query(
			`insert into supporters (email, first_name, language)
			 select 'bench.' || n || '@example.org', 'Reader' || n, case when n % 3 = 0 then 'fr' else 'en' end
			 from generate_series(1, $1::int) n`,
			[SUPPORTERS]
		);
		await grantEmailConsent(sql);
		await sql.query('analyze');

		const data = {
			content: {
				en: { subject: 'The petition was delivered', paragraphs: ['Thank you for signing.'] },
				fr: { subject: 'La pétition a été remise', paragraphs: ['Merci d’avoir signé.'] }
			}
		};
		const started = performance.now();
		const queued = (
			await sql.query<{ n: number }>(
				`select email_enqueue_broadcast('bench-update', 'update', $1) as n`,
				[data]
			)
		).rows[0].n;
		const enqueueSeconds = (performance.now() - started) / 1000;
		console.log(
			`enqueue: ${queued.toLocaleString('en')} emails in ${enqueueSeconds.toFixed(2)} s (goal: < 10 s on PostgreSQL 15)`
		);

		const drain = await drainWithWorker(bench, {
			deadlineSeconds: Math.ceil((queued / BOUND) * 3) + 120
		});
		printDrain(drain, bench.resend);
	} finally {
		await bench.close();
	}
}
