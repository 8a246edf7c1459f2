import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serviceClient, uniqueEmail, useStackForServerCode, withSql } from './helpers.ts';
import { startSite } from './site.ts';

// Signing a petition as the database does it (petition_sign, one transaction):
// exact counts under concurrency, one supporter per address whatever its letter
// case, a consent only when the box was ticked (with its words), nothing at all for
// a petition that is not open, rate limits held in Postgres; the thank-you page by
// its token; and the live count: one database poll per interval for any number of
// viewers, through the built site's server-sent events.

// Counting fetches (below) needs the spy in place before the app's client is made.
const fetchSpy = vi.spyOn(globalThis, 'fetch');

const db = serviceClient();
const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

let live: typeof import('../../src/lib/server/petitions/live.ts');

beforeAll(async () => {
	await useStackForServerCode();
	live = await import('../../src/lib/server/petitions/live.ts');
});

/** A petition of its own for each test, so counts start at zero. */
async function petition(
	overrides: { status?: string; deadline?: string | null; goal?: number } = {}
): Promise<{ id: string; slug: string }> {
	const slug = `test-${unique()}`;
	return withSql(async (sql) => {
		const { rows } = await sql.query(
			`insert into petitions (slug, title, status, goal, deadline) values ($1, $1, $2, $3, $4) returning id, slug`,
			[slug, overrides.status ?? 'published', overrides.goal ?? 1000, overrides.deadline ?? null]
		);
		await sql.query(
			`insert into petition_translations (petition_id, language, title, target, letter) values
			 ($1, 'en', 'Act now', 'The Minister', 'Dear Minister,'),
			 ($1, 'fr', 'Agissez', 'Le ministre', 'Monsieur le Ministre,')`,
			[rows[0].id]
		);
		return rows[0];
	});
}

interface Signed {
	signature_id?: number;
	referral_code?: string;
	count?: number;
	already?: boolean;
	supporter_id?: string;
	limited?: string;
}

async function sign(signature: Record<string, unknown>): Promise<Signed> {
	const { data, error } = await db.rpc('petition_sign', {
		p_signature: {
			first_name: 'Ana',
			last_name: 'Silva',
			postal_code: 'M5V 2T6',
			language: 'en',
			...signature
		}
	});
	if (error) throw new Error(error.message);
	return data as Signed;
}

async function query<T = Record<string, unknown>>(text: string, params: unknown[] = []) {
	return withSql(async (sql) => (await sql.query(text, params)).rows as T[]);
}

