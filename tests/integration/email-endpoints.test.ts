import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedResendWebhook } from '../doubles/resend.ts';
import { serviceClient, uniqueEmail, withSql, withoutAutomaticEmails } from './helpers.ts';
import { startSite } from './site.ts';

// What outside services and people's mail clients call: Resend's webhook, the
// one-click unsubscribe, the unsubscribe page, and the cron endpoint.

const WEBHOOK_SECRET =
	'whsec_' + Buffer.from('a-webhook-secret-for-tests-only!').toString('base64');
const CRON_SECRET = 'a-cron-secret-for-tests';
let site: Awaited<ReturnType<typeof startSite>>;

withoutAutomaticEmails();
beforeAll(async () => {
	site = await startSite({
		RESEND_API_KEY: 're_test_endpoints',
		RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
		// Nothing listens here: the cron test only needs an empty outbox to drain.
		RESEND_BASE_URL: 'http://127.0.0.1:9',
		CRON_SECRET
	});
}, 180_000);

afterAll(async () => {
	await site?.stop();
});

async function sentEmail() {
	const db = serviceClient();
	const { data: supporter } = await db
		.from('supporters')
		.insert({ email: uniqueEmail('Webhook'), language: 'fr' })
		.select('id, email, email_token')
		.single();
	const providerId = crypto.randomUUID();
	await withSql((sql) =>
		sql.query(
			`insert into email_outbox (idempotency_key, template, language, supporter_id, to_email, kind, status, provider_message_id, sent_at)
			 values ($1, 'sample', 'fr', $2, $3, 'broadcast', 'sent', $4, now())`,
			[`webhook:${providerId}`, supporter!.id, supporter!.email, providerId]
		)
	);
	return { supporter: supporter as { id: string; email: string; email_token: string }, providerId };
}

function signed(payload: unknown, options: { id?: string; at?: Date; secret?: string } = {}) {
	return signedResendWebhook(payload, options.secret ?? WEBHOOK_SECRET, options);
}

async function eventsFor(providerId: string) {
	return withSql(
		async (sql) =>
			(
				await sql.query<{ type: string }>(
					'select type from email_events where provider_message_id = $1',
					[providerId]
				)
			).rows
	);
}

async function isSuppressed(email: string) {
	return withSql(
		async (sql) =>
			(await sql.query('select 1 from email_suppressions where email_lower = lower($1)', [email]))
				.rowCount === 1
	);
}

describe('POST /api/webhooks/resend', () => {
	it('records a signed event once, however often Resend delivers it', async () => {
		const { providerId } = await sentEmail();
		const event = signed({
			type: 'email.delivered',
			created_at: new Date().toISOString(),
			data: { email_id: providerId }
		});
		for (let delivery = 0; delivery < 3; delivery += 1) {
			const response = await fetch(`${site.url}/api/webhooks/resend`, event.init);
			expect(response.status).toBe(200);
		}
		expect(await eventsFor(providerId)).toEqual([{ type: 'email.delivered' }]);
	});

	it('suppresses the address on a hard bounce or a complaint, not on a soft bounce', async () => {
		const hard = await sentEmail();
		const soft = await sentEmail();
		const complained = await sentEmail();
		const send = (payload: unknown) =>
			fetch(`${site.url}/api/webhooks/resend`, signed(payload).init);
		await send({
			type: 'email.bounced',
			data: {
				email_id: hard.providerId,
				bounce: { type: 'Permanent', subType: 'General', message: 'no such user' }
			}
		});
		await send({
			type: 'email.bounced',
			data: {
				email_id: soft.providerId,
				bounce: { type: 'Transient', subType: 'MailboxFull', message: 'full' }
			}
		});
		await send({ type: 'email.complained', data: { email_id: complained.providerId } });

		expect(await isSuppressed(hard.supporter.email)).toBe(true);
		expect(await isSuppressed(soft.supporter.email)).toBe(false);
		expect(await isSuppressed(complained.supporter.email)).toBe(true);
	});

	it.each([
		[
			'forged (signed with another secret)',
			() =>
				signed(
					{ type: 'email.bounced', data: {} },
					{ secret: 'whsec_' + Buffer.from('someone-else-entirely-0123456789').toString('base64') }
				).init
		],
		[
			'stale (signed an hour ago)',
			() =>
				signed({ type: 'email.bounced', data: {} }, { at: new Date(Date.now() - 3600_000) }).init
		],
		[
			'unsigned',
			() => ({
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ type: 'email.bounced', data: {} })
			})
		]
	])('refuses a %s call with 400 and writes nothing', async (_name, makeInit) => {
		const { providerId } = await sentEmail();
		const init = makeInit();
		const body = JSON.parse(init.body as string);
		body.data.email_id = providerId;
		init.body = JSON.stringify(body);
		const response = await fetch(`${site.url}/api/webhooks/resend`, init);
		expect(response.status).toBe(400);
		expect(await eventsFor(providerId)).toEqual([]);
	});

	it('answers 200 to a signed event about an email it does not know, and records it', async () => {
		const unknown = crypto.randomUUID();
		const response = await fetch(
			`${site.url}/api/webhooks/resend`,
			signed({ type: 'email.opened', data: { email_id: unknown } }).init
		);
		expect(response.status).toBe(200);
		expect(await eventsFor(unknown)).toEqual([{ type: 'email.opened' }]);
	});
});

