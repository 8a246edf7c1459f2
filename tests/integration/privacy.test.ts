import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceClient, uniqueEmail, withSql } from './helpers.ts';
import { startSite } from './site.ts';

// Privacy requests as a supporter makes them, through the site (the form, the
// emailed link, its buttons, the download), checked in the database: an erasure
// leaves totals exact and no trace of the person; an access request gives all.

let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
	site = await startSite();
}, 180_000);

afterAll(async () => {
	await site?.stop();
});

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

function post(path: string, fields: Record<string, string>) {
	return fetch(`${site.url}${path}`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html',
			origin: site.url
		},
		body: new URLSearchParams(fields)
	});
}

async function ask(email: string, kind: 'access' | 'erasure', page = '/privacy') {
	const started = performance.now();
	const response = await post(page, { email, kind });
	return { response, ms: performance.now() - started };
}

async function query<Row extends pg.QueryResultRow>(text: string, params: unknown[] = []) {
	return withSql(async (sql) => (await sql.query<Row>(text, params)).rows);
}

/** The token of the newest confirmation link emailed to `email`. */
async function tokenSentTo(email: string): Promise<string> {
	const [row] = await query<{ link: string }>(
		`select data ->> 'link' as link from email_outbox
		 where template = 'privacy-confirm' and lower(to_email) = lower($1) order by id desc limit 1`,
		[email]
	);
	expect(row?.link, `a confirmation link was emailed to ${email}`).toBeTruthy();
	const token = new URL(row.link).searchParams.get('token');
	expect(token).toMatch(/^[a-z2-7]{32}$/);
	return token!;
}

