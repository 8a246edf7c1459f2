import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../../scripts/local-stack/index.ts';
import { startResendDouble, type ResendDouble } from '../doubles/resend.ts';
import { ensureBuild } from './build.ts';
import { serviceClient, uniqueEmail, withSql, withoutAutomaticEmails } from './helpers.ts';

// The worker as an operator runs it (`npm run worker`, a real child process),
// sending through the real `resend` package to a local double of Resend's API.

let resend: ResendDouble;

beforeAll(async () => {
	ensureBuild();
	resend = await startResendDouble();
}, 180_000);

afterAll(async () => {
	await resend?.close();
});

withoutAutomaticEmails();

beforeEach(async () => {
	resend.reset();
	await withSql((sql) =>
		// Other test files share this stack and leave email queued (signatures'
		// thank-yous, privacy links): each test here counts only its own.
		sql.query(`update email_sender_state set paused_until = null, pause_reason = null, next_slot_at = now();
		           update email_alerts set resolved_at = now() where resolved_at is null;
		           update email_outbox set status = 'suppressed', last_error = 'left by another test file'
		            where status = 'pending'`)
	);
});

function workerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const stack = inject('stack');
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (!name.startsWith('VITEST') && name !== 'NODE_ENV') env[name] = value;
	}
	return {
		...env,
		SUPABASE_URL: stack.supabaseUrl,
		SUPABASE_ANON_KEY: stack.anonKey,
		SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
		RESEND_API_KEY: 're_test_double',
		RESEND_WEBHOOK_SECRET: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=',
		RESEND_BASE_URL: resend.url,
		RESEND_RATE_PER_SECOND: '50',
		EMAIL_RETRY_BASE_MS: '20',
		EMAIL_LEASE_SECONDS: '2',
		WORKER_POLL_MS: '200',
		LOG_LEVEL: 'warn',
		SITE_URL: 'https://champions.example',
		...extra
	};
}

