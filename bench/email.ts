import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { startStack } from '../scripts/local-stack/index.ts';
import { startResendDouble } from '../tests/doubles/resend.ts';
import { buildSite, ROOT } from './server.ts';

// `npm run bench -- email`:
//  1. queue a broadcast to 100,000 supporters (one SQL statement); goal < 10 s on
//     PostgreSQL 15: BENCH_DATABASE_URL=$(.ci/postgres.sh start 55433) npm run bench -- email
//  2. send them with `npm run worker` through the Resend double at 10 calls/s;
//     goal >= 95 % of the bound (1,000 emails/s), with the worker's memory flat.

const SUPPORTERS = Number(process.env.BENCH_SUPPORTERS ?? 100_000);
const RATE = 10;

function rssMb(pid: number): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
		return Math.round(kb / 1024);
	} catch {
		return 0;
	}
}

export async function run() {
	buildSite();

	const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
	const stack = await startStack({
		data: 'memory',
		databaseUrl,
		ports: { gateway: 0, db: 0, postgrest: 0, postgrestAdmin: 0 }
	});
	const resend = await startResendDouble();
	resend.misbehave({ ratePerSecond: RATE });
	const sql = new pg.Client({ connectionString: stack.dbUrl });
	await sql.connect();
	try {
		const database = (
			await sql.query<{ version: string }>('select version()')
		).rows[0].version.split(' on ')[0];
		console.log(
			`\nEmail: ${SUPPORTERS.toLocaleString('en')} supporters on ${database}${databaseUrl ? '' : ' (PGlite)'}`
		);

		await sql.query(
			`insert into supporters (email, first_name, language)
			 select 'bench.' || n || '@example.org', 'Reader' || n, case when n % 3 = 0 then 'fr' else 'en' end
			 from generate_series(1, $1::int) n`,
			[SUPPORTERS]
		);
		await sql.query(
			`insert into consents (supporter_id, channel, status, source, wording, language)
			 select id, 'email', 'granted', 'bench', 'Yes, email me updates.', language from supporters`
		);
		await sql.query('analyze');

		const data = {
			content: {
				en: { subject: 'The petition was delivered', paragraphs: ['Thank you for signing.'] },
				fr: { subject: 'La pétition a été remise', paragraphs: ['Merci d’avoir signé.'] }
			}
		};
		let started = performance.now();
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

		const worker = spawn(process.execPath, ['scripts/worker.ts', '--until-idle'], {
			cwd: ROOT,
			stdio: ['ignore', 'ignore', 'inherit'],
			env: {
				...process.env,
				SUPABASE_URL: stack.supabaseUrl,
				SUPABASE_ANON_KEY: stack.anonKey,
				SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
				RESEND_API_KEY: 're_bench',
				RESEND_WEBHOOK_SECRET: 'whsec_YmVuY2hiZW5jaGJlbmNoYmVuY2g=',
				RESEND_BASE_URL: resend.url,
				RESEND_RATE_PER_SECOND: String(RATE),
				LOG_LEVEL: 'error',
				SITE_URL: 'https://champions.example'
			}
		});
		started = performance.now();
		const samples: number[] = [];
		const sampler = setInterval(() => samples.push(rssMb(worker.pid!)), 500);
		await new Promise((resolve) => worker.once('exit', resolve));
		clearInterval(sampler);
		const seconds = (performance.now() - started) / 1000;
		const sent = resend.emails.length;
		const perSecond = sent / seconds;
		const bound = RATE * 100;
		const nonZero = samples.filter(Boolean);
		console.log(
			`worker: ${sent.toLocaleString('en')} emails in ${seconds.toFixed(1)} s = ${Math.round(perSecond)} emails/s, ` +
				`${Math.round((perSecond / bound) * 100)} % of the bound (${bound}/s at ${RATE} calls/s; goal >= 95 %)`
		);
		console.log(
			`worker memory (RSS): start ${nonZero[0] ?? '?'} MB, peak ${Math.max(...nonZero)} MB, end ${nonZero.at(-1) ?? '?'} MB; ` +
				`double: ${resend.calls.accepted} calls accepted, ${resend.calls.failed} refused, ${resend.doubleSends().length} double sends`
		);
	} finally {
		await sql.end();
		await resend.close();
		await stack.stop();
	}
}
