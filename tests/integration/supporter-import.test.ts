import Papa from 'papaparse';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceClient, uniqueEmail, useStackForServerCode, withSql } from './helpers.ts';

// Importing supporters through the app's own import code (upload, start, the
// runner, the report, the rejected-rows CSV), on the real local stack:
// supabase-js → PostgREST → Postgres.

type Imports = typeof import('../../src/lib/server/supporters/import/index.ts');
type Runner = typeof import('../../src/lib/server/supporters/import/runner.ts');
type RejectedCsv = typeof import('../../src/lib/server/supporters/import/rejected-csv.ts');

let imports: Imports;
let runner: Runner;
let rejected: RejectedCsv;
let actor: { id: string };

beforeAll(async () => {
	await useStackForServerCode();
	imports = await import('../../src/lib/server/supporters/import/index.ts');
	runner = await import('../../src/lib/server/supporters/import/runner.ts');
	rejected = await import('../../src/lib/server/supporters/import/rejected-csv.ts');
	const { data, error } = await serviceClient().rpc('staff_add', {
		p_actor: null,
		p_email: uniqueEmail('importer'),
		p_name: null,
		p_role: 'campaigner',
		p_language: 'en',
		p_ip: null
	});
	expect(error).toBeNull();
	actor = { id: data as string };
});

const HEADERS = [
	'Email',
	'Prénom',
	'Last name',
	'Langue',
	'Postal code',
	'Province',
	'Tags',
	'Consent',
	'Consent date',
	'Consent source',
	'Consent kind'
];

interface Line {
	email: string;
	first?: string;
	last?: string;
	language?: string;
	postal?: string;
	province?: string;
	tags?: string;
	consent?: string;
	date?: string;
	source?: string;
	kind?: string;
}

const cells = (line: Line) => [
	line.email,
	line.first ?? '',
	line.last ?? '',
	line.language ?? '',
	line.postal ?? '',
	line.province ?? '',
	line.tags ?? '',
	line.consent ?? '',
	line.date ?? '',
	line.source ?? '',
	line.kind ?? ''
];

function csvFile(lines: (Line | 'blank')[]): Uint8Array {
	const records = lines.map((line) => (line === 'blank' ? [] : cells(line)));
	// Excel's "CSV UTF-8": a byte-order mark, CRLF.
	return new TextEncoder().encode(
		'\uFEFF' + stringify([HEADERS, ...records], { record_delimiter: 'windows' })
	);
}

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []) {
	return withSql(async (client) => (await client.query(text, params)).rows as T[]);
}

async function uploaded(name: string, bytes: Uint8Array) {
	const result = await imports.upload(actor, { name, bytes });
	if (!result.ok) throw new Error(`upload refused: ${JSON.stringify(result.problem)}`);
	const item = await imports.get(result.id);
	return item!;
}

async function finished(id: string, timeoutMs = 170_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const item = (await imports.get(id))!;
		if (item.status === 'finished') return item;
		if (Date.now() > deadline)
			throw new Error(`import still ${item.status} at row ${item.cursor_row}`);
		// As a page visit would: a runner that stopped is replaced.
		imports.resumeIfStalled(item);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function rejectedRows(id: string, headers: string[]) {
	const text = await new Response(rejected.rejectedCsv(id, headers)).text();
	const [head, ...rows] = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
		skipEmptyLines: true
	}).data;
	return { head, rows };
}

