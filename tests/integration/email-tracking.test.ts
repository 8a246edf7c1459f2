import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startResendDouble, type ResendDouble } from '../doubles/resend.ts';
import {
	serviceClient,
	uniqueEmail,
	useStackForServerCode,
	withSql,
	withoutAutomaticEmails
} from './helpers.ts';
import { startSite } from './site.ts';

// Tracking a broadcast (migration 0026): every recipient's links are signed for
// them and lead through the site, which records the click before the redirect and
// never redirects anywhere else; the open image records opens; and the stats count
// Resend's webhook events and our own records once per email, with the gifts and
// signatures that followed a click within 7 days.

const WEBHOOK_SECRET =
	'whsec_' + Buffer.from('tracking-webhook-secret-for-tests').toString('base64');
const CRON_SECRET = 'a-cron-secret-for-tracking-tests';

let resend: ResendDouble;
let site: Awaited<ReturnType<typeof startSite>>;
let render: typeof import('../../src/lib/server/email/render.ts');
let content: typeof import('../../src/lib/server/broadcasts/content.ts');
let tracking: typeof import('../../src/lib/server/broadcasts/tracking.ts');

withoutAutomaticEmails();
beforeAll(async () => {
	resend = await startResendDouble();
	site = await startSite({
		RESEND_API_KEY: 're_test_tracking',
		RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
		RESEND_BASE_URL: resend.url,
		RESEND_RATE_PER_SECOND: '50',
		CRON_SECRET
	});
	await useStackForServerCode();
	render = await import('../../src/lib/server/email/render.ts');
	content = await import('../../src/lib/server/broadcasts/content.ts');
	tracking = await import('../../src/lib/server/broadcasts/tracking.ts');
}, 180_000);

afterAll(async () => {
	await site?.stop();
	await resend?.close();
});

beforeEach(async () => {
	resend.reset();
	// Rows other test files leave pending would be sent with ours.
	await withSql((sql) =>
		sql.query(`update email_sender_state set paused_until = null, pause_reason = null, next_slot_at = now();
		           update email_outbox set status = 'suppressed', last_error = 'left by another test file'
		            where status = 'pending'`)
	);
});

const db = () => serviceClient();

async function must<T>(query: PromiseLike<{ data: T; error: unknown }>): Promise<T> {
	const { data, error } = await query;
	expect(error).toBeNull();
	return data;
}

interface Recipient {
	id: string;
	email: string;
	email_token: string;
}

/** Supporters with email consent, tagged so that a broadcast can pick exactly them. */
async function recipients(tag: string, count: number): Promise<Recipient[]> {
	const made: Recipient[] = [];
	for (let i = 0; i < count; i += 1) {
		const supporter = (await must(
			db()
				.from('supporters')
				.insert({ email: uniqueEmail('track'), first_name: `Reader${i}`, language: 'en' })
				.select('id, email, email_token')
				.single()
		)) as Recipient;
		await must(
			db().from('consents').insert({
				supporter_id: supporter.id,
				channel: 'email',
				status: 'granted',
				source: '/test',
				wording: 'Yes, send me updates.',
				language: 'en'
			})
		);
		made.push(supporter);
	}
	await withSql((sql) =>
		sql.query(
			`with t as (insert into tags (name) values ($1) returning id)
			 insert into supporter_tags (supporter_id, tag_id) select s, (select id from t) from unnest($2::uuid[]) s`,
			[tag, made.map((supporter) => supporter.id)]
		)
	);
	return made;
}

const REPORT = 'https://example.org/report?year=2026';
const GIVE = 'https://example.org/give';