describe('petition_sign', () => {
	it('1,000 concurrent signatures, 200 of them repeats in other letter case, count exactly the distinct addresses, one supporter each', async () => {
		const { id, slug } = await petition();
		const distinct = Array.from({ length: 800 }, (_, n) => `signer.${unique()}.${n}@example.org`);
		const repeats = distinct
			.slice(0, 200)
			.map((email) => email.toUpperCase().replace('SIGNER', 'Signer'));
		// Repeats interleaved with first signatures, all sent at once.
		const all = [...distinct];
		repeats.forEach((email, index) => all.splice(index * 5 + 3, 0, email));

		const results = await Promise.all(all.map((email) => sign({ petition: slug, email })));

		expect(results.filter((result) => result.already)).toHaveLength(200);
		const [row] = await query<{ signature_count: number; rows: number; supporters: number }>(
			`select p.signature_count,
				(select count(*)::int from petition_signatures s where s.petition_id = p.id) as rows,
				(select count(distinct s.supporter_id)::int from petition_signatures s where s.petition_id = p.id) as supporters
			 from petitions p where p.id = $1`,
			[id]
		);
		expect(row).toEqual({ signature_count: 800, rows: 800, supporters: 800 });
		const [people] = await query<{ supporters: number; addresses: number }>(
			`select count(*)::int as supporters, count(distinct lower(email))::int as addresses
			 from supporters where lower(email) = any ($1)`,
			[distinct.map((email) => email.toLowerCase())]
		);
		expect(people).toEqual({ supporters: 800, addresses: 800 });
		// One thank-you email per signature, none for a repeat.
		const [emails] = await query<{ n: number }>(
			`select count(*)::int as n from email_outbox where template = 'petition-thanks' and data ->> 'petition' = $1`,
			[slug]
		);
		expect(emails.n).toBe(800);
	}, 180_000);

	it('a draft, a closed or a past-deadline petition refuses, and nothing is written', async () => {
		const petitions = [
			await petition({ status: 'draft' }),
			await petition({ status: 'closed' }),
			await petition({ deadline: '2020-01-01T00:00:00Z' })
		];
		for (const { slug } of petitions) {
			const email = uniqueEmail('refused');
			await expect(sign({ petition: slug, email })).rejects.toThrow('not_open');
			expect(await query('select 1 from supporters where email = $1', [email])).toEqual([]);
		}
		await expect(sign({ petition: 'no-such-petition', email: uniqueEmail() })).rejects.toThrow(
			'not_open'
		);
	});

	it('records a consent only when the box was ticked, with the words shown, and queues the thank-you email in the signer’s language', async () => {
		const { slug } = await petition();
		const ticked = uniqueEmail('ticked');
		const unticked = uniqueEmail('unticked');
		const wording = 'Oui, envoyez-moi par courriel des nouvelles de cette pétition.';
		const signed = await sign({
			petition: slug,
			email: ticked,
			language: 'fr',
			consent: true,
			consent_wording: wording,
			consent_source: `/petitions/${slug}`
		});
		await sign({ petition: slug, email: unticked, consent: false, consent_wording: 'ignored' });

		const consents = await query(
			`select s.email, c.status, c.kind, c.wording, c.source, c.language,
				ps.consent_id = c.id as linked, s.email_consent
			 from supporters s join petition_signatures ps on ps.supporter_id = s.id
			 left join consents c on c.supporter_id = s.id
			 where s.email = any ($1) order by s.email`,
			[[ticked, unticked]]
		);
		expect(consents).toEqual([
			{
				email: ticked,
				status: 'granted',
				kind: 'express',
				wording,
				source: `/petitions/${slug}`,
				language: 'fr',
				linked: true,
				email_consent: 'granted'
			},
			{
				email: unticked,
				status: null,
				kind: null,
				wording: null,
				source: null,
				language: null,
				linked: null,
				email_consent: null
			}
		]);
		const [email] = await query(
			`select template, data, language, kind from email_outbox where to_email = $1`,
			[ticked]
		);
		expect(email).toEqual({
			template: 'petition-thanks',
			data: { petition: slug, referral: signed.referral_code, title: 'Agissez' },
			language: 'fr',
			kind: 'transactional'
		});
	});

	it('takes the rate limits first: over the limit, it says which and writes nothing', async () => {
		const { slug } = await petition();
		const email = uniqueEmail('limited');
		const limits = [
			{ name: 'ip', key: `test:ip:${unique()}`, limit: 100, window_seconds: 3600 },
			{ name: 'email', key: `test:email:${unique()}`, limit: 2, window_seconds: 3600 }
		];
		expect((await sign({ petition: slug, email, limits })).already).toBe(false);
		expect((await sign({ petition: slug, email, limits })).already).toBe(true);
		const other = uniqueEmail('limited-other');
		expect(await sign({ petition: slug, email: other, limits })).toEqual({ limited: 'email' });
		expect(await query('select 1 from supporters where email = $1', [other])).toEqual([]);
	});

	it('under a burst, a limit lets exactly its number through, and the rest change nothing', async () => {
		const { id, slug } = await petition();
		const limits = [{ name: 'ip', key: `test:burst:${unique()}`, limit: 5, window_seconds: 3600 }];
		const outcomes = await Promise.all(
			Array.from({ length: 20 }, (_, n) =>
				sign({ petition: slug, email: uniqueEmail(`burst${n}`), limits }).then(
					(result) => (result.limited ? 'limited' : 'signed'),
					(error: Error) => (error.message === 'rate_limited' ? 'limited' : error.message)
				)
			)
		);
		expect(outcomes.filter((outcome) => outcome === 'signed')).toHaveLength(5);
		expect(outcomes.filter((outcome) => outcome === 'limited')).toHaveLength(15);
		const [row] = await query(
			`select p.signature_count, (select count(*)::int from petition_signatures s where s.petition_id = p.id) as rows,
				(select h.count from rate_limit_hits h where h.key = $2) as hits
			 from petitions p where p.id = $1`,
			[id, limits[0].key]
		);
		expect(row).toEqual({ signature_count: 5, rows: 5, hits: 5 });
	});

	it('counts who signed through a referral code, shows the thank-you page only by its token, and takes the second-chance consent once', async () => {
		const { slug } = await petition();
		const token = `thanks-${unique()}`;
		const first = await sign({
			petition: slug,
			email: uniqueEmail('referrer'),
			thanks_token_hash: hash(token)
		});
		for (let n = 0; n < 3; n++) {
			await sign({ petition: slug, email: uniqueEmail('friend'), referral: first.referral_code });
		}
		// A code of another petition counts for nothing.
		await sign({ petition: slug, email: uniqueEmail('stranger'), referral: 'ffffffffff' });

		const thanks = async (tokenHash: string) =>
			(await db.rpc('petition_thanks', { p_slug: slug, p_token_hash: tokenHash, p_language: 'fr' }))
				.data;
		expect(await thanks(hash(token))).toMatchObject({
			referral_code: first.referral_code,
			referred: 3,
			consent_offered: true,
			petition: { slug, title: 'Agissez', count: 5, goal: 1000 }
		});
		expect(await thanks(hash('someone-else'))).toBeNull();

		const consent = async () =>
			(
				await db.rpc('petition_thanks_consent', {
					p_token_hash: hash(token),
					p_wording: 'Yes, email me the results.',
					p_source: `/petitions/${slug}/thanks`
				})
			).data;
		expect(await consent()).toBe(true);
		expect(await consent()).toBe(false);
		expect(await thanks(hash(token))).toMatchObject({ consent_offered: false });
		const rows = await query(
			`select c.wording, c.source from consents c where c.supporter_id = $1`,
			[first.supporter_id]
		);
		expect(rows).toEqual([
			{ wording: 'Yes, email me the results.', source: `/petitions/${slug}/thanks` }
		]);
	});
});