describe('importing a 10,000-row file with 5 % bad rows', () => {
	it('reports exactly the bad rows and why, updates only what the file fills, and records consent only with a source and a date', async () => {
		const run = Date.now().toString(36);
		const email = (index: number) => `p${index}.${run}@example.org`;
		const kinds = [
			'invalid email',
			'missing email',
			'duplicate',
			'bad postal code',
			'bad province',
			'future consent date',
			'bad language',
			'bad consent date',
			'long first name',
			'bad consent answer'
		] as const;
		const lines: (Line | 'blank')[] = [];
		// Row numbers as a spreadsheet shows them: the header is row 1, and the
		// blank line after the 5,000th supporter still takes a row.
		const rowOf = (index: number) => index + 2 + (index >= 5000 ? 1 : 0);
		const expected = new Map<number, string>();
		const badExisting: number[] = [];
		let recorded = 0;
		let unrecorded = 0;

		for (let index = 0; index < 10_000; index += 1) {
			if (index === 5000) lines.push('blank');
			const line: Line = {
				email: email(index),
				first: `First${index}`,
				last: index % 30 === 0 ? '' : `Last${index}`,
				language: index % 30 === 0 ? '' : index % 2 ? 'Français' : 'English',
				postal: index % 30 === 0 ? '' : 'H2X 1Y4',
				province: index % 3 === 0 ? 'Québec' : 'ON',
				tags: `cohort-${index % 3}; imported-${run}`
			};
			if (index % 20 === 7) {
				const kind = kinds[Math.floor(index / 20) % kinds.length];
				const row = rowOf(index);
				if (kind === 'invalid email') {
					line.email = `p${index}.at.example.org`;
					expected.set(row, 'Not a valid email address');
				} else if (kind === 'missing email') {
					line.email = '';
					expected.set(row, 'No email address');
				} else if (kind === 'duplicate') {
					line.email = email(index - 3).toUpperCase();
					expected.set(row, `Same email address as row ${rowOf(index - 3)}`);
				} else if (kind === 'bad postal code') {
					line.postal = '90210';
					badExisting.push(index);
					expected.set(row, 'Not a Canadian postal code (like K1A 0B1)');
				} else if (kind === 'bad province') {
					line.province = 'Texas';
					badExisting.push(index);
					expected.set(row, 'Not a Canadian province or territory');
				} else if (kind === 'future consent date') {
					Object.assign(line, { consent: 'yes', date: '2999-01-01', source: 'web form' });
					expected.set(row, 'Consent date is in the future');
				} else if (kind === 'bad language') {
					line.language = 'Deutsch';
					expected.set(row, 'Language is neither English nor French');
				} else if (kind === 'bad consent date') {
					Object.assign(line, { consent: 'oui', date: '2024-13-40', source: 'gala' });
					expected.set(row, 'Consent date is not a date (write it as YYYY-MM-DD)');
				} else if (kind === 'long first name') {
					line.first = 'x'.repeat(101);
					expected.set(row, 'First name longer than 100 characters');
				} else {
					line.consent = 'perhaps';
					expected.set(row, 'Consent is neither yes nor no');
				}
			} else if (index % 4 === 0) {
				Object.assign(line, {
					consent: 'yes',
					date: '2024-06-15',
					source: 'gala sign-up sheet',
					kind: index % 8 === 0 ? 'implied (gift)' : ''
				});
				recorded += 1;
			} else if (index % 4 === 1) {
				// Yes, but with no date: imported without consent.
				Object.assign(line, { consent: 'Oui', source: 'gala sign-up sheet' });
				unrecorded += 1;
			} else if (index % 4 === 2) {
				Object.assign(line, { consent: 'no', date: '2024-06-15', source: 'gala' });
			}
			lines.push(line);
		}
		expect(expected.size).toBe(500);

		// Supporters already there: every 30th row (whose file leaves last name,
		// language and postal code empty), and the people of some bad rows.
		const existing = [...Array(10_000).keys()].filter((index) => index % 30 === 0);
		await sql(
			`insert into supporters (email, first_name, last_name, language, postal_code, province)
				 select unnest($1::text[]), 'Old', 'Keep', 'fr', 'K1A 0B1', 'NS'`,
			[[...existing, ...badExisting].map(email)]
		);

		const file = `donors-${run}.csv`;
		const item = await uploaded(file, csvFile(lines));
		expect(item).toMatchObject({ status: 'mapping', row_count: 10_000 });
		expect(item.mapping).toEqual([
			'email',
			'first_name',
			'last_name',
			'language',
			'postal_code',
			'province',
			'tags',
			'consent',
			'consent_date',
			'consent_source',
			'consent_kind'
		]);

		const started = performance.now();
		expect(
			await imports.start(
				actor,
				item.id,
				{ mapping: item.mapping, tag: `batch-${run}` },
				'127.0.0.1'
			)
		).toBe(true);
		const report = await finished(item.id);
		console.log(`10,000 rows imported in ${Math.round(performance.now() - started)} ms`);

		expect(report).toMatchObject({
			status: 'finished',
			added: 9500 - existing.length,
			updated: existing.length,
			rejected: 500,
			consents_recorded: recorded,
			consents_unrecorded: unrecorded
		});
		expect(
			Object.fromEntries((await imports.reasons(item.id)).map((r) => [r.code, r.count]))
		).toEqual({
			email_invalid: 50,
			email_missing: 50,
			duplicate: 50,
			postal_code_invalid: 50,
			province_invalid: 50,
			consent_date_future: 50,
			language_invalid: 50,
			consent_date_invalid: 50,
			first_name_long: 50,
			consent_invalid: 50
		});

		// The rejected rows: exactly those, with why, and their cells as the file had them.
		const { head, rows } = await rejectedRows(item.id, report.headers);
		expect(head).toEqual(['Row', 'Reason', ...HEADERS]);
		expect(new Map(rows.map((row) => [Number(row[0]), row[1]]))).toEqual(expected);
		const longName = rows.find((row) => row[1].startsWith('First name'))!;
		expect(longName[3]).toBe('x'.repeat(101));

		// One supporter per address; everyone good is there, tagged.
		const [counts] = await sql<{ supporters: string; tagged: string }>(
			`select count(*) as supporters,
				   count(*) filter (where exists (select 1 from supporter_tags st join tags t on t.id = st.tag_id
				     where st.supporter_id = s.id and t.name = $2)) as tagged
				 from supporters s where s.email ilike $1`,
			[`%.${run}@example.org`, `batch-${run}`]
		);
		expect(Number(counts.supporters)).toBe(9500 + badExisting.length);
		expect(Number(counts.tagged)).toBe(9500);

		// An existing supporter got only the file's non-empty values.
		const [updated] = await sql(
			`select first_name, last_name, language, postal_code, province,
				   array(select t.name from supporter_tags st join tags t on t.id = st.tag_id
				     where st.supporter_id = s.id order by t.name) as tags
				 from supporters s where lower(email) = $1`,
			[email(30)]
		);
		expect(updated).toEqual({
			first_name: 'First30',
			last_name: 'Keep',
			language: 'fr',
			postal_code: 'K1A 0B1',
			province: 'QC',
			tags: [`batch-${run}`, 'cohort-0', `imported-${run}`]
		});
		// A rejected row changed nothing about the supporter it names.
		const untouched = await sql(
			`select first_name, last_name, postal_code, province,
				   (select count(*)::int from supporter_tags st where st.supporter_id = s.id) as tags,
				   (select count(*)::int from consents c where c.supporter_id = s.id) as consents
				 from supporters s where lower(email) = any ($1)`,
			[badExisting.map(email)]
		);
		expect(untouched).toHaveLength(badExisting.length);
		for (const person of untouched) {
			expect(person).toEqual({
				first_name: 'Old',
				last_name: 'Keep',
				postal_code: 'K1A 0B1',
				province: 'NS',
				tags: 0,
				consents: 0
			});
		}

		// Consent: only where the file gave yes, a source and a date; dated then,
		// from this file, express unless implied from a gift (two years).
		const consents = await sql<{ kind: string; n: string; expires: string | null }>(
			`select c.kind, count(*) as n, (min(c.expires_at) at time zone 'UTC')::text as expires
				 from consents c join supporters s on s.id = c.supporter_id
				 where s.email ilike $1 group by c.kind order by c.kind`,
			[`%.${run}@example.org`]
		);
		expect(consents).toEqual([
			{ kind: 'express', n: String(recorded - 1250), expires: null },
			{ kind: 'implied', n: '1250', expires: '2026-06-15 00:00:00' }
		]);
		const [sample] = await sql(
			`select c.status, c.source, c.wording, c.language, (c.given_at at time zone 'UTC')::text as given_at, s.email_consent
				 from consents c join supporters s on s.id = c.supporter_id where lower(s.email) = $1`,
			[email(4)]
		);
		expect(sample).toEqual({
			status: 'granted',
			source: `import:${file}:gala sign-up sheet`,
			wording: `Consent to email was stated in the imported file “${file}” (source: gala sign-up sheet; date: 2024-06-15).`,
			language: 'en',
			given_at: '2024-06-15 00:00:00',
			email_consent: 'granted'
		});

		const [audit] = await sql(
			`select action, details from audit_log where target = $1 and action = 'supporters.imported'`,
			[item.id]
		);
		expect(audit).toMatchObject({
			action: 'supporters.imported',
			details: { file, rows: 10_000, added: 9166, updated: 334, rejected: 500 }
		});
		// Only the rejected rows stay staged (for their download).
		const [staged] = await sql(
			`select count(*)::int as n from supporter_import_rows where import_id = $1`,
			[item.id]
		);
		expect(staged.n).toBe(500);
	}, 180_000);
});