describe('unsubscribing', () => {
	async function latestConsent(supporterId: string) {
		return withSql(
			async (sql) =>
				(
					await sql.query<{ status: string; source: string; wording: string }>(
						`select status, source, wording from consents
				 where supporter_id = $1 and channel = 'email' order by recorded_at desc, id desc limit 1`,
						[supporterId]
					)
				).rows[0]
		);
	}

	it('one click from the email header (RFC 8058): a plain POST with no cookies and no Origin withdraws consent at once', async () => {
		const { supporter } = await sentEmail();
		const response = await fetch(`${site.url}/email/unsubscribe/${supporter.email_token}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'List-Unsubscribe=One-Click'
		});
		expect(response.status).toBe(200);
		expect(await latestConsent(supporter.id)).toEqual({
			status: 'withdrawn',
			source: 'email:list-unsubscribe-post',
			// In the supporter's language (French).
			wording: 'Désabonnement en un clic depuis l’en-tête de désabonnement du courriel (RFC 8058).'
		});
	});

	it('the link in the body shows a confirmation page in the supporter’s language first', async () => {
		const { supporter } = await sentEmail();
		const page = await fetch(`${site.url}/fr/email/unsubscribe/${supporter.email_token}`);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('Se désabonner des nouvelles par courriel');
		expect(html).toContain('Me désabonner');
		expect(await latestConsent(supporter.id)).toBeUndefined();
	});

	it('a form posted from another site is still refused', async () => {
		const { supporter } = await sentEmail();
		const response = await fetch(`${site.url}/petitions/anything`, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				origin: 'https://evil.example'
			},
			body: 'x=1'
		});
		expect(response.status).toBe(403);
		expect(await latestConsent(supporter.id)).toBeUndefined();
	});
});

describe('POST /api/cron/email', () => {
	it('answers 404 without the secret, and what it did with it', async () => {
		const without = await fetch(`${site.url}/api/cron/email`, { method: 'POST' });
		expect(without.status).toBe(404);
		const wrong = await fetch(`${site.url}/api/cron/email`, {
			method: 'POST',
			headers: { authorization: 'Bearer nope' }
		});
		expect(wrong.status).toBe(404);
		await withSql((sql) =>
			sql.query(`update email_outbox set status = 'sent' where status in ('pending', 'batched')`)
		);
		const right = await fetch(`${site.url}/api/cron/email?budget_ms=1000`, {
			method: 'POST',
			headers: { authorization: `Bearer ${CRON_SECRET}` }
		});
		expect(right.status).toBe(200);
		expect(await right.json()).toMatchObject({ sent: 0, stopped: 'idle' });
	});
});

describe('/dev/mail', () => {
	it('does not exist when a Resend key is set', async () => {
		expect((await fetch(`${site.url}/dev/mail`)).status).toBe(404);
	});
});