/** A name nobody else has, so finding it anywhere means it was not erased. */
function uniqueName(prefix: string) {
	return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 10)}`;
}

interface Person {
	id: string;
	email: string;
	firstName: string;
	lastName: string;
	/** A second record of theirs, merged into this one. */
	oldEmail: string;
	oldFirstName: string;
	petitions: string[];
}

/**
 * A supporter with one of everything: consents (express, then implied with an
 * expiry), a tag, a staff note, an edit by staff, two petition signatures, gifts
 * (one succeeded, one monthly, one refunded, one test), an email that Resend
 * reported on, an older record of theirs merged in, and a rejected row of an
 * import. Another supporter signs and gives too, so totals are not just theirs.
 */
async function personWithHistory(): Promise<Person> {
	const db = serviceClient();
	const email = uniqueEmail('Private.Person');
	const firstName = uniqueName('Ysolde');
	const lastName = uniqueName('Quarrington');
	const { data: supporter, error } = await db
		.from('supporters')
		.insert({
			email,
			first_name: `${firstName}x`,
			last_name: lastName,
			postal_code: 'H2X 1Y4',
			province: 'QC',
			language: 'fr'
		})
		.select('id')
		.single();
	expect(error).toBeNull();
	const id = (supporter as { id: string }).id;
	const { data: other } = await db
		.from('supporters')
		.insert({ email: uniqueEmail('bystander'), first_name: 'Bystander', province: 'ON' })
		.select('id')
		.single();
	const otherId = (other as { id: string }).id;

	await query(
		`insert into consents (supporter_id, channel, status, kind, source, wording, language, given_at, expires_at)
		 values ($1, 'email', 'granted', 'express', '/petitions/clean-water', 'Oui, écrivez-moi.', 'fr', now() - interval '30 days', null),
		        ($1, 'email', 'granted', 'implied', 'gift:2026', 'Consentement tacite (don).', 'fr', now() - interval '2 days', now() + interval '700 days')`,
		[id]
	);
	expect(
		(
			await db.rpc('supporter_update', {
				p_actor: null,
				p_id: id,
				p_changes: { first_name: firstName },
				p_ip: '192.0.2.1'
			})
		).error
	).toBeNull();
	expect(
		(
			await db.rpc('supporter_add_note', {
				p_actor: null,
				p_supporter: id,
				p_body: `Met ${firstName} ${lastName} at the Montréal event.`,
				p_ip: '192.0.2.1'
			})
		).error
	).toBeNull();
	// Tagged by searching for their address: the audit entry holds the address.
	expect(
		(
			await db.rpc('supporter_tags_change', {
				p_actor: null,
				p_tag: 'volunteer',
				p_add: true,
				p_ids: null,
				p_filter: { q: email },
				p_ip: '192.0.2.1'
			})
		).error
	).toBeNull();

	const petitions: string[] = [];
	for (const title of ['Clean courts', 'Safe roads']) {
		const [petition] = await query<{ id: string }>(
			`insert into petitions (slug, title, status) values ($1, $2, 'published') returning id`,
			[`p-${randomUUID().slice(0, 8)}`, title]
		);
		petitions.push(petition.id);
		await query(
			`insert into petition_signatures (petition_id, supporter_id) values ($1, $2), ($1, $3)`,
			[petition.id, id, otherId]
		);
	}
	await query(
		`insert into gifts (supporter_id, amount_cents, currency, frequency, status, test) values
		 ($1, 2500, 'cad', 'one_time', 'succeeded', false),
		 ($1, 1000, 'cad', 'monthly', 'succeeded', false),
		 ($1, 4000, 'cad', 'one_time', 'refunded', false),
		 ($1, 9900, 'cad', 'one_time', 'succeeded', true),
		 ($2, 7000, 'cad', 'one_time', 'succeeded', false)`,
		[id, otherId]
	);

	const providerId = randomUUID();
	await query(
		`insert into email_outbox (idempotency_key, template, data, language, supporter_id, to_email, kind, status, provider_message_id, sent_at)
		 values ($1, 'sample', $2, 'fr', $3, $4, 'transactional', 'sent', $5, now())`,
		[`privacy-test:${providerId}`, { greeting: `Bonjour ${firstName}` }, id, email, providerId]
	);
	expect(
		(
			await db.rpc('email_record_event', {
				p_svix_id: `msg_${providerId}`,
				p_type: 'email.opened',
				p_provider_message_id: providerId,
				p_occurred_at: new Date().toISOString(),
				p_payload: { type: 'email.opened', data: { to: [email], subject: `Bonjour ${firstName}` } }
			})
		).error
	).toBeNull();
	// Resend reported on a message we cannot match to a row: its payload names them too.
	await db.rpc('email_record_event', {
		p_svix_id: `msg_${randomUUID()}`,
		p_type: 'email.delivered',
		p_provider_message_id: randomUUID(),
		p_occurred_at: new Date().toISOString(),
		p_payload: { type: 'email.delivered', data: { to: [email.toUpperCase()] } }
	});

	const oldEmail = uniqueEmail('old.address');
	const oldFirstName = uniqueName('Ysoldina');
	const { data: old } = await db
		.from('supporters')
		.insert({ email: oldEmail, first_name: oldFirstName, last_name: lastName })
		.select('id')
		.single();
	expect(
		(
			await db.rpc('supporter_merge', {
				p_actor: null,
				p_survivor: id,
				p_duplicate: (old as { id: string }).id,
				p_ip: '192.0.2.1'
			})
		).error
	).toBeNull();

	const [upload] = await query<{ id: string }>(
		`insert into supporter_imports (file_name, headers, status) values ('list.csv', '["email", "first_name", "postal_code"]', 'finished') returning id`
	);
	await query(
		`insert into supporter_import_rows (import_id, row_number, cells, email_key, outcome, reasons)
		 values ($1, 2, $2, lower($3), 'rejected', '[{"code": "postal_code_invalid"}]')`,
		[upload.id, JSON.stringify([email, firstName, 'nowhere']), email]
	);
	return { id, email, firstName, lastName, oldEmail, oldFirstName, petitions };
}

async function giftTotal(): Promise<number> {
	const [row] = await query<{ total: string }>(
		`select coalesce(sum(amount_cents), 0)::text as total from gifts where status = 'succeeded' and not test`
	);
	return Number(row.total);
}

async function signatureCounts(petitions: string[]) {
	return query<{ petition_id: string; n: number }>(
		`select petition_id, count(*)::int as n from petition_signatures
		 where petition_id = any($1::uuid[]) group by petition_id order by petition_id`,
		[petitions]
	);
}

/** Every text, varchar, json and jsonb value in the public schema that contains `needle`. */
async function findEverywhere(needle: string) {
	return withSql(async (sql) => {
		const columns = await sql.query<{ table_name: string; column_name: string }>(
			`select c.table_name, c.column_name from information_schema.columns c
			 join information_schema.tables t using (table_schema, table_name)
			 where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
			   and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`
		);
		const hits: string[] = [];
		for (const { table_name, column_name } of columns.rows) {
			const found = await sql.query<{ n: number }>(
				`select count(*)::int as n from public.${JSON.stringify(table_name)}
				 where strpos(lower(${JSON.stringify(column_name)}::text), lower($1)) > 0`,
				[needle]
			);
			if (found.rows[0].n > 0) hits.push(`${table_name}.${column_name}`);
		}
		return hits;
	});
}

describe('asking', () => {
	it('answers a supporter and a stranger alike, in the same time band; the stranger is told we hold nothing', async () => {
		const person = await personWithHistory();
		const stranger = uniqueEmail('stranger');
		const answers = [
			await ask(person.email.toUpperCase(), 'access', '/privacy'),
			await ask(stranger, 'erasure', '/fr/privacy')
		];
		for (const { response } of answers) {
			expect(response.status).toBe(303);
		}
		expect(answers[0].response.headers.get('location')).toBe('/privacy/check-email');
		expect(answers[1].response.headers.get('location')).toBe('/fr/privacy/check-email');
		const times = answers.map((answer) => answer.ms);
		expect(Math.min(...times)).toBeGreaterThanOrEqual(400);
		expect(Math.max(...times) - Math.min(...times)).toBeLessThan(250);

		// The supporter: a link, in their language (French), whatever the page's.
		const [toPerson] = await query<{ template: string; language: string; link: string }>(
			`select template, language, data ->> 'link' as link from email_outbox
			 where supporter_id = $1 and template like 'privacy-%'`,
			[person.id]
		);
		expect(toPerson).toMatchObject({ template: 'privacy-confirm', language: 'fr' });
		expect(toPerson.link).toMatch(/\/fr\/privacy\/confirm\?token=[a-z2-7]{32}$/);

		// The stranger: no link, in the page's language, and no address kept in the request.
		const [toStranger] = await query<{ id: number; template: string; language: string }>(
			`select id, template, language from email_outbox where to_email = $1`,
			[stranger]
		);
		expect(toStranger).toMatchObject({ template: 'privacy-no-data', language: 'fr' });
		const viewer = await (await fetch(`${site.url}/dev/mail/${toStranger.id}`)).text();
		expect(viewer).toContain('nous ne conservons aucun renseignement personnel à son sujet');
		const requests = await query<{ status: string; email: string | null }>(
			`select status, email from privacy_requests where supporter_id is null order by id desc limit 1`
		);
		expect(requests).toEqual([{ status: 'no_data', email: null }]);
	});

	it('stops after five requests for one address in an hour, and says to wait', async () => {
		const email = uniqueEmail('eager');
		const statuses = [];
		let last = '';
		for (let attempt = 0; attempt < 6; attempt += 1) {
			const { response } = await ask(email, 'access');
			statuses.push(response.status);
			last = await response.text();
		}
		expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
		expect(last).toContain('Too many requests for now. Wait an hour, then try again.');
	});
});

describe('erasure', () => {
	it('keeps totals and petition counts exact, consents and the fact of the erasure, and no trace of the person', async () => {
		const person = await personWithHistory();
		const totalBefore = await giftTotal();
		const countsBefore = await signatureCounts(person.petitions);
		const [{ n: consentsBefore }] = await query<{ n: number }>(
			'select count(*)::int as n from consents where supporter_id = $1',
			[person.id]
		);
		for (const needle of [person.email, person.firstName, person.oldEmail, person.oldFirstName]) {
			expect(await findEverywhere(needle), `"${needle}" is there to begin with`).not.toEqual([]);
		}

		expect((await ask(person.email, 'erasure')).response.status).toBe(303);
		const token = await tokenSentTo(person.email);

		// Opening the link (as a mail scanner would) changes nothing.
		const opened = await fetch(`${site.url}/fr/privacy/confirm?token=${token}`);
		expect(await opened.text()).toContain('Continuer');
		const [before] = await query<{ status: string }>(
			'select status from privacy_requests where token_hash = $1',
			[hash(token)]
		);
		expect(before.status).toBe('pending');

		const confirmed = await post(`/fr/privacy/confirm?token=${token}&/confirm`, { token });
		expect(confirmed.status).toBe(200);
		expect(await confirmed.text()).toContain('Effacer mes données maintenant');
		const erased = await post(`/fr/privacy/confirm?token=${token}&/erase`, { token });
		expect(erased.status).toBe(200);
		expect(await erased.text()).toContain('Vos données ont été effacées');

		expect(await giftTotal()).toBe(totalBefore);
		expect(await signatureCounts(person.petitions)).toEqual(countsBefore);
		for (const needle of [
			person.email,
			person.firstName,
			person.lastName,
			person.oldEmail,
			person.oldFirstName
		]) {
			expect(await findEverywhere(needle), `where "${needle}" is still found`).toEqual([]);
		}

		const [row] = await query<{
			email: string;
			first_name: string | null;
			last_name: string | null;
			postal_code: string | null;
			province: string;
			language: string;
			erased_at: Date | null;
			email_consent: string;
		}>(
			'select email, first_name, last_name, postal_code, province, language, erased_at, email_consent from supporters where id = $1',
			[person.id]
		);
		expect(row).toMatchObject({
			email: `erased-${person.id}@erased.invalid`,
			first_name: null,
			last_name: null,
			postal_code: null,
			province: 'QC',
			language: 'fr',
			email_consent: 'withdrawn'
		});
		expect(row.erased_at).toBeInstanceOf(Date);

		// The consents stay, with their words; one more records that email stopped.
		const consents = await query<{ status: string; wording: string }>(
			'select status, wording from consents where supporter_id = $1 order by id',
			[person.id]
		);
		expect(consents).toHaveLength(consentsBefore + 1);
		expect(consents[0].wording).toBe('Oui, écrivez-moi.');
		expect(consents.at(-1)!.status).toBe('withdrawn');

		// The fact of the erasure, with no personal data.
		const requests = await query<{
			kind: string;
			status: string;
			email: string | null;
			requested_at: Date;
			confirmed_at: Date;
			completed_at: Date;
		}>(
			`select kind, status, email, requested_at, confirmed_at, completed_at from privacy_requests
			 where supporter_id = $1 and kind = 'erasure'`,
			[person.id]
		);
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({ kind: 'erasure', status: 'completed', email: null });
		expect(requests[0].completed_at).toBeInstanceOf(Date);
		const audit = await query<{ details: Record<string, unknown>; ip: string | null }>(
			`select details, ip from audit_log where action = 'privacy.erased' and target = $1`,
			[person.id]
		);
		expect(audit).toHaveLength(1);
		expect(audit[0].ip).toBeNull();
		expect(Object.keys(audit[0].details)).toEqual(['request']);

		// Nothing is emailed to them afterwards: nothing left queued, no new row.
		const queued = await query<{ n: number }>(
			`select count(*)::int as n from email_outbox where supporter_id = $1 and status = 'pending'`,
			[person.id]
		);
		expect(queued[0].n).toBe(0);
		const broadcast = await serviceClient().rpc('email_enqueue_broadcast', {
			p_key: `after-erasure-${randomUUID()}`,
			p_template: 'sample',
			p_data: {}
		});
		expect(broadcast.error).toBeNull();
		const toThem = await query<{ n: number }>(
			`select count(*)::int as n from email_outbox where supporter_id = $1 and created_at > (select erased_at from supporters where id = $1)`,
			[person.id]
		);
		expect(toThem[0].n).toBe(0);
	});

	it('the same address asking again after erasure is told we hold nothing', async () => {
		const person = await personWithHistory();
		await ask(person.email, 'erasure');
		const token = await tokenSentTo(person.email);
		await post(`/privacy/confirm?token=${token}&/confirm`, { token });
		await post(`/privacy/confirm?token=${token}&/erase`, { token });

		expect((await ask(person.email, 'access')).response.status).toBe(303);
		const [latest] = await query<{ template: string }>(
			`select template from email_outbox where lower(to_email) = lower($1) order by id desc limit 1`,
			[person.email]
		);
		expect(latest.template).toBe('privacy-no-data');
	});
});

describe('access', () => {
	it('gives a JSON file of every kind of data held, for 7 days, and records each download', async () => {
		const person = await personWithHistory();
		expect((await ask(person.email, 'access')).response.status).toBe(303);
		const token = await tokenSentTo(person.email);
		const confirmed = await post(`/privacy/confirm?token=${token}&/confirm`, { token });
		expect(confirmed.status).toBe(200);
		expect(await confirmed.text()).toContain('Download my data');

		const response = await post('/privacy/confirm/download', { token });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^application\/json/);
		expect(response.headers.get('content-disposition')).toMatch(
			/^attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"$/
		);
		const file = await response.json();

		expect(file.supporter).toMatchObject({
			id: person.id,
			email: person.email,
			first_name: person.firstName,
			last_name: person.lastName,
			postal_code: 'H2X 1Y4',
			province: 'QC',
			language: 'fr'
		});
		expect(file.consents).toEqual([
			expect.objectContaining({
				status: 'granted',
				kind: 'express',
				wording: 'Oui, écrivez-moi.',
				source: '/petitions/clean-water',
				given_at: expect.any(String),
				expires_at: null
			}),
			expect.objectContaining({
				kind: 'implied',
				wording: 'Consentement tacite (don).',
				source: 'gift:2026',
				expires_at: expect.any(String)
			})
		]);
		expect(file.tags).toEqual([expect.objectContaining({ name: 'volunteer' })]);
		expect(file.staff_notes).toEqual([
			expect.objectContaining({
				note: `Met ${person.firstName} ${person.lastName} at the Montréal event.`
			})
		]);
		expect(
			file.petition_signatures.map((signature: { petition: string }) => signature.petition)
		).toEqual(['Clean courts', 'Safe roads']);
		expect(
			file.gifts
				.map((gift: { amount_cents: number; currency: string; status: string; test: boolean }) => [
					gift.amount_cents,
					gift.currency,
					gift.status,
					gift.test
				])
				.sort((a: [number], b: [number]) => a[0] - b[0])
		).toEqual([
			[1000, 'cad', 'succeeded', false],
			[2500, 'cad', 'succeeded', false],
			[4000, 'cad', 'refunded', false],
			[9900, 'cad', 'succeeded', true]
		]);
		const sample = file.emails.find((email: { template: string }) => email.template === 'sample');
		expect(sample).toMatchObject({
			status: 'sent',
			to: person.email,
			sent_at: expect.any(String),
			events: [expect.objectContaining({ type: 'email.opened', at: expect.any(String) })]
		});
		expect(file.emails.map((email: { template: string }) => email.template)).toContain(
			'privacy-confirm'
		);
		expect(file.merged_records).toEqual([
			expect.objectContaining({
				record: expect.objectContaining({ email: person.oldEmail, first_name: person.oldFirstName })
			})
		]);
		expect(file.privacy_requests).toEqual([
			expect.objectContaining({ kind: 'access', status: 'completed' })
		]);

		const [request] = await query<{
			download_count: number;
			downloaded_at: Date | null;
			email: string | null;
		}>('select download_count, downloaded_at, email from privacy_requests where token_hash = $1', [
			hash(token)
		]);
		expect(request.download_count).toBe(1);
		expect(request.downloaded_at).toBeInstanceOf(Date);
		expect(request.email).toBeNull();
		const audit = await query('select 1 from audit_log where action = $1 and target = $2', [
			'privacy.downloaded',
			person.id
		]);
		expect(audit).toHaveLength(1);

		// After 7 days the link no longer downloads; its page says it has expired.
		await query(
			`update privacy_requests set download_until = now() - interval '1 second' where token_hash = $1`,
			[hash(token)]
		);
		const late = await post('/privacy/confirm/download', { token });
		expect(late.status).toBe(303);
		expect(late.headers.get('location')).toBe(`/privacy/confirm?token=${token}`);
		const page = await (await fetch(`${site.url}/privacy/confirm?token=${token}`)).text();
		expect(page).toContain('This link has expired.');
	});
});

describe('links', () => {
	const db = () => serviceClient();
	const confirm = async (token: string) =>
		(await db().rpc('privacy_confirm', { p_token_hash: hash(token), p_ip: null })).data;

	it('work once, and not after 24 hours', async () => {
		const person = await personWithHistory();
		await ask(person.email, 'erasure');
		const first = await tokenSentTo(person.email);
		expect(await confirm(first)).toEqual({ kind: 'erasure' });
		expect(await confirm(first)).toEqual({ error: 'used' });

		await ask(person.email, 'access');
		const second = await tokenSentTo(person.email);
		expect(second).not.toBe(first);
		await query(
			`update privacy_requests set expires_at = now() - interval '1 second' where token_hash = $1`,
			[hash(second)]
		);
		expect(await confirm(second)).toEqual({ error: 'expired' });
		const expiredPage = await (await fetch(`${site.url}/privacy/confirm?token=${second}`)).text();
		expect(expiredPage).toContain('This link has expired.');
		expect(expiredPage).toContain('Make a new request');

		// The erasure, once; then its link says it was used.
		const erase = () =>
			db().rpc('privacy_erase', {
				p_token_hash: hash(first),
				p_wording_en: 'erased',
				p_wording_fr: 'effacé'
			});
		expect((await erase()).data).toEqual({ erased: true });
		expect((await erase()).data).toEqual({ error: 'used' });
		const usedPage = await (await fetch(`${site.url}/privacy/confirm?token=${first}`)).text();
		expect(usedPage).toContain('This link has already been used.');

		expect(await confirm('not-a-token-we-made')).toEqual({ error: 'unknown' });
	});

	it('an erasure needs its second button: the link alone erases nothing', async () => {
		const person = await personWithHistory();
		await ask(person.email, 'erasure');
		const token = await tokenSentTo(person.email);
		const early = await db().rpc('privacy_erase', {
			p_token_hash: hash(token),
			p_wording_en: 'erased',
			p_wording_fr: 'effacé'
		});
		expect(early.data).toEqual({ error: 'not_confirmed' });
		const [row] = await query<{ erased_at: Date | null }>(
			'select erased_at from supporters where id = $1',
			[person.id]
		);
		expect(row.erased_at).toBeNull();
	});

	it('staff see an address only while its request is open', async () => {
		const person = await personWithHistory();
		await ask(person.email, 'erasure');
		const token = await tokenSentTo(person.email);
		const list = async () =>
			(
				(await db().rpc('privacy_request_list', { p_limit: 50 })).data as {
					supporter_id: string;
					email: string | null;
					status: string;
				}[]
			).filter((request) => request.supporter_id === person.id);
		expect(await list()).toEqual([
			expect.objectContaining({ status: 'pending', email: person.email })
		]);
		await query(
			`update privacy_requests set expires_at = now() - interval '1 second' where token_hash = $1`,
			[hash(token)]
		);
		expect(await list()).toEqual([expect.objectContaining({ status: 'expired', email: null })]);
	});
});