/** A broadcast to `tag`, scheduled now as the compose page schedules it (its content frozen). */
async function scheduledBroadcast(tag: string, options: { trackOpens?: boolean } = {}) {
	const text = (language: 'en' | 'fr') => ({
		subject: language === 'en' ? 'What you changed' : 'Ce que vous avez changé',
		preheader: '',
		body: `Hello {{first_name|friend}}, read [the report](${REPORT}) or [the report again](${REPORT}).`,
		cta: { label: language === 'en' ? 'Give' : 'Donner', url: GIVE, kind: 'give' as const }
	});
	const written = { a: { en: text('en'), fr: text('fr') } };
	const { id } = (await must(
		db()
			.from('broadcasts')
			.insert({
				name: `Tracking ${tag}`,
				topic: 'results',
				content: written,
				audience: { segments: [], filter: { tags: [tag] } },
				track_opens: options.trackOpens ?? true
			})
			.select('id')
			.single()
	)) as { id: string };
	const { rendered, links } = content.freezeContent(written);
	expect(links).toEqual([REPORT, GIVE]);
	const scheduled = await must(
		db().rpc('broadcast_schedule', {
			p_actor: null,
			p_id: id,
			p_local: null,
			p_zone: 'America/Toronto',
			p_rendered: rendered,
			p_links: links,
			p_ip: '127.0.0.1'
		})
	);
	expect(scheduled).toMatchObject({ ok: true });
	return id;
}

/** What the scheduler and the worker do: the cron endpoint of the running site. */
async function runCron() {
	const response = await fetch(`${site.url}/api/cron/email?budget_ms=10000`, {
		method: 'POST',
		headers: { authorization: `Bearer ${CRON_SECRET}` }
	});
	expect(response.status).toBe(200);
	return response.json();
}

async function outboxRows(broadcastId: string) {
	return withSql(
		async (sql) =>
			(
				await sql.query<{
					id: number;
					template: string;
					data: Record<string, unknown>;
					language: 'en' | 'fr';
					to_email: string;
					kind: 'broadcast';
					first_name: string | null;
					email_token: string | null;
					status: string;
				}>(
					`select o.id::int as id, o.template, o.data, o.language, o.to_email, o.kind, o.status,
					        s.first_name, s.email_token
					 from email_outbox o left join supporters s on s.id = o.supporter_id
					 where o.broadcast_id = $1 order by o.id`,
					[broadcastId]
				)
			).rows
	);
}

const trackedLinks = (html: string) =>
	[...html.matchAll(/href="([^"]*\/email\/r\/[^"]+)"/g)].map((match) => match[1]);
const pixels = (html: string) =>
	[...html.matchAll(/src="([^"]*\/email\/o\/[^"]+\.gif)"/g)].map((match) => match[1]);
const pathOf = (url: string) => new URL(url).pathname;

async function clicks(outboxId: number) {
	return withSql(
		async (sql) =>
			(
				await sql.query<{ link_index: number; url: string }>(
					'select link_index, url from email_clicks where outbox_id = $1 order by id',
					[outboxId]
				)
			).rows
	);
}

async function opens(outboxId: number) {
	return withSql(
		async (sql) =>
			(await sql.query('select 1 from email_opens where outbox_id = $1', [outboxId])).rowCount
	);
}