describe('a runner that stops midway', () => {
	it('is replaced once its lease runs out; the import ends with the same totals and nothing twice', async () => {
		const run = Date.now().toString(36);
		const email = (index: number) => `r${index}.${run}@example.org`;
		const lines: Line[] = [...Array(1800).keys()].map((index) => ({
			email: index % 100 === 50 ? `bad${index}` : email(index),
			first: `R${index}`,
			consent: 'yes',
			date: '2024-01-02',
			source: 'petition',
			tags: `resume-${run}`
		}));
		const item = await uploaded(`resume-${run}.csv`, csvFile(lines));
		// Started without a runner, so this test plays the runners.
		const { error } = await serviceClient().rpc('supporter_import_start', {
			p_import: item.id,
			p_actor: actor.id,
			p_mapping: item.mapping,
			p_tag: '',
			p_ip: null
		});
		expect(error).toBeNull();

		const first = crypto.randomUUID();
		const batch1 = (await runner.claim(item.id, first))!;
		expect(await runner.apply(item.id, first, batch1, runner.prepare(batch1))).toEqual({
			applied: true,
			finished: false
		});
		// The second batch is read, and then the app stops before applying it.
		const batch2 = (await runner.claim(item.id, first))!;
		const prepared2 = runner.prepare(batch2);

		// While its lease holds, no other runner may start.
		expect(await runner.run(item.id)).toBe('busy');
		await sql(
			`update supporter_imports set lease_expires_at = now() - interval '1 second' where id = $1`,
			[item.id]
		);
		// Two visits at once: one runner takes the import over, the other stands by.
		const outcomes = await Promise.all([runner.run(item.id), runner.run(item.id)]);
		expect(outcomes.sort()).toEqual(['busy', 'finished']);

		// The first runner comes back and applies its old batch: refused, nothing changes.
		expect(await runner.apply(item.id, first, batch2, prepared2)).toEqual({ applied: false });

		const report = (await imports.get(item.id))!;
		expect(report).toMatchObject({
			status: 'finished',
			added: 1782,
			updated: 0,
			rejected: 18,
			consents_recorded: 1782
		});
		const [counts] = await sql(
			`select count(distinct s.id)::int as supporters, count(c.id)::int as consents,
			   (select count(*)::int from supporter_tags st join tags t on t.id = st.tag_id where t.name = $2) as tags
			 from supporters s left join consents c on c.supporter_id = s.id
			 where s.email like $1`,
			[`%.${run}@example.org`, `resume-${run}`]
		);
		expect(counts).toEqual({ supporters: 1782, consents: 1782, tags: 1782 });
		const audits = await sql(
			`select 1 from audit_log where target = $1 and action = 'supporters.imported'`,
			[item.id]
		);
		expect(audits).toHaveLength(1);
	}, 120_000);
});

