import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceClient, uniqueEmail, useStackForServerCode, withSql } from './helpers.ts';

// Automations (migration 0027): the welcome series to new consenting supporters,
// "your gift at work" 30 days after a first real gift, each queued once by the
// scheduler's tick whoever runs it; none when turned off, and turning one on does
// not email everyone who came before. The petition thank-you that petition_sign
// queues: not queued when turned off, and in staff's words (with the signer's share
// link still) when they wrote some.

const db = () => serviceClient();

let automations: typeof import('../../src/lib/server/broadcasts/automations.ts');
let render: typeof import('../../src/lib/server/email/render.ts');
let actor: { id: string };

async function query<T = Record<string, unknown>>(text: string, params: unknown[] = []) {
	return withSql(async (sql) => (await sql.query(text, params)).rows as T[]);
}

async function tick() {
	const { data, error } = await db().rpc('broadcasts_tick');
	expect(error).toBeNull();
	return data as { automations: Record<string, number> };
}

interface Supporter {
	id: string;
	email: string;
}

/** A supporter, with an express email consent given now (or at `consentAt`), or none. */
async function supporter(
	options: {
		consent?: boolean;
		consentAt?: string;
		language?: 'en' | 'fr';
		firstName?: string;
	} = {}
): Promise<Supporter> {
	const [row] = await query<Supporter>(
		`insert into supporters (email, first_name, language) values ($1, $2, $3) returning id, email`,
		[uniqueEmail('auto'), options.firstName ?? 'Ana', options.language ?? 'en']
	);
	if (options.consent ?? true) {
		await query(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language, given_at)
			 values ($1, 'email', 'granted', 'express', '/test', 'Yes, send me updates.', $2, $3)`,
			[row.id, options.language ?? 'en', options.consentAt ?? null]
		);
	}
	return row;
}

async function gift(supporterId: string, daysAgo: number, options: { test?: boolean } = {}) {
	await query(
		`insert into gifts (supporter_id, amount_cents, currency, frequency, status, test, received_at)
		 values ($1, 5000, 'cad', 'one_time', 'succeeded', $2, now() - make_interval(days => $3))`,
		[supporterId, options.test ?? false, daysAgo]
	);
}

/** The automation emails (of `key`, or all) queued for these supporters: "<key>:<supporter id>", sorted. */
async function queued(people: Supporter[], key?: string) {
	const rows = await query<{ key: string }>(
		`select data ->> 'automation' || ':' || supporter_id as key from email_outbox
		 where template = 'automation' and supporter_id = any ($1)
		   and ($2::text is null or data ->> 'automation' = $2) order by 1`,
		[people.map((person) => person.id), key ?? null]
	);
	return rows.map((row) => row.key);
}

async function turn(key: string, enabled: boolean) {
	return automations.setEnabled(actor, key as never, enabled, '127.0.0.1');
}

beforeAll(async () => {
	await useStackForServerCode();
	automations = await import('../../src/lib/server/broadcasts/automations.ts');
	render = await import('../../src/lib/server/email/render.ts');
	[actor] = await query<{ id: string }>(
		`insert into staff (email, role) values ($1, 'campaigner') returning id`,
		[uniqueEmail('automation-staff')]
	);
});

afterAll(async () => {
	// As the migration left them: other test files tick too.
	await query(
		`update email_automations set enabled = true, enabled_since = now(), content = null,
		   rendered = null, links = '[]'`
	);
});

describe('welcome series', () => {
	it('welcomes a supporter who consents after it was turned on, once however often it ticks, and not one who consented before', async () => {
		const before = await supporter();
		// Turned off and on again: it starts from now.
		await turn('welcome-1', false);
		await turn('welcome-1', true);
		const after = await supporter({ language: 'fr', firstName: 'Marie' });
		const suppressed = await supporter();
		await query(
			`insert into email_suppressions (email_lower, reason, source) values (lower($1), 'bounced', 'test')`,
			[suppressed.email]
		);
		const noConsent = await supporter({ consent: false });

		await Promise.all(Array.from({ length: 6 }, () => tick()));
		await tick();

		expect(await queued([before, after, suppressed, noConsent])).toEqual([`welcome-1:${after.id}`]);
		const [row] = await query<{
			id: number;
			template: string;
			kind: string;
			language: string;
			data: unknown;
			to_email: string;
			status: string;
		}>(
			`select id::int as id, template, kind, language, data, to_email, status
			 from email_outbox where supporter_id = $1`,
			[after.id]
		);
		expect(row).toEqual({
			id: expect.any(Number),
			template: 'automation',
			kind: 'broadcast',
			language: 'fr',
			data: { automation: 'welcome-1' },
			to_email: after.email,
			status: 'pending'
		});

		// As the worker sends it: the built-in French words, her name, an unsubscribe header.
		const [token] = await query<{ email_token: string }>(
			'select email_token from supporters where id = $1',
			[after.id]
		);
		const { email } = await render.composeOutboxEmail({
			...(row as {
				id: number;
				template: string;
				kind: 'broadcast';
				language: 'fr';
				data: unknown;
			}),
			to_email: after.email,
			first_name: 'Marie',
			email_token: token.email_token
		});
		expect(email.subject).toMatch(/^Bienvenue chez /);
		expect(email.text).toContain('Bonjour Marie,');
		expect(email.html).toMatch(/href="https?:\/\/[^"]+\/fr\/impact"/);
		expect(email.headers?.['List-Unsubscribe']).toContain(token.email_token);
	});

	it('people imported from another system are not new: no welcome, even with a recent consent date', async () => {
		const [row] = await query<Supporter>(
			`insert into supporters (email, first_name) values ($1, 'Imani') returning id, email`,
			[uniqueEmail('imported')]
		);
		await query(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language, given_at)
			 values ($1, 'email', 'granted', 'express', 'import:list.csv:newsletter form', 'Yes.', 'en', now())`,
			[row.id]
		);
		await tick();
		expect(await queued([row])).toEqual([]);
	});

	it('a merged record that was already welcomed is not welcomed again', async () => {
		const first = await supporter({ firstName: 'Zoe' });
		await tick();
		expect(await queued([first], 'welcome-1')).toEqual([`welcome-1:${first.id}`]);
		const survivor = await supporter({ consent: false, firstName: 'Zoé' });
		// As the merge leaves it: the duplicate's consent and outbox rows on the survivor.
		await query(`update email_outbox set supporter_id = $2 where supporter_id = $1`, [
			first.id,
			survivor.id
		]);
		await query(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language)
			 values ($1, 'email', 'granted', 'express', '/test', 'Yes.', 'en')`,
			[survivor.id]
		);
		await tick();
		expect(await queued([survivor], 'welcome-1')).toEqual([`welcome-1:${survivor.id}`]);
	});

	it('someone who was subscribed before, left and comes back is not new: no welcome', async () => {
		const person = await supporter({
			consentAt: new Date(Date.now() - 400 * 86_400_000).toISOString()
		});
		await query(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language)
			 values ($1, 'email', 'withdrawn', 'express', '/test', 'Stop.', 'en'),
			        ($1, 'email', 'granted', 'express', '/test', 'Yes again.', 'en')`,
			[person.id]
		);
		await tick();
		expect(await queued([person])).toEqual([]);
	});

	it('sends the second email only once the first was sent and its days have passed, to those still subscribed', async () => {
		const stays = await supporter();
		const leaves = await supporter();
		await tick();
		expect(await queued([stays, leaves])).toEqual(
			[`welcome-1:${stays.id}`, `welcome-1:${leaves.id}`].sort()
		);
		// Queued but not sent: nothing more.
		await query(
			`update email_automations set enabled_since = now() - interval '30 days' where key = 'welcome-2'`
		);
		await tick();
		expect(await queued([stays], 'welcome-2')).toEqual([]);

		// Sent two days ago: not yet (it waits three).
		const sentAgo = (people: Supporter[], interval: string) =>
			query(
				`update email_outbox set status = 'sent', sent_at = now() - $2::interval
				 where template = 'automation' and data ->> 'automation' = 'welcome-1' and supporter_id = any ($1)`,
				[people.map((person) => person.id), interval]
			);
		await sentAgo([stays, leaves], '2 days');
		await tick();
		expect(await queued([stays, leaves], 'welcome-2')).toEqual([]);

		// Three days and an hour: the one still subscribed gets it, once.
		await query(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language)
			 values ($1, 'email', 'withdrawn', 'express', '/test', 'Stop.', 'en')`,
			[leaves.id]
		);
		await sentAgo([stays, leaves], '3 days 1 hour');
		await tick();
		await tick();
		expect(await queued([stays, leaves], 'welcome-2')).toEqual([`welcome-2:${stays.id}`]);
	});
});

describe('your gift at work', () => {
	it('goes 30 days after a first real gift; not for a test gift, not before 30 days, not to someone who opted out of giving news', async () => {
		await query(
			`update email_automations set enabled_since = now() - interval '90 days' where key = 'gift-at-work'`
		);
		const gave = await supporter();
		await gift(gave.id, 31);
		const tested = await supporter();
		await gift(tested.id, 31, { test: true });
		const recent = await supporter();
		await gift(recent.id, 10);
		const optedOut = await supporter();
		await gift(optedOut.id, 31);
		await query(
			`insert into consents (supporter_id, channel, topic, status, kind, source, wording, language)
			 values ($1, 'email_topic', 'giving', 'withdrawn', 'express', '/test', 'No appeals.', 'en')`,
			[optedOut.id]
		);
		const longAgo = await supporter();
		await gift(longAgo.id, 60);
		await gift(longAgo.id, 31);
		const unsubscribed = await supporter({ consent: false });
		await gift(unsubscribed.id, 31);

		await tick();
		await tick();
		const people = [gave, tested, recent, optedOut, longAgo, unsubscribed];
		expect(await queued(people, 'gift-at-work')).toEqual([`gift-at-work:${gave.id}`]);

		// Its 30th day comes for the recent giver.
		await query(
			`update gifts set received_at = now() - interval '30 days 1 hour' where supporter_id = $1`,
			[recent.id]
		);
		await tick();
		expect(await queued(people, 'gift-at-work')).toEqual(
			[`gift-at-work:${gave.id}`, `gift-at-work:${recent.id}`].sort()
		);
	});

	it('queues nothing while turned off, cancels what waited, and after turning it on ignores the gifts made meanwhile', async () => {
		await query(
			`update email_automations set enabled_since = now() - interval '90 days' where key = 'gift-at-work'`
		);
		const waiting = await supporter();
		await gift(waiting.id, 31);
		await tick();
		expect(await queued([waiting], 'gift-at-work')).toEqual([`gift-at-work:${waiting.id}`]);

		const off = await turn('gift-at-work', false);
		expect(off.changed).toBe(true);
		expect(off.cancelled).toBeGreaterThanOrEqual(1);
		const [row] = await query<{ status: string }>(
			`select status from email_outbox where supporter_id = $1 and data ->> 'automation' = 'gift-at-work'`,
			[waiting.id]
		);
		expect(row.status).toBe('cancelled');

		const meanwhile = await supporter();
		await gift(meanwhile.id, 31);
		await tick();
		expect(await queued([meanwhile], 'gift-at-work')).toEqual([]);
		expect(await turn('gift-at-work', false)).toEqual({ changed: false, cancelled: 0 });

		await turn('gift-at-work', true);
		await tick();
		expect(await queued([meanwhile], 'gift-at-work')).toEqual([]);
		const audit = await query<{ action: string }>(
			`select action from audit_log where staff_id = $1 and target = 'gift-at-work' order by id`,
			[actor.id]
		);
		expect(audit.map((entry) => entry.action)).toEqual([
			'automation.disabled',
			'automation.enabled'
		]);
	});

	it('the welcome series also stops when turned off', async () => {
		await turn('welcome-1', false);
		const person = await supporter();
		await tick();
		expect(await queued([person])).toEqual([]);
		await turn('welcome-1', true);
		await tick();
		expect(await queued([person])).toEqual([]);
	});
});

describe('the petition thank-you', () => {
	async function petition() {
		const slug = `auto-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
		const [row] = await query<{ id: string }>(
			`insert into petitions (slug, title, status, goal) values ($1, $1, 'published', 100) returning id`,
			[slug]
		);
		await query(
			`insert into petition_translations (petition_id, language, title, target, letter) values
			 ($1, 'en', 'Protect <every> child', 'The Minister', 'Dear Minister,'),
			 ($1, 'fr', 'Protégez chaque enfant', 'Le ministre', 'Monsieur le Ministre,')`,
			[row.id]
		);
		return slug;
	}

	async function sign(slug: string, email: string, language: 'en' | 'fr' = 'en') {
		const { data, error } = await db().rpc('petition_sign', {
			p_signature: { petition: slug, email, first_name: 'Ana', language, consent: false }
		});
		expect(error).toBeNull();
		return data as { referral_code: string; signature_id: number };
	}

	const thanksFor = (email: string) =>
		query<{
			id: number;
			template: string;
			kind: 'transactional';
			language: 'en' | 'fr';
			data: unknown;
			to_email: string;
		}>(
			`select id::int as id, template, kind, language, data, to_email from email_outbox
			 where template = 'petition-thanks' and to_email = $1`,
			[email]
		);

	it('turned off, signing still works but queues no thank-you; turned on, it does again', async () => {
		const slug = await petition();
		await turn('petition-thanks', false);
		try {
			const off = uniqueEmail('signer-off');
			const signed = await sign(slug, off);
			expect(signed.signature_id).toBeGreaterThan(0);
			expect(
				await query('select 1 from petition_signatures where id = $1', [signed.signature_id])
			).toHaveLength(1);
			expect(await thanksFor(off)).toEqual([]);
		} finally {
			await turn('petition-thanks', true);
		}
		const on = uniqueEmail('signer-on');
		await sign(slug, on);
		expect(await thanksFor(on)).toHaveLength(1);
	});

	it('with staff’s words, the email says them (with the petition’s title) and keeps the signer’s share link', async () => {
		const slug = await petition();
		expect(
			await automations.save(
				actor,
				'petition-thanks',
				{
					delayDays: null,
					content: {
						en: {
							subject: 'You stood up for {{petition_title}}',
							preheader: 'One more step: share it.',
							body: 'Dear {{first_name|friend}},\n\nYour signature on **{{petition_title}}** counts. [Why it matters](/impact)',
							cta: null
						},
						fr: {
							subject: 'Merci pour {{petition_title}}',
							preheader: 'Partagez-la.',
							body: 'Votre signature compte.',
							cta: null
						}
					}
				},
				'127.0.0.1'
			)
		).toBe(true);
		try {
			const email = uniqueEmail('signer-words');
			const { referral_code } = await sign(slug, email);
			const [row] = await thanksFor(email);
			expect(row.data).toEqual({
				petition: slug,
				referral: referral_code,
				title: 'Protect <every> child'
			});
			const { email: sent } = await render.composeOutboxEmail({
				...row,
				first_name: 'Ana',
				email_token: null
			});
			expect(sent.subject).toBe('You stood up for Protect <every> child');
			expect(sent.text).toContain('Dear Ana,');
			expect(sent.html).toContain('<strong>Protect &lt;every&gt; child</strong>');
			expect(sent.html).toMatch(/href="https?:\/\/[^"]+\/impact"/);
			expect(sent.text).not.toContain('Thank you for signing');
			// Their own share link, with their referral code, after staff's words.
			expect(sent.text).toContain(`/petitions/${slug}?ref=${referral_code}`);

			const french = uniqueEmail('signer-words-fr');
			await sign(slug, french, 'fr');
			const [frRow] = await thanksFor(french);
			const { email: frSent } = await render.composeOutboxEmail({
				...frRow,
				first_name: 'Ana',
				email_token: null
			});
			expect(frSent.subject).toBe('Merci pour Protégez chaque enfant');
			expect(frSent.text).toContain(`/fr/petitions/${slug}?ref=`);
		} finally {
			await automations.reset(actor, 'petition-thanks', '127.0.0.1');
		}

		// Back to the built-in words.
		const email = uniqueEmail('signer-builtin');
		await sign(slug, email);
		const [row] = await thanksFor(email);
		const { email: sent } = await render.composeOutboxEmail({
			...row,
			first_name: 'Ana',
			email_token: null
		});
		expect(sent.subject).toBe('Thank you for signing');
		expect(sent.text.replace(/\s+/g, ' ')).toContain(
			'Thank you for signing “Protect <every> child”.'
		);
	});
});

describe('the list staff see', () => {
	it('counts each automation’s emails sent in the last 30 days', async () => {
		const person = await supporter();
		await tick();
		const before = (await automations.list()).find((entry) => entry.key === 'welcome-1')!;
		await query(
			`update email_outbox set status = 'sent', sent_at = now()
			 where template = 'automation' and data ->> 'automation' = 'welcome-1' and supporter_id = $1`,
			[person.id]
		);
		const after = (await automations.list()).find((entry) => entry.key === 'welcome-1')!;
		expect(after.sent).toBe(before.sent + 1);
		expect(after.waiting).toBe(before.waiting - 1);
		expect((await automations.list()).map((entry) => entry.key)).toEqual([
			'welcome-1',
			'welcome-2',
			'petition-thanks',
			'gift-at-work'
		]);
	});
});