describe('tracked links in a broadcast', () => {
	it('signs every link for its recipient, and adds the open image only when the broadcast tracks opens', async () => {
		const tag = `track-render-${Date.now()}`;
		await recipients(tag, 2);
		const tracked = await scheduledBroadcast(tag);
		const untracked = await scheduledBroadcast(`${tag}-none`, { trackOpens: false });
		await recipients(`${tag}-none`, 1);
		await must(db().rpc('broadcast_fire_due'));

		const rows = await outboxRows(tracked);
		expect(rows).toHaveLength(2);
		const emails = await Promise.all(
			rows.map(async (row) => (await render.composeOutboxEmail(row)).email)
		);
		for (const [index, email] of emails.entries()) {
			const links = trackedLinks(email.html);
			// The report (twice in the text, one number), then the button.
			expect(links.map((link) => pathOf(link).split('/').at(-1))).toEqual(['0', '0', '1']);
			const token = pathOf(links[0]).split('/')[3];
			expect(await tracking.verifyTrackingToken(token)).toBe(rows[index].id);
			expect(email.html).not.toContain(REPORT);
			expect(email.html).not.toContain('link.invalid');
			expect(email.text).toContain(links[2]);
			expect(pixels(email.html)).toEqual([
				`${links[0].split('/email/r/')[0]}/email/o/${token}.gif`
			]);
		}
		// Each recipient's own token: one cannot click for another.
		expect(trackedLinks(emails[0].html)[0]).not.toBe(trackedLinks(emails[1].html)[0]);

		const [quiet] = await outboxRows(untracked);
		const { email: withoutPixel } = await render.composeOutboxEmail(quiet);
		expect(trackedLinks(withoutPixel.html)).toHaveLength(3);
		expect(pixels(withoutPixel.html)).toEqual([]);
		expect(withoutPixel.html).not.toContain('open.invalid');
	});

	it('keeps plain links, and no open image, in a test sent to staff', async () => {
		const { rendered, links } = content.freezeContent({
			a: {
				en: { subject: 'Test', preheader: '', body: `[Report](${REPORT})`, cta: null },
				fr: { subject: 'Test', preheader: '', body: `[Rapport](${REPORT})`, cta: null }
			}
		});
		const { email } = await render.composeOutboxEmail({
			id: 1,
			template: 'broadcast',
			data: {
				broadcast: crypto.randomUUID(),
				variant: 'a',
				snapshot: { rendered, links, trackOpens: true }
			},
			language: 'en',
			to_email: 'staff@example.org',
			kind: 'broadcast',
			first_name: null,
			email_token: null
		});
		expect(trackedLinks(email.html)).toEqual([]);
		expect(email.html).toContain(`href="${REPORT}"`);
		expect(pixels(email.html)).toEqual([]);
	});
});

describe('following a tracked link, loading the open image', () => {
	it('records the click, then redirects (302) to the broadcast’s link; a forged or unknown link is a 404 that records nothing', async () => {
		const tag = `track-click-${Date.now()}`;
		const [reader, other] = await recipients(tag, 2);
		const broadcastId = await scheduledBroadcast(tag);
		await runCron();
		const rows = await outboxRows(broadcastId);
		expect(rows.map((row) => row.status)).toEqual(['sent', 'sent']);
		const mine = rows.find((row) => row.to_email === reader.email)!;
		const theirs = rows.find((row) => row.to_email === other.email)!;

		// The email as Resend got it: links to this site.
		const sent = resend.emails.find((email) => email.to === reader.email)!;
		const [report, , give] = trackedLinks(sent.html);
		expect(report.startsWith(`${site.url}/email/r/`)).toBe(true);

		const response = await fetch(give, { redirect: 'manual' });
		expect(response.status).toBe(302);
		expect(response.headers.get('location')).toBe(GIVE);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(response.headers.get('referrer-policy')).toBe('no-referrer');
		expect(response.headers.get('set-cookie')).toBeNull();
		expect(await clicks(mine.id)).toEqual([{ link_index: 1, url: GIVE }]);

		const reportResponse = await fetch(report, { redirect: 'manual' });
		expect(reportResponse.headers.get('location')).toBe(REPORT);

		const token = pathOf(report).split('/')[3];
		const [, signature] = token.split('.');
		const changed = signature.at(-1) === 'A' ? 'B' : 'A';
		const forged = [
			// A changed signature.
			`${site.url}/email/r/${mine.id}.${signature.slice(0, -1)}${changed}/0`,
			// The other reader's row with this reader's signature.
			`${site.url}/email/r/${theirs.id}.${signature}/0`,
			// A link the broadcast does not have.
			`${site.url}/email/r/${token}/7`,
			`${site.url}/email/r/${token}/-1`,
			`${site.url}/email/r/not-a-token/0`
		];
		for (const url of forged) {
			const refused = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
			expect(refused.status, url).toBe(404);
			expect(refused.headers.get('location')).toBeNull();
			expect(await refused.text()).toContain('Page not found');
		}
		expect(await clicks(mine.id)).toEqual([
			{ link_index: 1, url: GIVE },
			{ link_index: 0, url: REPORT }
		]);
		expect(await clicks(theirs.id)).toEqual([]);

		const { data: supporter } = await db()
			.from('supporters')
			.select('last_activity_at')
			.eq('id', reader.id)
			.single();
		expect(Date.now() - Date.parse(supporter!.last_activity_at)).toBeLessThan(60_000);
	});

	it('answers the open image with a transparent GIF no one caches, and records the open', async () => {
		const tag = `track-open-${Date.now()}`;
		const [reader] = await recipients(tag, 1);
		const broadcastId = await scheduledBroadcast(tag);
		await runCron();
		const [row] = await outboxRows(broadcastId);
		const sent = resend.emails.find((email) => email.to === reader.email)!;
		const [pixel] = pixels(sent.html);
		expect(pixel.startsWith(`${site.url}/email/o/`)).toBe(true);

		const response = await fetch(pixel);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('image/gif');
		expect(response.headers.get('cache-control')).toContain('no-store');
		expect(response.headers.get('set-cookie')).toBeNull();
		const body = Buffer.from(await response.arrayBuffer());
		expect(body.subarray(0, 6).toString('latin1')).toBe('GIF89a');
		expect(await opens(row.id)).toBe(1);

		const forged = await fetch(
			pixel.replace(/.(\.gif)$/, (match, gif) => (match[0] === 'A' ? 'B' : 'A') + gif)
		);
		expect(forged.status).toBe(404);
		expect(await opens(row.id)).toBe(1);
	});
});

