import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { startStack, type Stack } from '../scripts/local-stack/index.ts';
import { startResendDouble, type ResendDouble } from '../tests/doubles/resend.ts';
import { buildSite, ROOT } from './server.ts';

// What the email benches share (`email`, `broadcast`): the built site, a throwaway
// stack (PGlite, or the PostgreSQL at BENCH_DATABASE_URL), the Resend double at a set
// rate, and `npm run worker --until-idle` draining the outbox while its memory is read.

/** Calls a second the double allows; a call carries up to 100 emails. */
export const RATE = 10;
/** The most emails a second the worker can send through the double. */
export const BOUND = RATE * 100;

export interface EmailBench {
	stack: Stack;
	resend: ResendDouble;
	sql: pg.Client;
	/** "PostgreSQL 15.18 (Debian …)", with " (PGlite)" on the default stack. */
	database: string;
	close(): Promise<void>;
}

export async function startEmailBench(): Promise<EmailBench> {
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
	const version = (await sql.query<{ version: string }>('select version()')).rows[0].version;
	return {
		stack,
		resend,
		sql,
		database: version.split(' on ')[0] + (databaseUrl ? '' : ' (PGlite)'),
		async close() {
			await sql.end();
			await resend.close();
			await stack.stop();
		}
	};
}

/**
 * Express email consent for the supporters `where` picks (SQL on supporters `s`),
 * given a year ago as an import of long-time subscribers would be: the welcome series
 * is for new subscribers and leaves them be. Recorded 1,000 supporters a statement:
 * the ledger's statement trigger (supporters_refresh_email_consent) takes time that
 * grows with the square of one statement's rows (100,000 at once: 10 minutes).
 */
export async function grantEmailConsent(sql: pg.Client, where = 'true') {
	await sql.query(`do $$
		declare
			v_ids uuid[];
		begin
			for v_ids in
				select array_agg(id) from (
					select s.id, (row_number() over (order by s.id) - 1) / 1000 as chunk
					from supporters s where ${where}
				) x group by chunk
			loop
				insert into consents (supporter_id, channel, status, source, wording, language, given_at)
				select s.id, 'email', 'granted', 'bench', 'Yes, email me updates.', s.language,
					now() - interval '1 year'
				from supporters s where s.id = any (v_ids);
			end loop;
		end $$`);
}

export interface Drain {
	/** Emails the double accepted during the drain. */
	sent: number;
	seconds: number;
	perSecond: number;
	/** False when the worker was stopped at the deadline instead of finishing. */
	finished: boolean;
	/** Resident memory of the worker and its children together, MB, sampled every 250 ms. */
	rss: { start: number; peak: number; end: number; quarters: number[] };
	/** Peak resident memory (VmHWM) of the worker and of its children, MB. */
	hwm: { worker: number; children: number };
}

/** A field of /proc/<pid>/status in MB, or 0 once the process is gone. */
function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
		return Math.round(kb / 1024);
	} catch {
		return 0;
	}
}

/** Every process below `pid` (the worker runs none today; anything it starts counts). */
function descendants(pid: number): number[] {
	let children: number[];
	try {
		children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
			.trim()
			.split(/\s+/)
			.map(Number)
			.filter(Boolean);
	} catch {
		return [];
	}
	return children.flatMap((child) => [child, ...descendants(child)]);
}

/**
 * Runs `npm run worker -- --until-idle` (as the npm script does: node scripts/worker.ts)
 * against the bench's stack and double until nothing is left to send, or until
 * `deadlineSeconds`, when it is stopped.
 */
export async function drainWithWorker(
	bench: EmailBench,
	options: { deadlineSeconds: number }
): Promise<Drain> {
	const { stack, resend } = bench;
	const sentBefore = resend.emails.length;
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
	const started = performance.now();
	const rss: number[] = [];
	const hwm = new Map<number, number>();
	const sample = () => {
		const pids = [worker.pid!, ...descendants(worker.pid!)];
		let total = 0;
		for (const pid of pids) {
			total += statusMb(pid, 'VmRSS');
			// VmHWM only grows; the last reading before a process ends is its peak.
			hwm.set(pid, Math.max(hwm.get(pid) ?? 0, statusMb(pid, 'VmHWM')));
		}
		if (total > 0) rss.push(total);
	};
	const sampler = setInterval(sample, 250);
	let finished = true;
	const deadline = setTimeout(() => {
		finished = false;
		worker.kill('SIGTERM');
	}, options.deadlineSeconds * 1000);
	await new Promise((resolve) => worker.once('exit', resolve));
	clearInterval(sampler);
	clearTimeout(deadline);
	const seconds = (performance.now() - started) / 1000;
	const sent = resend.emails.length - sentBefore;
	const { [worker.pid!]: workerHwm = 0, ...children } = Object.fromEntries(hwm);
	return {
		sent,
		seconds,
		perSecond: sent / seconds,
		finished,
		rss: {
			start: rss[0] ?? 0,
			peak: Math.max(0, ...rss),
			end: rss.at(-1) ?? 0,
			// At a quarter, half and three quarters of the run: flat, or still growing?
			quarters: [1, 2, 3].map((q) => rss[Math.floor((rss.length * q) / 4)] ?? 0)
		},
		hwm: {
			worker: workerHwm,
			children: Object.values(children).reduce((sum, mb) => sum + mb, 0)
		}
	};
}

/** The drain's figures: emails/s against the bound, and the worker's memory. */
export function printDrain(drain: Drain, resend: ResendDouble) {
	if (!drain.finished) {
		console.log(`FAIL: the worker had not finished after ${drain.seconds.toFixed(0)} s; stopped`);
	}
	console.log(
		`worker: ${drain.sent.toLocaleString('en')} emails in ${drain.seconds.toFixed(1)} s = ${Math.round(drain.perSecond)} emails/s, ` +
			`${Math.round((drain.perSecond / BOUND) * 100)} % of the bound (${BOUND}/s at ${RATE} calls/s; goal >= 95 %)`
	);
	console.log(
		`worker memory: peak ${drain.hwm.worker} MB (VmHWM)` +
			(drain.hwm.children > 0 ? ` + ${drain.hwm.children} MB in its child processes` : '') +
			`; resident ${drain.rss.start} MB at start, ${drain.rss.quarters.join(' / ')} MB at 1/4, 1/2, 3/4, ` +
			`${drain.rss.end} MB at the end, ${drain.rss.peak} MB peak`
	);
	console.log(
		`double: ${resend.calls.accepted} calls accepted, ${resend.calls.failed} refused, ` +
			`${resend.doubleSends().length} double sends`
	);
}