function startWorker(extra: Record<string, string> = {}, args: string[] = []) {
	const child = spawn(process.execPath, ['scripts/worker.ts', ...args], {
		cwd: ROOT,
		env: workerEnv(extra),
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (chunk) => (output += chunk));
	child.stderr!.on('data', (chunk) => (output += chunk));
	const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	return { child, exit, output: () => output };
}

/** Runs one worker until nothing is left to send; returns its log. */
async function runWorkerUntilIdle(extra: Record<string, string> = {}) {
	const worker = startWorker(extra, ['--until-idle']);
	const code = await worker.exit;
	expect(code, worker.output()).toBe(0);
	return worker.output();
}

async function createSupporter(
	options: { firstName?: string; language?: 'en' | 'fr'; consent?: boolean } = {}
) {
	const db = serviceClient();
	const { data, error } = await db
		.from('supporters')
		.insert({
			email: uniqueEmail(),
			first_name: options.firstName ?? null,
			language: options.language ?? 'en'
		})
		.select('id, email, email_token')
		.single();
	expect(error).toBeNull();
	if (options.consent) {
		const consent = await db.from('consents').insert({
			supporter_id: data!.id,
			channel: 'email',
			status: 'granted',
			source: '/test',
			wording: 'Yes, send me updates.',
			language: options.language ?? 'en',
			// A long-standing subscriber: the welcome series (for new ones) leaves them be.
			given_at: new Date(Date.now() - 365 * 86_400_000).toISOString()
		});
		expect(consent.error).toBeNull();
	}
	return data as { id: string; email: string; email_token: string };
}

/** Queues `count` sample emails straight in SQL (one statement), each to its own address. */
async function queueSamples(prefix: string, count: number) {
	await withSql((sql) =>
		sql.query(
			`insert into email_outbox (idempotency_key, template, data, language, to_email, kind)
			 select $1 || ':' || n, 'sample', '{}', case when n % 2 = 0 then 'fr' else 'en' end,
			        $1 || '.' || n || '@example.org', 'transactional'
			 from generate_series(1, $2::int) n`,
			[prefix, count]
		)
	);
}

async function outboxStatuses(prefix: string) {
	return withSql(async (sql) => {
		const { rows } = await sql.query<{ status: string; count: string }>(
			`select status, count(*) from email_outbox where idempotency_key like $1 || ':%' group by status`,
			[prefix]
		);
		return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
	});
}

const prefix = (name: string) => `${name}-${Date.now().toString(36)}`;

describe('npm run worker', () => {
	it('sends queued emails in batches of at most 100, each in its recipient’s language, and records Resend’s ids', async () => {
		const ana = await createSupporter({ firstName: 'Ana', language: 'en' });
		const bea = await createSupporter({ firstName: 'Béatrice', language: 'fr' });
		const key = prefix('basic');
		const { data: queued } = await serviceClient().rpc('email_enqueue', {
			p_emails: [ana, bea].map((s, index) => ({
				idempotency_key: `${key}:named-${index}`,
				template: 'sample',
				data: {},
				language: index === 0 ? 'en' : 'fr',
				supporter_id: s.id,
				to_email: s.email,
				kind: 'transactional'
			}))
		});
		expect(queued).toBe(2);
		await queueSamples(key, 248);

		await runWorkerUntilIdle();

		expect(resend.emails).toHaveLength(250);
		expect(resend.calls.accepted).toBe(3);
		expect(resend.doubleSends()).toEqual([]);

		const toAna = resend.emails.find((email) => email.to === ana.email)!;
		expect(toAna.subject).toBe('A sample email from IJM Canada');
		expect(toAna.html).toContain('Hello Ana,');
		expect(toAna.html).toMatch(/<a [^>]*style="[^"]*background: ?#9a3412/); // CSS inlined
		expect(toAna.html).toContain('International Justice Mission Canada');
		expect(toAna.text).toContain('Hello Ana,');
		expect(toAna.headers['List-Unsubscribe']).toBeUndefined();

		const toBea = resend.emails.find((email) => email.to === bea.email)!;
		expect(toBea.subject).toBe('Un courriel d’exemple de IJM Canada');
		expect(toBea.html).toContain('Bonjour Béatrice,');
		expect(toBea.html).toContain('lang="fr-CA"');

		expect(await outboxStatuses(key)).toEqual({ sent: 250 });
		const ids = await withSql(
			async (sql) =>
				(
					await sql.query<{ provider_message_id: string }>(
						`select provider_message_id from email_outbox where idempotency_key = $1`,
						[`${key}:named-0`]
					)
				).rows
		);
		expect(ids[0].provider_message_id).toBe(toAna.id);
	});

	it('sends an email queued twice under one key once', async () => {
		const supporter = await createSupporter({ firstName: 'Once' });
		const email = {
			idempotency_key: `${prefix('twice')}:1`,
			template: 'sample',
			data: {},
			language: 'en',
			supporter_id: supporter.id,
			to_email: supporter.email,
			kind: 'transactional'
		};
		expect((await serviceClient().rpc('email_enqueue', { p_emails: [email] })).data).toBe(1);
		expect((await serviceClient().rpc('email_enqueue', { p_emails: [email] })).data).toBe(0);
		await runWorkerUntilIdle();
		expect(resend.deliveriesTo(supporter.email)).toBe(1);
	});

	it(
		'with 30 % of calls failing (429 and 500), delivers all of 10,000 emails and none twice',
		{ timeout: 240_000 },
		async () => {
			const key = prefix('flaky');
			await queueSamples(key, 10_000);
			resend.misbehave({ errorRate: 0.3, errors: [429, 500], retryAfterSeconds: 0 });

			const log = await runWorkerUntilIdle({ RESEND_RATE_PER_SECOND: '100' });

			expect(await outboxStatuses(key)).toEqual({ sent: 10_000 });
			expect(resend.emails).toHaveLength(10_000);
			expect(resend.doubleSends()).toEqual([]);
			expect(resend.calls.failed).toBeGreaterThan(10);
			expect(log).toMatch(/retried [1-9]/);
		}
	);

	it(
		'killed with SIGKILL ten times during a 5,000-email send, loses none and doubles none',
		{ timeout: 240_000 },
		async () => {
			const key = prefix('killed');
			await queueSamples(key, 5_000);
			// Slow answers, so that kills land while batches are in flight.
			resend.misbehave({ delayMs: 150 });

			for (let kill = 0; kill < 10; kill += 1) {
				const worker = startWorker({ RESEND_RATE_PER_SECOND: '100' });
				const before = resend.calls.total;
				const deadline = Date.now() + 20_000;
				while (resend.calls.total === before && Date.now() < deadline) {
					await new Promise((resolve) => setTimeout(resolve, 20));
				}
				await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 300));
				(worker.child as ChildProcess).kill('SIGKILL');
				await worker.exit;
			}
			const sentBeforeRecovery = (await outboxStatuses(key)).sent ?? 0;
			expect(sentBeforeRecovery).toBeLessThan(5_000);

			resend.misbehave({ delayMs: 0 });
			await runWorkerUntilIdle({ RESEND_RATE_PER_SECOND: '100' });

			expect(await outboxStatuses(key)).toEqual({ sent: 5_000 });
			expect(resend.emails).toHaveLength(5_000);
			expect(resend.doubleSends()).toEqual([]);
		}
	);

	it('when Resend sends a batch but its answer is lost, the retry under the same key sends nothing twice', async () => {
		const key = prefix('lost');
		await queueSamples(key, 500);
		resend.misbehave({ errorRate: 0.5, errors: ['lost-response', 'timeout'] });

		await runWorkerUntilIdle({ RESEND_TIMEOUT_MS: '300' });

		expect(await outboxStatuses(key)).toEqual({ sent: 500 });
		expect(resend.emails).toHaveLength(500);
		expect(resend.doubleSends()).toEqual([]);
		expect(resend.calls.replayed).toBeGreaterThan(0);
	});

	it('marks a batch Resend refuses (a 4xx other than 429) as failed, with the reason', async () => {
		const key = prefix('refused');
		await queueSamples(key, 3);
		resend.misbehave({ errorRate: 1, errors: [422] });
		await runWorkerUntilIdle();
		expect(await outboxStatuses(key)).toEqual({ failed: 3 });
		const reasons = await withSql(
			async (sql) =>
				(
					await sql.query<{ last_error: string }>(
						`select distinct last_error from email_outbox where idempotency_key like $1 || ':%'`,
						[key]
					)
				).rows
		);
		expect(reasons).toEqual([{ last_error: '422 validation_error: The `to` field is invalid.' }]);
	});

	it('on a daily quota error stops sending, leaves the rest pending and alerts staff', async () => {
		const key = prefix('quota');
		await queueSamples(key, 250);
		resend.misbehave({ quotaAfterCalls: 1 });
		const log = await runWorkerUntilIdle();

		expect(await outboxStatuses(key)).toEqual({ sent: 100, pending: 150 });
		expect(log).toContain('paused');
		const alerts = await withSql(
			async (sql) =>
				(await sql.query(`select kind from email_alerts where resolved_at is null`)).rows
		);
		expect(alerts).toEqual([{ kind: 'quota' }]);
		// Nothing else was attempted after the quota answer.
		expect(resend.calls.total).toBe(2);
		await withSql((sql) =>
			sql.query(
				`update email_outbox set status = 'sent' where idempotency_key like $1 || ':%' and status = 'pending'`,
				[key]
			)
		);
	});

	it('skips and counts suppressed addresses, and broadcasts to someone who has since unsubscribed', async () => {
		const bounced = await createSupporter({ consent: true });
		const withdrawn = await createSupporter({ consent: true });
		const reader = await createSupporter({ consent: true, firstName: 'Reader' });
		await withSql((sql) =>
			sql.query(
				`insert into email_suppressions (email_lower, reason, source) values (lower($1), 'bounced', 'test')`,
				[bounced.email]
			)
		);
		const key = prefix('broadcast');
		const queued = await serviceClient().rpc('email_enqueue', {
			p_emails: [bounced, withdrawn, reader].map((s) => ({
				idempotency_key: `${key}:${s.id}`,
				template: 'update',
				data: {
					content: { en: { subject: 'We delivered the petition', paragraphs: ['It is done.'] } }
				},
				language: 'en',
				supporter_id: s.id,
				to_email: s.email,
				kind: 'broadcast'
			}))
		});
		expect(queued.data).toBe(3);
		await serviceClient().rpc('email_unsubscribe', {
			p_token: withdrawn.email_token,
			p_source: 'test',
			p_wording_en: 'unsubscribed',
			p_wording_fr: 'désabonné'
		});

		const log = await runWorkerUntilIdle();

		expect(resend.emails.map((email) => email.to)).toEqual([reader.email]);
		expect(log).toMatch(/suppressed 2/);
		const email = resend.emails[0];
		expect(email.subject).toBe('We delivered the petition');
		expect(email.headers['List-Unsubscribe']).toBe(
			`<https://champions.example/email/unsubscribe/${reader.email_token}>`
		);
		expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
		expect(email.html).toContain(
			`https://champions.example/email/unsubscribe/${reader.email_token}`
		);
	});

	it('keeps to the configured rate of Resend calls per second', async () => {
		const key = prefix('rate');
		await queueSamples(key, 1_000);
		resend.misbehave({ ratePerSecond: 5 });
		const started = Date.now();
		await runWorkerUntilIdle({ RESEND_RATE_PER_SECOND: '5', EMAIL_BATCH_SIZE: '50' });
		const seconds = (Date.now() - started) / 1000;

		expect(resend.calls.accepted).toBe(20);
		expect(resend.calls.failed).toBe(0); // the double answers 429 above 5 calls a second
		expect(seconds).toBeGreaterThan(3.5);
	});
});