describe('broadcast_stats', () => {
	it('counts each email once from Resend’s events and our own records, with the unsubscribes, gifts and signatures that followed a click within 7 days', async () => {
		const tag = `track-stats-${Date.now()}`;
		const people = await recipients(tag, 6);
		const [clicker, late, both, complainer, bouncer, topicLeaver] = people;
		const broadcastId = await scheduledBroadcast(tag);
		await runCron();
		const rows = await outboxRows(broadcastId);
		expect(rows.map((row) => row.status)).toEqual(Array(6).fill('sent'));
		const emailTo = (person: Recipient) =>
			resend.emails.find((email) => email.to === person.email)!;
		const post = async (
			type: Parameters<ResendDouble['deliverWebhooks']>[2]['type'],
			person?: Recipient
		) => {
			const statuses = await resend.deliverWebhooks(site.url, WEBHOOK_SECRET, {
				type,
				to: person?.email
			});
			expect(statuses.length).toBeGreaterThan(0);
			expect(new Set(statuses)).toEqual(new Set([200]));
		};

		// Resend: delivered to all but the bouncer; one complaint; opens and a click.
		for (const person of [clicker, late, both, complainer, topicLeaver]) {
			await post('email.delivered', person);
		}
		await post('email.bounced', bouncer);
		await post('email.complained', complainer);
		await post('email.opened', clicker);
		await post('email.opened', both);
		await post('email.opened', both);
		await post('email.clicked', both);

		// Our own records: the clicker follows the report link twice, `late` the button;
		// `late` and `both` load the image (`both` was opened per Resend too).
		const [report] = trackedLinks(emailTo(clicker).html);
		expect((await fetch(report, { redirect: 'manual' })).status).toBe(302);
		expect((await fetch(report, { redirect: 'manual' })).status).toBe(302);
		const give = trackedLinks(emailTo(late).html)[2];
		expect((await fetch(give, { redirect: 'manual' })).status).toBe(302);
		for (const person of [late, both]) {
			expect((await fetch(pixels(emailTo(person).html)[0])).status).toBe(200);
		}

		// `both` unsubscribes by one click from the email header; `topicLeaver`
		// stops the topic in the preference centre.
		const unsubscribed = await fetch(`${site.url}/email/unsubscribe/${both.email_token}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'List-Unsubscribe=One-Click'
		});
		expect(unsubscribed.status).toBe(200);
		await must(
			db().from('consents').insert({
				supporter_id: topicLeaver.id,
				channel: 'email_topic',
				topic: 'results',
				status: 'withdrawn',
				source: '/preferences',
				wording: 'Not this topic.',
				language: 'en'
			})
		);

		// What followed: the clicker gives and signs within the week (and gave once
		// before clicking, and a test gift); `late` gives and signs 8 days after clicking.
		const { id: petition } = (await must(
			db()
				.from('petitions')
				.insert({ slug: `track-${tag}`, title: 'Tracking petition', status: 'published' })
				.select('id')
				.single()
		)) as { id: string };
		const { id: otherPetition } = (await must(
			db()
				.from('petitions')
				.insert({ slug: `track-other-${tag}`, title: 'Other petition', status: 'published' })
				.select('id')
				.single()
		)) as { id: string };
		await withSql(async (sql) => {
			await sql.query(
				`insert into gifts (supporter_id, amount_cents, currency, frequency, status, test, received_at) values
				   ($1, 2500, 'cad', 'one_time', 'succeeded', false, now() + interval '2 days'),
				   ($1, 9900, 'cad', 'one_time', 'succeeded', false, now() - interval '1 day'),
				   ($1, 7700, 'cad', 'one_time', 'succeeded', true, now()),
				   ($1, 1200, 'cad', 'one_time', 'failed', false, now()),
				   ($2, 5000, 'cad', 'one_time', 'succeeded', false, now() + interval '8 days')`,
				[clicker.id, late.id]
			);
			await sql.query(
				`insert into petition_signatures (petition_id, supporter_id, signed_at) values
				   ($3, $1, now() + interval '1 day'),
				   ($3, $2, now() + interval '8 days'),
				   ($4, $1, now() - interval '1 day')`,
				[clicker.id, late.id, petition, otherPetition]
			);
		});

		const stats = (await must(db().rpc('broadcast_stats', { p_id: broadcastId }))) as Record<
			string,
			unknown
		> & {
			timeline: { size: string; delivered: number; opened: number; clicked: number }[];
		};
		expect(stats).toMatchObject({
			queued: 6,
			sent: 6,
			failed: 0,
			suppressed: 0,
			delivered: 5,
			bounced: 1,
			complained: 1,
			// clicker (Resend), late (image), both (Resend twice and the image): once each.
			opened: 3,
			// clicker and late (our links), both (Resend).
			clicked: 3,
			unsubscribed: 1,
			topic_optouts: 1,
			links: [
				{ index: 0, url: REPORT, clicks: 2, unique_clickers: 1 },
				{ index: 1, url: GIVE, clicks: 1, unique_clickers: 1 }
			],
			attributed: {
				clickers: 3,
				gifts: [{ currency: 'cad', count: 1, amount_cents: 2500 }],
				signatures: 1
			},
			variants: null
		});
		const total = (key: 'delivered' | 'opened' | 'clicked') =>
			stats.timeline.reduce((sum, bucket) => sum + bucket[key], 0);
		expect(stats.timeline[0].size).toBe('hour');
		expect([total('delivered'), total('opened'), total('clicked')]).toEqual([5, 3, 3]);

		// The A/B decision counts the same way.
		expect(await must(db().rpc('broadcast_variant_engagement', { p_id: broadcastId }))).toEqual({
			a: { queued: 6, sent: 6, opened: 3, clicked: 3 }
		});
	});

	it('is null for a broadcast that does not exist', async () => {
		expect(await must(db().rpc('broadcast_stats', { p_id: crypto.randomUUID() }))).toBeNull();
	});
});