describe('consent from a file', () => {
	it('never overrides a later withdrawal, and importing the same file again records nothing twice', async () => {
		const address = uniqueEmail('withdrew');
		const [person] = await sql<{ id: string }>(
			`insert into supporters (email, language) values ($1, 'fr') returning id`,
			[address]
		);
		await sql(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language, given_at)
			 values ($1, 'email', 'withdrawn', 'express', '/email/unsubscribe', 'Unsubscribed', 'fr', '2025-01-10')`,
			[person.id]
		);
		const bytes = csvFile([
			{ email: address, consent: 'oui', date: '2024-06-01', source: 'salon' }
		]);
		for (const attempt of [1, 2]) {
			const item = await uploaded('salon.csv', bytes);
			await imports.start(actor, item.id, { mapping: item.mapping, tag: '' }, '127.0.0.1');
			const report = await finished(item.id);
			expect(report, `import ${attempt}`).toMatchObject({
				updated: 1,
				consents_recorded: attempt === 1 ? 1 : 0
			});
		}
		const rows = await sql(
			`select status, wording, language from consents where supporter_id = $1 order by given_at`,
			[person.id]
		);
		expect(rows).toEqual([
			{
				status: 'granted',
				wording:
					'Le consentement aux courriels est indiqué dans le fichier importé « salon.csv » (source : salon; date : 2024-06-01).',
				language: 'fr'
			},
			{ status: 'withdrawn', wording: 'Unsubscribed', language: 'fr' }
		]);
		const [supporter] = await sql(`select email_consent from supporters where id = $1`, [
			person.id
		]);
		expect(supporter.email_consent).toBe('withdrawn');
	});
});