describe('the public petition page', () => {
	it('shows only signers who allowed it, by first name and province, and never a draft', async () => {
		const { slug } = await petition();
		await sign({
			petition: slug,
			email: uniqueEmail('shown'),
			first_name: 'Shown',
			show_name: true,
			postal_code: 'X0A 0H0',
			comment: 'Yes!'
		});
		await sign({
			petition: slug,
			email: uniqueEmail('hidden'),
			first_name: 'Hidden',
			show_name: false
		});
		const erased = await sign({
			petition: slug,
			email: uniqueEmail('erased'),
			first_name: 'Gone',
			show_name: true
		});
		await query('update supporters set erased_at = now() where id = $1', [erased.supporter_id]);

		const { data: page } = await db.rpc('petition_page', { p_slug: slug, p_language: 'fr' });
		expect(page).toMatchObject({ slug, title: 'Agissez', count: 3, open: true, language: 'fr' });
		expect(page.recent).toEqual([
			expect.objectContaining({ first_name: 'Shown', province: 'NU', comment: 'Yes!' })
		]);
		expect(JSON.stringify(page)).not.toMatch(/@example\.org|Hidden|Gone|Silva/);

		const draft = await petition({ status: 'draft' });
		expect(
			(await db.rpc('petition_page', { p_slug: draft.slug, p_language: 'en' })).data
		).toBeNull();
	});
});

describe('live counts', () => {
	let site: Awaited<ReturnType<typeof startSite>>;

	afterAll(async () => {
		await site?.stop();
	});

	it('a hundred viewers of one petition cost one database query per poll, and each hears the new count', async () => {
		const { slug } = await petition();
		const counts: number[][] = Array.from({ length: 100 }, () => []);
		const start = await live.currentCount(slug);
		expect(start).toBe(0);
		const stops = counts.map((heard) =>
			live.watch(slug, { count: (count) => heard.push(count), heartbeat: () => {} }, start!)
		);
		try {
			await sign({ petition: slug, email: uniqueEmail('watched') });
			const polls = () =>
				fetchSpy.mock.calls.filter(([url]) => String(url).includes('/rest/v1/petitions?')).length;
			const before = polls();
			const started = Date.now();
			await vi.waitFor(() => expect(counts.every((heard) => heard.at(-1) === 1)).toBe(true), {
				timeout: 10_000,
				interval: 100
			});
			await new Promise((resolve) => setTimeout(resolve, 2 * live.POLL_MS));
			const seconds = (Date.now() - started) / 1000;
			// One query per POLL_MS, whatever the number of viewers.
			expect(polls() - before).toBeLessThanOrEqual(Math.ceil((seconds * 1000) / live.POLL_MS) + 1);
			expect(live.stats()).toMatchObject({ viewers: 100, petitions: 1, polling: true });
		} finally {
			for (const stop of stops) stop();
		}
		// The last viewer gone, the poller stops.
		expect(live.stats()).toEqual({ viewers: 0, petitions: 0, polling: false });
	});

	it('the built site streams the count as server-sent events, and answers 404 for a draft', async () => {
		site = await startSite();
		const { slug } = await petition();
		const draft = await petition({ status: 'draft' });
		expect((await fetch(`${site.url}/api/petitions/${draft.slug}/count`)).status).toBe(404);

		const viewers = await Promise.all(
			Array.from({ length: 20 }, async () => {
				const controller = new AbortController();
				const response = await fetch(`${site.url}/api/petitions/${slug}/count`, {
					signal: controller.signal
				});
				expect(response.headers.get('content-type')).toContain('text/event-stream');
				const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
				let text = '';
				const heard = async (count: number) => {
					while (!text.includes(`data: {"count":${count}}`)) {
						const { value, done } = await reader.read();
						if (done) throw new Error('the stream ended');
						text += value;
					}
				};
				return { heard, close: () => controller.abort() };
			})
		);
		try {
			await Promise.all(viewers.map((viewer) => viewer.heard(0)));
			await sign({ petition: slug, email: uniqueEmail('streamed') });
			await Promise.all(viewers.map((viewer) => viewer.heard(1)));
		} finally {
			for (const viewer of viewers) viewer.close();
		}
	}, 180_000);
});
